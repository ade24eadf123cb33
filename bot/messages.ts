import type { Lang, Localized, MessageKey } from '../knowledge/index.js';

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
