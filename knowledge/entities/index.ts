import { type Amount, findAmount } from './amount.js';
import { BUSINESS_TIME_ZONE, findDate, formatDate, todayIn } from './date.js';
import { findCardLast4, findOrderNumber, findReference, findVoucher } from './identifiers.js';

export type { Amount } from './amount.js';
export { findAmount, formatYuan } from './amount.js';
export * from './date.js';
export { findCardLast4, findOrderNumber, findReference, findVoucher } from './identifiers.js';

export interface Entities {
  /** 12-digit system reference number (参考号). */
  reference?: string;
  /** 6-digit voucher number (凭证号). */
  voucher?: string;
  /** Merchant order number (letters and digits). */
  orderNo?: string;
  amount?: Amount;
  /** YYYY-MM-DD, resolved against today in Asia/Shanghai. */
  date?: string;
  cardLast4?: string;
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
  const lower = text.toLowerCase();
  const out: Entities = {};
  const reference = findReference(text);
  if (reference) out.reference = reference;
  const voucher = findVoucher(text);
  if (voucher) out.voucher = voucher;
  const orderNo = findOrderNumber(text);
  if (orderNo) out.orderNo = orderNo;
  const cardLast4 = findCardLast4(text);
  if (cardLast4) out.cardLast4 = cardLast4;
  const amount = findAmount(lower);
  if (amount) out.amount = amount;
  const date = findDate(lower, todayIn(now, timeZone));
  if (date) out.date = formatDate(date.date);
  return out;
}
