import type { Lang } from '../content/schemas.js';

const HAN = /\p{Script=Han}/gu;
const LATIN_WORD = /[a-z]{2,}/gi;
// a link or an e-mail address is written in Latin letters whatever language its writer speaks
// (masked as the assistant keeps it: w***@example.com)
const ADDRESS = /\b(?:https?:\/\/|www\.)\S+|[\w.+*-]+@[\w-]+(?:\.[\w-]+)+/gi;

/**
 * zh or en from the letters a message uses; undefined when it has none (digits, emoji, only a link
 * or an e-mail address), so the caller keeps the conversation's language. Mixed messages ("我的refund还没到") are Chinese: a
 * Chinese writer borrows English words far more often than the reverse.
 */
export function detectLanguage(written: string): Lang | undefined {
  const text = written.replace(ADDRESS, ' ');
  const han = text.match(HAN)?.length ?? 0;
  const latinWords = text.match(LATIN_WORD)?.length ?? 0;
  if (han === 0 && latinWords === 0) return undefined;
  if (han >= 2 || (han > 0 && han >= latinWords)) return 'zh';
  return latinWords > 0 ? 'en' : 'zh';
}

/** A channel's or a browser's locale (zh-CN, en-US, zh_TW, EN…) as one of our languages. */
export function langOfLocale(locale: unknown): Lang | undefined {
  if (typeof locale !== 'string') return undefined;
  const l = locale.toLowerCase();
  return l.startsWith('zh') ? 'zh' : l.startsWith('en') ? 'en' : undefined;
}
