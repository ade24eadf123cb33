import * as OpenCC from 'opencc-js';

// Traditional → simplified, so one model and one index serve both. The Taiwan table also knows the
// Taiwan phrasings (著急 → 着急); the Hong Kong one adds only rare characters and would double the cost.
const toSimplified = OpenCC.Converter({ from: 'tw', to: 'cn' });

// C0/C1 controls, zero-width characters and lone surrogates come from pasted or binary input; they
// carry no meaning and break segmenters and JSON, so they become spaces before anything else.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\ufeff]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const HAN = /\p{Script=Han}/u;

/**
 * The one normalisation every component sees: full-width → half-width (NFKC), traditional →
 * simplified, lower case, controls removed, whitespace collapsed. Punctuation is kept because
 * entity parsers need it (¥12.50, 2026-11-20); the tokenizer drops it.
 */
export function normalize(input: string): string {
  return normalizeKeepCase(input).toLowerCase();
}

/** The same without lower-casing: merchant order numbers are case-sensitive at the acquirer. */
export function normalizeKeepCase(input: string): string {
  let text = input.replace(LONE_SURROGATE, ' ').replace(CONTROL, ' ').normalize('NFKC');
  if (HAN.test(text)) text = toSimplified(text);
  return text.replace(/\s+/g, ' ').trim();
}
