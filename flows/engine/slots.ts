import {
  addDays,
  type CivilDate,
  type Commands,
  compareDates,
  type Entities,
  formatDate,
  lookupKey,
  normalize,
  parseIsoDate,
} from '../../knowledge/index.js';
import type { AskNode, Flow, Option, SlotType } from './schema.js';
import type { SlotValue, Values } from './state.js';

export interface AnswerInput {
  /** A pressed button's value. */
  value?: string;
  /** Typed text, with the entities found in it. */
  text?: string;
  /** The same text as the turn normalised it (so it is not normalised again here). */
  normalized?: string;
  entities?: Entities;
}

export interface ParseContext {
  today: CivilDate;
  commands: Commands;
  /** The flow's slots by name, for options that an answer of another slot picks (`given`). */
  slots?: Flow['slots'];
}

const MAX_TEXT = 500;
/** A date answer older than this is more likely a misreading than a refund we can help with. */
const OLDEST_DAYS = 400;

// An option's labels and match words, normalised once (flows are loaded once; answers come often).
const prepared = new WeakMap<Option, { labels: string[]; words: string[] }>();
function prepare(o: Option): { labels: string[]; words: string[] } {
  let p = prepared.get(o);
  if (!p) {
    p = {
      labels: [normalize(o.label.zh), normalize(o.label.en)],
      words: [...(o.match?.zh ?? []), ...(o.match?.en ?? [])].map((w) => normalize(w)),
    };
    prepared.set(o, p);
  }
  return p;
}

function optionFor(options: readonly Option[], n: string): Option | undefined {
  const index = /^(?:第)?([1-9])(?:个|项)?$/.exec(n.replace(/\s/g, ''))?.[1];
  if (index) return options[Number(index) - 1];
  const exact = options.find((o) => prepare(o).labels.includes(n) || o.value === n);
  if (exact) return exact;
  const hits = optionHits(options, n);
  return hits.length === 1 ? hits[0] : undefined;
}

/** Whole days from `a` to `b` (negative when `b` is earlier). */
export function daysBetween(a: CivilDate, b: CivilDate): number {
  return Math.round(compareDates(b, a) / 86_400_000);
}

