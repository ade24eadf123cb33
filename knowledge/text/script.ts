import * as OpenCC from 'opencc-js';

// Simplified → traditional (Taiwan standard) for replies to a user who writes traditional. Built on
// first use: most deployments never meet a traditional message, and the table costs start-up time.
let convert: ((s: string) => string) | undefined;
const HAN = /\p{Script=Han}/u;

/** The same text in traditional characters; text without Han characters comes back as it is. */
export function toTraditional(text: string): string {
  if (!HAN.test(text)) return text;
  const c = (convert ??= OpenCC.Converter({ from: 'cn', to: 'tw' }));
  return c(text);
}
