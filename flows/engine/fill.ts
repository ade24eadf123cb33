import { type CivilDate, formatDay, formatYuan, type Lang, parseIsoDate } from '../../knowledge/index.js';
import { type Flow, type LocalizedText, PLACEHOLDER } from './schema.js';
import type { FlowState } from './state.js';

export interface FillOptions {
  flow: Flow;
  /** Without a state only policy values are filled; other placeholders stay as written. */
  state: FlowState | undefined;
  lang: Lang;
  policy: Record<string, string>;
  today: CivilDate;
}

/** `{slots.x}`, facts and policy values, formatted for the reader. */
export function fill(words: LocalizedText, { flow, state, lang, policy, today }: FillOptions): string {
  return words[lang].replace(PLACEHOLDER, (m, name: string) => {
    if (name in policy) return policy[name] as string;
    if (!state) return m;
    const raw = name.startsWith('slots.') ? state.slots[name.slice(6)] : state.facts[name];
    if (raw === undefined) return '';
    const slot = name.startsWith('slots.') ? flow.slots[name.slice(6)] : undefined;
    if (slot?.type === 'amount' && typeof raw === 'number') return formatYuan(raw);
    if (typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(raw)) {
      const d = parseIsoDate(raw);
      return d ? formatDay(d, lang, today.year, today) : raw;
    }
    if (slot) {
      // a choice's value ("wechat") reads as its button's label ("微信支付")
      const option = Object.values(flow.nodes)
        .flatMap((n) => (n.kind === 'ask' && n.slot === name.slice(6) ? (n.options ?? []) : []))
        .find((o) => o.value === raw);
      if (option) return option.label[lang];
    }
    return String(raw);
  });
}
