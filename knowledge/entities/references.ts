// Every identifier in a message, with its kind: first those a keyword introduces (参考号, 订单号,
// order, #…), then, in the rest of the text, numbers and codes whose shape alone says what they
// are. Phones and card numbers never become identifiers.
import { KEYWORD_RULES, type KeywordRule } from './reference-keywords.js';
import type { Identifier, ReferenceKind } from './reference-kinds.js';
import {
  bareDigitsKind,
  DIGIT_KINDS,
  isCardNumber,
  isPhone,
  longNumberKind,
  SHAPES,
} from './reference-shapes.js';

// after the keyword: "是", "为", ":", "#", "no.", "number", "is" in any mix
const FILLER = String.raw`(?:\s*(?:[:=#是为為]|(?:is|was|no|nr|number|num)\b\.?))*\s*`;
// The value: letters, digits, _ and inner dashes; then more space-separated groups of 2–6 digits
// ("3105 1987 5521"), which a user types for readability. A group of 7+ digits after a space is a
// different number ("13812345678 600283915547").
const VALUE = String.raw`([A-Za-z0-9](?:[A-Za-z0-9_]|-(?=[A-Za-z0-9]))*(?: \d{2,6}(?![\dA-Za-z]))*)`;
// a value followed by one of these is an amount, a count or a date, or part of an address, not an
// identifier
const NOT_AFTER =
  /^(?:@|\.[A-Za-z0-9]|\s*(?:元|块|圆|毛|角|万|千|百|%|次|天|笔|单|个|年|月|日|号|点|:\d|[.,]\d|rmb|yuan|cny|usd|dollars?|bucks?|times?|days?))/i;

const COMPILED = KEYWORD_RULES.map((rule) => ({
  rule,
  re: new RegExp(`(${rule.keyword})${FILLER}${VALUE}`, 'gi'),
}));

interface Span {
  start: number;
  end: number;
}

/** The identifier a value makes for one kind, or undefined when it does not have that shape. */
function asKind(kind: ReferenceKind, raw: string): Identifier | undefined {
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

/** RA-20261201-0007 however it was typed: ra 20261201 0007, RA202612010007, 申请号 20261201-0007. */
function applicationValue(raw: string): string | undefined {
  const digits = raw.replace(/^RA[- ]?/i, '');
  if (!/^\d[\d -]*\d$/.test(digits)) return undefined;
  const body = /^\d{12}$/.test(digits)
    ? `${digits.slice(0, 8)}-${digits.slice(8)}`
    : digits.replace(/ /g, '-');
  return `RA-${body}`;
}

/** What a distinctive shape says regardless of the keyword. */
function byShape(raw: string, overrides: 'all' | 'long' = 'all'): Identifier | undefined {
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
function looksLikeCard(raw: string): boolean {
  const groups = raw.split(/[ -]/);
  const digits = groups.join('');
  if (!/^\d{16,19}$/.test(digits)) return false;
  if (groups.length === 1) return isCardNumber(digits) || /^(?:62|4|5[1-5]|3[47])/.test(digits);
  const fours = groups.every((g, i) => g.length === 4 || (i === groups.length - 1 && g.length <= 4));
  return fours || (groups.length === 2 && groups[0]?.length === 6);
}

function resolve(rule: KeywordRule, raw: string): Identifier | undefined {
  if (looksLikeCard(raw)) return undefined;
  if (rule.overrides) {
    const shaped = byShape(raw, rule.overrides);
    if (shaped) return shaped;
  }
  for (const kind of rule.kinds) {
    const id = asKind(kind, raw);
    if (id) return id;
  }
  return byShape(raw);
}

/** The value, or the longest run of its leading space-separated groups that makes an identifier. */
function resolveGroups(rule: KeywordRule, value: string): { id: Identifier; length: number } | undefined {
  const groups = value.split(' ');
  for (let n = groups.length; n >= 1; n--) {
    const raw = groups.slice(0, n).join(' ');
    const id = resolve(rule, raw);
    if (id) return { id, length: raw.length };
    if (looksLikeCard(raw)) return undefined;
  }
  return undefined;
}

/** An identifier and where its value is in the text (`end` exclusive). */
export interface Located extends Identifier {
  index: number;
  end: number;
}
type Found = Located;

function keywordIdentifiers(text: string): { found: Found[]; claimed: Span[] } {
  const candidates: Array<{ kw: Span; end: number; id: Identifier; index: number }> = [];
  for (const { rule, re } of COMPILED) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const keyword = m[1] ?? '';
      const value = m[2] ?? '';
      const valueStart = m.index + m[0].length - value.length;
      const hit = resolveGroups(rule, value);
      if (!hit || NOT_AFTER.test(text.slice(valueStart + hit.length))) {
        re.lastIndex = m.index + Math.max(1, keyword.length);
        continue;
      }
      candidates.push({
        kw: { start: m.index, end: m.index + keyword.length },
        end: valueStart + hit.length,
        id: hit.id,
        index: valueStart,
      });
      re.lastIndex = valueStart + hit.length;
    }
  }
  // "商户订单号" also contains "订单号", "退款单号" contains "单号": the keyword that starts first
  // (and, from the same place, the longer one) owns the value.
  candidates.sort((a, b) => a.kw.start - b.kw.start || b.kw.end - a.kw.end);
  const found: Found[] = [];
  const claimed: Span[] = [];
  for (const c of candidates) {
    if (claimed.some((s) => c.kw.start < s.end && c.end > s.start)) continue;
    claimed.push({ start: c.kw.start, end: c.end });
    found.push({ ...c.id, index: c.index, end: c.end });
  }
  return { found, claimed };
}