/** Reads an answer to an ask node. `undefined` means it does not fit: the runner re-asks. */
export function parseAnswer(
  type: SlotType,
  node: AskNode,
  input: AnswerInput,
  ctx: ParseContext,
): SlotValue | undefined {
  const { value, text = '', entities = {} } = input;
  const n = input.normalized ?? normalize(text);
  const options = node.options;
  if (value !== undefined) {
    if (options) return options.some((o) => o.value === value) ? value : undefined;
    if (type === 'yes_no') return value === 'yes' || value === 'no' ? value : undefined;
    return undefined;
  }
  if (options) {
    const picked = optionFor(options, n) ?? givenOption(node, input, ctx)?.option;
    if (picked) return picked.value;
    if (type === 'choice' || type === 'payment_method') return undefined;
  }
  switch (type) {
    case 'reference':
      // only a number a look-up can find the transaction by: a voucher or a WeChat number would
      // come back "not found" (and count against a consumer's tries)
      return lookupKey(entities.identifiers);
    case 'amount': {
      if (entities.amount) return entities.amount.fen;
      // a bare number answers "how much?" well enough: the question named the currency
      const bare = /^\s*(\d+(?:\.\d{1,2})?)\s*$/.exec(n)?.[1];
      return bare ? Math.round(Number(bare) * 100) : undefined;
    }
    case 'date': {
      const d = entities.date ? parseIsoDate(entities.date) : undefined;
      if (!d) return undefined;
      const age = daysBetween(d, ctx.today);
      return age >= 0 && age <= OLDEST_DAYS ? entities.date : undefined;
    }
    case 'card_last4':
      return entities.cardLast4 ?? /^\s*(\d{4})\s*$/.exec(n)?.[1];
    case 'yes_no':
      if (ctx.commands.is({ text: n }, 'yes')) return 'yes';
      if (ctx.commands.is({ text: n }, 'no')) return 'no';
      return undefined;
    case 'verification': {
      if (entities.cardLast4) return `card:${entities.cardLast4}`;
      if (entities.amount) return `amount:${entities.amount.fen}`;
      const digits = n.replace(/\s/g, '');
      if (/^\d{4}$/.test(digits)) return `card:${digits}`;
      const bare = /^(\d+(?:\.\d{1,2})?)$/.exec(digits)?.[1];
      return bare ? `amount:${Math.round(Number(bare) * 100)}` : undefined;
    }
    case 'text': {
      const t = text.trim();
      return t.length > 0 ? t.slice(0, MAX_TEXT) : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * The option an answer of another slot picks ("退10元" at "all or part?" is `part`, given the
 * amount), with that slot's value. Only when no option's own words matched.
 */
export function givenOption(
  node: AskNode,
  input: AnswerInput,
  ctx: ParseContext,
): { option: Option; slot: string; value: SlotValue } | undefined {
  if (input.value !== undefined) return undefined;
  for (const option of node.options ?? []) {
    const slot = option.given;
    const type = slot ? ctx.slots?.[slot]?.type : undefined;
    if (!slot || !type || type === 'text' || type === 'choice') continue;
    const value = parseAnswer(type, { ...node, options: undefined, slot }, input, ctx);
    if (value !== undefined) return { option, slot, value };
  }
  return undefined;
}

/**
 * What the opening message already answers ("参考号123456789012的退款还没到" fills the reference):
 * `slots` from entities, by type, where the flow has exactly one slot of that type; `hints`, per
 * question, the option one of the message's words picks unambiguously — used only if the walk
 * reaches that question ("余额" answers the WeChat question or the Alipay one, whichever comes).
 */
export function prefill(
  flow: Flow,
  /** The opening message, normalised. */
  n: string,
  entities: Entities,
  ctx: ParseContext,
): Prefilled {
  const out: Values = {};
  const hints: Values = {};
  const narrow: Record<string, string[]> = {};
  const byType = new Map<SlotType, string[]>();
  for (const [name, { type }] of Object.entries(flow.slots))
    byType.set(type, [...(byType.get(type) ?? []), name]);
  const only = (type: SlotType) => {
    const names = byType.get(type) ?? [];
    return names.length === 1 ? names[0] : undefined;
  };
  const put = (type: SlotType, v: SlotValue | undefined) => {
    const name = only(type);
    if (name && v !== undefined) out[name] = v;
  };
  put('reference', lookupKey(entities.identifiers));
  put('amount', entities.amount?.fen);
  put('card_last4', entities.cardLast4);
  put(
    'verification',
    entities.cardLast4
      ? `card:${entities.cardLast4}`
      : entities.amount
        ? `amount:${entities.amount.fen}`
        : undefined,
  );
  if (entities.date) {
    const d = parseIsoDate(entities.date);
    if (d && daysBetween(d, ctx.today) >= 0) put('date', entities.date);
  } else if (entities.elapsedDays !== undefined && entities.elapsedDays <= OLDEST_DAYS) {
    // "退款三天了": the day it happened is that many days ago; near enough for a working-day window
    put('date', formatDate(addDays(ctx.today, -entities.elapsedDays)));
  }
  // words the user quotes off a screen ("提示“原交易不存在”") answer the tree's one free-text question
  const quoted = /[“"「『]([^”"」』]{2,80})[”"」』]/.exec(n)?.[1];
  if (quoted) put('text', quoted.trim());
  for (const [id, node] of Object.entries(flow.nodes)) {
    if (node.kind !== 'ask' || !node.options || out[node.slot] !== undefined) continue;
    // a yes/no or free-text question is about something the user has not been asked yet
    const type = flow.slots[node.slot]?.type;
    if (type === 'yes_no' || type === 'text' || type === 'proof') continue;
    const hits = optionHits(node.options, n, 2);
    if (hits.length === 1 && hits[0]) hints[id] = hits[0].value;
    else if (hits.length > 1 && hits.length < node.options.length) narrow[id] = hits.map((o) => o.value);
  }
  return { slots: out, hints, narrow };
}

export interface Prefilled {
  slots: Values;
  /** The option a message picks for a question not reached yet. */
  hints: Values;
  /** The options a message narrows a question to, when it picks none alone. */
  narrow: Record<string, string[]>;
}

/**
 * Options whose words the text contains. A broad option counts only when no specific one does, and
 * a longer match wins over the shorter ones inside it ("credit card" is the credit card, not also
 * "card"). `minLength`: shorter words are ignored (a prefill must not guess from one character).
 */
function optionHits(options: readonly Option[], n: string, minLength = 1): Option[] {
  const matched = options.flatMap((o) => {
    const words = prepare(o).words.filter((w) => [...w].length >= minLength && n.includes(w));
    return words.length ? [{ o, best: words.reduce((a, b) => (b.length > a.length ? b : a)) }] : [];
  });
  const kept = matched.filter(
    (m) => !matched.some((x) => x !== m && x.best.length > m.best.length && x.best.includes(m.best)),
  );
  const specific = kept.filter((m) => !m.o.broad);
  return (specific.length ? specific : kept).map((m) => m.o);
}
