// What a string of digits is, by its length and prefix alone: used for numbers quoted without a
// keyword, and for keyword values that do not fit the keyword's own kinds. When the shape is
// ambiguous the answer is the safe one: nothing, or a kind that never starts a look-up.
import type { ReferenceKind } from './reference-kinds.js';

/** Luhn's check digit, as every card number carries. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** A mainland mobile number, alone or after the country code 86. */
export function isPhone(digits: string): boolean {
  return /^(?:86)?1[3-9]\d{9}$/.test(digits);
}

/**
 * A card number: 13–19 digits with a card network's first digit (2 Mastercard, 3 Amex/JCB/Diners,
 * 4 Visa, 5 Mastercard, 6 UnionPay/Discover) and a valid Luhn digit. Merchant (8…) and Lakala
 * numbers do not start like that, so this costs them nothing.
 */
export function isCardNumber(digits: string): boolean {
  return /^[2-6]\d{12,18}$/.test(digits) && passesLuhn(digits);
}

function validYmd(ymd: string): boolean {
  const y = Number(ymd.slice(0, 4));
  const m = Number(ymd.slice(4, 6));
  const d = Number(ymd.slice(6, 8));
  if (y < 2000 || y > 2099 || m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/**
 * The card numbers shorter than 16 digits that exist: Visa's old 13 (4…), Diners' 14 (30, 36, 38),
 * Amex's 15 (34, 37), with a valid Luhn digit. A Lakala log_no (66…, 14 digits) is none of them,
 * whatever its last digit.
 */
function isShortCard(digits: string): boolean {
  return /^(?:4\d{12}|3[068]\d{12}|3[47]\d{13})$/.test(digits) && passesLuhn(digits);
}

/** yyyyMMddHHmmss: a timestamp copied off a receipt or a system, not a number to look up. */
export function isTimestamp(digits: string): boolean {
  if (!/^\d{14}$/.test(digits) || !validYmd(digits.slice(0, 8))) return false;
  const [h, mi, s] = [digits.slice(8, 10), digits.slice(10, 12), digits.slice(12, 14)].map(Number);
  return (h ?? 99) < 24 && (mi ?? 99) < 60 && (s ?? 99) < 60;
}

/** Long numbers from the wallets and Lakala: these shapes are distinctive, with or without a keyword. */
export function longNumberKind(digits: string): ReferenceKind | undefined {
  const n = digits.length;
  if (n < 20 || n > 32) return undefined;
  if (/^4200/.test(digits) && (n === 28 || n === 32)) return 'wechat_transaction';
  if (/^50/.test(digits) && n >= 28) return 'wechat_refund';
  // Alipay: yyyyMMdd then 22 (the business type), 28 digits; Lakala's trade_no is date-first too,
  // but its date is followed by the log_no, not by 22.
  if (n === 28 && validYmd(digits.slice(0, 8)) && digits.slice(8, 10) === '22') return 'alipay_trade_no';
  return 'lakala_trade_no';
}

/**
 * A bare number (no keyword before it). 12 digits is the 参考号 whatever it starts with (13… too:
 * a phone has 11); 14 digits is a log_no unless it reads as a timestamp; 15 digits starting 8 is
 * a merchant number; a zero-padded 6-digit number is a slip counter, taken as the voucher (batch
 * numbers look the same, but users quote the voucher far more often, and both only narrow the
 * search). Anything else — 6 digits without a leading zero (an amount, a code?), 8 digits (a
 * terminal, a date, a QQ number?) — is nothing: guessing would send a look-up after a stranger's
 * number. 16–19 digits is a card whatever its check digit (and 13–15 when a card of that length
 * could start so and the Luhn digit holds): nothing to echo back.
 */
export function bareDigitsKind(digits: string): ReferenceKind | 'card' | 'phone' | undefined {
  const n = digits.length;
  if (isPhone(digits)) return 'phone';
  if (n >= 16 && n <= 19) return 'card';
  if (isShortCard(digits)) return 'card';
  if (n === 12) return 'pos_reference';
  if (n === 6 && digits.startsWith('0')) return 'voucher';
  if (n === 14) return isTimestamp(digits) ? undefined : 'lakala_log_no';
  if (n === 15 && digits.startsWith('8')) return 'merchant';
  return longNumberKind(digits);
}

/** How one kind's value must look once spaces and dashes are gone. */
export const SHAPES: Record<ReferenceKind, RegExp> = {
  pos_reference: /^\d{12}$/,
  voucher: /^\d{6}$/,
  batch: /^\d{6}$/,
  terminal: /^(?=(?:[A-Z]*\d){6})[A-Z0-9]{8}$/,
  merchant: /^\d{15}$/,
  auth_code: /^(?=(?:[A-Z]*\d){3})[A-Z0-9]{6}$/,
  lakala_trade_no: /^\d{16,32}$/,
  lakala_log_no: /^\d{14}$/,
  wechat_transaction: /^\d{28}$|^\d{32}$/,
  wechat_refund: /^\d{20,32}$/,
  alipay_trade_no: /^\d{28,32}$/,
  // at least four digits: "order was wrong" and "#1" are not numbers anybody can look up
  merchant_order: /^(?=(?:[^\d]*\d){4})[A-Za-z0-9][A-Za-z0-9_-]{3,39}$/,
  merchant_refund: /^(?=(?:[^\d]*\d){4})[A-Za-z0-9][A-Za-z0-9_-]{3,39}$/,
  application: /^RA-\d[\d-]*\d$/,
};

/** Kinds whose value is digits only, so spaces and dashes inside it are the user's grouping. */
export const DIGIT_KINDS: ReadonlySet<ReferenceKind> = new Set([
  'pos_reference',
  'voucher',
  'batch',
  'merchant',
  'lakala_trade_no',
  'lakala_log_no',
  'wechat_transaction',
  'wechat_refund',
  'alipay_trade_no',
]);
