import {
  type Content,
  LANGS,
  type Lang,
  type Localized,
  type MessageKey,
  policyValues,
} from '../knowledge/index.js';

export type Say = (key: MessageKey, lang: Lang, vars?: Record<string, string | number>) => string;

/** Looks a message up in knowledge/messages.yml and fills its {placeholders}. */
export function createSay(
  messages: Record<MessageKey, Localized>,
  defaults: Record<Lang, Record<string, string>>,
): Say {
  return (key, lang, vars = {}) =>
    messages[key][lang].replace(/\{(\w+)\}/g, (m, name: string) => {
      const v = vars[name] ?? defaults[lang][name];
      return v === undefined ? m : String(v);
    });
}

/** The policy values (window, fee, support contact) every message may quote, per language. */
export function policyByLang(content: Content): Record<Lang, Record<string, string>> {
  return Object.fromEntries(LANGS.map((l) => [l, policyValues(content.policy, l)])) as Record<
    Lang,
    Record<string, string>
  >;
}

export function sayFor(content: Content): Say {
  return createSay(content.messages, policyByLang(content));
}
