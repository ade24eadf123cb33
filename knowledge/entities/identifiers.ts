// The identifier finders by their old names, and the card's last four digits. The identifiers
// themselves live in references.ts (what follows a keyword), reference-shapes.ts (what a bare
// number is) and reference-keywords.ts (the keywords).
import { mostUseful } from './reference-kinds.js';
import { findIdentifiers } from './references.js';

const LAST4 = [
  /(?:尾号|尾號|尾数|尾數|后四位|后4位|後四位|末四位|末4位|末尾|卡号后四位|卡号后4位|最后四位|最后4位)\s*(?:为|為|是|:|：)?\s*(\d{4})(?!\d)/,
  /\b(?:ending|ends|ended)\s*(?:in|with)?\s*:?\s*(\d{4})(?!\d)/i,
  /\blast\s*(?:4|four)(?:\s*digits?)?\s*(?:is|are|=|:)?\s*(\d{4})(?!\d)/i,
  /(?<!\d)\d{4}\s?\*{2,}\s?(\d{4})(?!\d)/,
  /\*{2,}\s?(\d{4})(?!\d)/,
];

/** The most useful identifier's value (see REFERENCE_PRIORITY), whatever its kind. */
export function findReference(text: string): string | undefined {
  return mostUseful(findIdentifiers(text))?.value;
}

/** The first 6-digit voucher number (凭证号 / 流水号, or a bare zero-padded 6-digit number). */
export function findVoucher(text: string): string | undefined {
  return findIdentifiers(text).find((i) => i.kind === 'voucher')?.value;
}

/** The first merchant order number (订单号, order, #, or a code such as LKL202611200001). */
export function findOrderNumber(text: string): string | undefined {
  return findIdentifiers(text).find((i) => i.kind === 'merchant_order')?.value;
}

export function findCardLast4(text: string): string | undefined {
  for (const re of LAST4) {
    const m = re.exec(text);
    if (m?.[1]) return m[1];
  }
  return undefined;
}