// a code that starts with letters: LKL202611200001, WX20261120883, RF88231045, RA-20261201-0007
// (not inside an e-mail address or a web address)
const CODE =
  /(?<![A-Za-z0-9_@./-])([A-Za-z]{1,6}[-_]?\d(?:[A-Za-z0-9_]|-(?=[A-Za-z0-9]))*)(?![A-Za-z0-9_@/-])(?!\.[A-Za-z0-9])/g;
// letters that start other things: phone and QQ numbers, serial numbers, currencies, the keywords
const NOT_A_CODE_PREFIX =
  /^(?:qq|tel|mob|ph|phone|cell|fax|sn|vip|no|nr|id|rmb|cny|usd|hkd|ref|rrn|tid|mid|auth)[-_]?\d/i;
// a run of digits, possibly grouped by single spaces or dashes
const DIGIT_RUN = /(?<![\dA-Za-z_.,:/¥$+-])\d+(?:[ -]\d+)*(?![\dA-Za-z_])/g;
const AMOUNT_OR_TIME_AFTER = /^(?:\s*(?:元|块|圆|毛|角|万|千|%|rmb|yuan|dollars?|k\b)|[.,:/]\d)/i;

function bareCodes(text: string, claimed: Span[]): Found[] {
  const out: Found[] = [];
  CODE.lastIndex = 0;
  for (let m = CODE.exec(text); m; m = CODE.exec(text)) {
    const raw = m[1] ?? '';
    const start = m.index;
    if (claimed.some((s) => start < s.end && start + raw.length > s.start)) continue;
    if (NOT_A_CODE_PREFIX.test(raw) || (raw.match(/\d/g)?.length ?? 0) < 6) continue;
    const id = asKind('merchant_order', raw);
    if (id) {
      out.push({ ...id, index: start, end: start + raw.length });
      claimed.push({ start, end: start + raw.length });
    }
  }
  return out;
}

/**
 * Groups of 2–6 digits join up ("3105 1987 5521", "138 1234 5678"); a group of 7 or more stands
 * alone, so two numbers side by side are not read as one.
 */
function segments(run: string): string[] {
  const out: string[] = [];
  let current: string[] = [];
  for (const g of run.split(/[ -]/)) {
    if (g.length >= 2 && g.length <= 6) {
      current.push(g);
      continue;
    }
    if (current.length) out.push(current.join(''));
    current = [];
    out.push(g);
  }
  if (current.length) out.push(current.join(''));
  return out;
}

function bareNumbers(text: string, claimed: Span[]): Found[] {
  const out: Found[] = [];
  DIGIT_RUN.lastIndex = 0;
  for (let m = DIGIT_RUN.exec(text); m; m = DIGIT_RUN.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    if (claimed.some((s) => start < s.end && end > s.start)) continue;
    if (AMOUNT_OR_TIME_AFTER.test(text.slice(end))) continue;
    // "+86 138 1234 5678" and "138-1234-5678" are one phone number, whatever the grouping
    if (isPhone(m[0].replace(/[ -]/g, ''))) continue;
    for (const digits of segments(m[0])) {
      const kind = bareDigitsKind(digits);
      if (kind && kind !== 'card' && kind !== 'phone') out.push({ kind, value: digits, index: start, end });
    }
  }
  return out;
}

/** Every identifier in the message with where it is, in the order they appear. */
export function locateIdentifiers(text: string): Located[] {
  // every identifier has digits; most messages have none, and skip the sixteen keyword scans
  if (!/\d/.test(text)) return [];
  const { found, claimed } = keywordIdentifiers(text);
  const all = [...found, ...bareCodes(text, claimed), ...bareNumbers(text, claimed)];
  return all.sort((a, b) => a.index - b.index);
}

/** Every identifier in the message, in the order they appear, each once. `text` keeps its case. */
export function findIdentifiers(text: string): Identifier[] {
  return distinct(locateIdentifiers(text));
}

export function distinct(found: readonly Located[]): Identifier[] {
  const seen = new Set<string>();
  const out: Identifier[] = [];
  for (const { kind, value } of found) {
    if (seen.has(`${kind}:${value}`)) continue;
    seen.add(`${kind}:${value}`);
    out.push({ kind, value });
  }
  return out;
}
