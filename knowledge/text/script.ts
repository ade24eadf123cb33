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

/** The same text in traditional characters; text without Han characters comes back as it is. */
export function toTraditional(text: string): string {
  if (!HAN.test(text)) return text;
  return FIXES.reduce((t, [wrong, right]) => t.replace(wrong, right), convert(text));
}
