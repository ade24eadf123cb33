import { LRUCache } from 'lru-cache';
import * as OpenCC from 'opencc-js';

// Simplified → traditional (Taiwan standard) for replies to a user who writes traditional. Built on
// first use: most deployments never meet a traditional message, and the table costs start-up time.
let converter: ((s: string) => string) | undefined;
function convert(text: string): string {
  const c = converter ?? OpenCC.Converter({ from: 'cn', to: 'tw' });
  converter = c;
  return c(text);
}
const HAN = /\p{Script=Han}/u;

// OpenCC reads 发卡 as a hairpin (髮卡); in payments it is always the card issuer (發卡行).
const FIXES: ReadonlyArray<[RegExp, string]> = [[/髮卡/g, '發卡']];

/**
 * Replies are mostly the same few hundred texts (knowledge/messages.yml, the articles): each one is
 * converted once, not on every turn of every traditional-writing user.
 */
const converted = new LRUCache<string, string>({ max: 2000 });

/** The same text in traditional characters; text without Han characters comes back as it is. */
export function toTraditional(text: string): string {
  if (!HAN.test(text)) return text;
  let t = converted.get(text);
  if (t === undefined) {
    t = FIXES.reduce((s, [wrong, right]) => s.replace(wrong, right), convert(text));
    converted.set(text, t);
  }
  return t;
}
