import type { Reply } from '../contracts/replies.js';
import { type Lang, type NormalizedMessage, toTraditional } from '../knowledge/index.js';

export type Script = 'simplified' | 'traditional';

// A message of only these says nothing about the language a person reads: Chinese users type them
// too ("ok", "POS", "app"). Any other Latin word, or any Han character, does.
const UNIVERSAL = new Set(['ok', 'okk', 'okay', 'pos', 'app', 'atm', 'qr', 'id', 'sn', 'vip', 'a', 'b', 'c']);

/** The language a message is written in, when it is clear enough to answer in. */
export function ownLanguage(message: NormalizedMessage | undefined): Lang | undefined {
  if (!message?.lang) return undefined;
  const words = message.text.match(/[a-z]+/g) ?? [];
  if (message.lang === 'en' && words.every((w) => UNIVERSAL.has(w))) return undefined;
  return message.lang;
}

/**
 * The reply's language: the message's own, when it has one; else the conversation's, once it has
 * begun; else the channel's locale (a page's language) — a default, never an override.
 */
export function replyLanguage(options: {
  message: NormalizedMessage | undefined;
  locale: Lang | undefined;
  conversation: { lang: Lang; turns: number };
}): Lang {
  const { message, locale, conversation } = options;
  return ownLanguage(message) ?? (conversation.turns > 0 ? conversation.lang : (locale ?? conversation.lang));
}

/** Replies in the user's script: traditional characters for a user who writes them. */
export function inScript(replies: readonly Reply[], script: Script | undefined): Reply[] {
  if (script !== 'traditional') return [...replies];
  const t = toTraditional;
  return replies.map((r) => {
    switch (r.type) {
      case 'text':
        return { ...r, text: t(r.text) };
      case 'choices':
        return { ...r, choices: r.choices.map((c) => ({ ...c, label: t(c.label) })) };
      case 'card':
        return {
          ...r,
          title: t(r.title),
          fields: r.fields.map((f) => ({ label: t(f.label), value: t(f.value) })),
        };
      default:
        return { ...r, title: t(r.title), snippet: t(r.snippet) };
    }
  });
}
