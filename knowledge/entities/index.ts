import { type Amount, locateAmount } from './amount.js';
import { BUSINESS_TIME_ZONE, findDate, formatDate, todayIn } from './date.js';
import { findElapsedDays } from './elapsed.js';
import { findCardLast4 } from './identifiers.js';
import { type Identifier, mostUseful, type ReferenceKind } from './reference-kinds.js';
import { distinct, locateIdentifiers } from './references.js';

export type { Amount } from './amount.js';
export { findAmount, formatYuan } from './amount.js';
export * from './date.js';
export { findElapsedDays } from './elapsed.js';
export { findCardLast4, findOrderNumber, findReference, findVoucher } from './identifiers.js';
export { lookupKey, parseLookupKey, unusableKind } from './lookup-keys.js';
export {
  type Identifier,
  KIND_LABELS,
  kindGroup,
  REFERENCE_KINDS,
  REFERENCE_PRIORITY,
  type ReferenceKind,
} from './reference-kinds.js';
export { findIdentifiers } from './references.js';

export interface Entities {
  /**
   * The identifier the user gave, of any kind (see `referenceKind`); when there are several, the
   * most useful for finding the transaction (REFERENCE_PRIORITY: an application over a refund
   * number over Lakala's numbers and the 参考号 over an order number over wallet numbers over the
   * slip's voucher, authorisation, batch, terminal and merchant numbers).
   */
  reference?: string;
  /** What `reference` is: present exactly when `reference` is. */
  referenceKind?: ReferenceKind;
  /** Every identifier found, in the order they appear (present when there is at least one). */
  identifiers?: Identifier[];
  /** 6-digit voucher number (凭证号), whether or not it is also the `reference`. */
  voucher?: string;
  /** Merchant order number (letters and digits), whether or not it is also the `reference`. */
  orderNo?: string;
  amount?: Amount;
  /** YYYY-MM-DD, resolved against today in Asia/Shanghai. */
  date?: string;
  /** How many days the user says they have waited ("三天了", "it's been a week" → 7); never a date. */
  elapsedDays?: number;
  cardLast4?: string;
}

// Ideographic and no-break spaces, full-width digits and letters (NFKC) and the many dashes
// (‐ ‑ ‒ – — −): the normaliser does most of this already, but a pasted number must not depend on it.
const DASHES = /[\u2010-\u2015\u2212\ufe58\ufe63]/g;
function prepare(text: string): string {
  return text.normalize('NFKC').replace(DASHES, '-').replace(/\s+/g, ' ');
}

/** The text with these spans turned into spaces, so that later parsers cannot read them. */
function blank(text: string, spans: ReadonlyArray<{ index: number; end: number }>): string {
  let out = text;
  for (const { index, end } of spans) out = out.slice(0, index) + ' '.repeat(end - index) + out.slice(end);
  return out;
}

/**
 * Runs every parser over one message. `text` keeps its case (order numbers are case-sensitive);
 * parsers that need lower case get it here.
 */
export function extractEntities(
  text: string,
  now: Date = new Date(),
  timeZone = BUSINESS_TIME_ZONE,
): Entities {
  const prepared = prepare(text);
  const located = locateIdentifiers(prepared);
  // an identifier's digits are nobody's date or amount (SO-2026-11-0457 is not 4 November)
  const lower = blank(prepared, located).toLowerCase();
  const out: Entities = {};
  const identifiers = distinct(located);
  const best = mostUseful(identifiers);
  if (best) {
    out.reference = best.value;
    out.referenceKind = best.kind;
    out.identifiers = identifiers;
  }
  const voucher = identifiers.find((i) => i.kind === 'voucher');
  if (voucher) out.voucher = voucher.value;
  const order = identifiers.find((i) => i.kind === 'merchant_order');
  if (order) out.orderNo = order.value;
  const cardLast4 = findCardLast4(prepared);
  if (cardLast4) out.cardLast4 = cardLast4;
  const amount = locateAmount(lower);
  if (amount) out.amount = amount.amount;
  // nor are an amount's digits a date ("paid 5.5" is not 5 May)
  const date = findDate(amount ? blank(lower, [amount]) : lower, todayIn(now, timeZone));
  if (date) out.date = formatDate(date.date);
  const elapsedDays = findElapsedDays(lower);
  if (elapsedDays !== undefined) out.elapsedDays = elapsedDays;
  return out;
}
