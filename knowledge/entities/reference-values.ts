// What one written value is, for a given kind: the canonical form of each kind's value, and the
// checks that keep a card number from being read as one.
import type { Identifier, ReferenceKind } from './reference-kinds.js';
import { bareDigitsKind, DIGIT_KINDS, isCardNumber, longNumberKind, SHAPES } from './reference-shapes.js';

export interface Span {
  start: number;
  end: number;
}

/** An identifier and where its value is in the text (`end` exclusive). */
export interface Located extends Identifier {
  index: number;
  end: number;
}

/** The identifier a value makes for one kind, or undefined when it does not have that shape. */
export function asKind(kind: ReferenceKind, raw: string): Identifier | undefined {
  if (DIGIT_KINDS.has(kind)) {
    if (!/^\d[\d -]*$/.test(raw)) return undefined;
    const value = raw.replace(/[ -]/g, '');
    return SHAPES[kind].test(value) ? { kind, value } : undefined;
  }
  if (kind === 'terminal' || kind === 'auth_code') {
    const value = raw.replace(/[ -]/g, '').toUpperCase();
    return SHAPES[kind].test(value) ? { kind, value } : undefined;
  }
  if (kind === 'application') {
    const value = applicationValue(raw);
    return value ? { kind, value } : undefined;
  }
  // merchant numbers: as written, case and dashes kept (the acquirer compares them exactly)
  if (raw.includes(' ') || /^\d{1,4}-\d{1,2}-\d{1,2}$/.test(raw)) return undefined;
  if (/^\d+$/.test(raw) && raw.length < 6) return undefined;
  if (/^RA-?\d/i.test(raw)) return asKind('application', raw);
  // RF… / TK… (退款) / REF… is a refund number whatever word came before it
  const refund = kind === 'merchant_refund' || /^(?:RF|TK|REF|RFD)[-_]?\d/i.test(raw);
  const k: ReferenceKind = refund ? 'merchant_refund' : 'merchant_order';
  return SHAPES[k].test(raw) ? { kind: k, value: raw } : undefined;
}

/** RA-20261201-0007 however it was typed: ra-20261201-0007, RA202612010007, 申请号 20261201-0007. */
function applicationValue(raw: string): string | undefined {
  const prefixed = /^RA[- ]?/i.test(raw);
  const digits = raw.replace(/^RA[- ]?/i, '');
  if (!/^\d[\d -]*\d$/.test(digits)) return undefined;
  // without the RA prefix only our own layout, date then counter, is taken ("application 55813"
  // is somebody else's number)
  if (!prefixed && !/^\d{8}[- ]?\d{4}$/.test(digits)) return undefined;
  const body = /^\d{12}$/.test(digits)
    ? `${digits.slice(0, 8)}-${digits.slice(8)}`
    : digits.replace(/ /g, '-');
  return `RA-${body}`;
}

/** What a distinctive shape says regardless of the keyword. */
export function byShape(raw: string, overrides: 'all' | 'long' = 'all'): Identifier | undefined {
  if (/^RA[- ]?\d/i.test(raw)) return asKind('application', raw);
  if (!/^\d[\d -]*$/.test(raw)) return undefined;
  const digits = raw.replace(/[ -]/g, '');
  const long = longNumberKind(digits);
  if (long) return { kind: long, value: digits };
  if (overrides === 'long') return undefined;
  const bare = bareDigitsKind(digits);
  return bare === 'pos_reference' || bare === 'lakala_log_no' ? { kind: bare, value: digits } : undefined;
}

/**
 * A card number the user typed: 16–19 digits grouped the way cards are printed (4-4-4-4, 6+13),
 * whatever its check digit; or in one block, with a card's first digit and a valid Luhn digit, or
 * starting like UnionPay (62), Visa (4), Mastercard (51–55) or Amex (34, 37): a merchant's order
 * number rarely starts so, and reading a card as an order number would echo it back.
 */
export function looksLikeCard(raw: string): boolean {
  const groups = raw.split(/[ -]/);
  const digits = groups.join('');
  if (!/^\d{16,19}$/.test(digits)) return false;
  if (groups.length === 1) return isCardNumber(digits) || /^(?:62|4|5[1-5]|3[47])/.test(digits);
  const fours = groups.every((g, i) => g.length === 4 || (i === groups.length - 1 && g.length <= 4));
  return fours || (groups.length === 2 && groups[0]?.length === 6);
}
