// Every identifier in a message, with its kind: first those a keyword introduces (参考号, 订单号,
// order, #…), then, in the rest of the text, numbers and codes whose shape alone says what they
// are. Phones and card numbers never become identifiers.
import { bareCodes, bareNumbers } from './reference-bare.js';
import { KEYWORD_RULES, type KeywordRule } from './reference-keywords.js';
import type { Identifier } from './reference-kinds.js';
import { asKind, byShape, type Located, looksLikeCard, type Span } from './reference-values.js';

// after the keyword: "是", "为", ":", "#", "no.", "number", "is" in any mix, and the English label
// a slip prints in brackets after the Chinese one: 参考号(REFER NO):, 凭证号（VOUCHER NO.）
const FILLER = String.raw`(?:\s*(?:[:=#是为為.()（）]|[(（][A-Za-z. /_]{0,24}[)）]|(?:is|was|no|nr|number|num)\b\.?))*\s*`;
// The value: letters, digits, _ and inner dashes; then more space-separated groups of 2–6 digits
// ("3105 1987 5521"), which a user types for readability. A group of 7+ digits after a space is a
// different number ("13812345678 600283915547").
const VALUE = String.raw`([A-Za-z0-9](?:[A-Za-z0-9_]|-(?=[A-Za-z0-9]))*(?: \d{2,6}(?![\dA-Za-z]))*)`;
// a value followed by one of these is an amount, a count or a date, or part of an address, not an
// identifier (日 and 号 only right after it: "000327 日期" is the next field of a pasted slip)
const NOT_AFTER =
  /^(?:@|\.[A-Za-z0-9]|年|月|日(?!期)|号(?!码)|点|\s*(?:元|块|圆|毛|角|万|千|百|%|次|天|笔|单|个|:\d|[.,]\d|rmb|yuan|cny|usd|dollars?|bucks?|times?|days?))/i;

const COMPILED = KEYWORD_RULES.map((rule) => ({
  rule,
  re: new RegExp(`(${rule.keyword})${FILLER}${VALUE}`, 'gi'),
}));

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

function keywordIdentifiers(text: string): { found: Located[]; claimed: Span[] } {
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
  const found: Located[] = [];
  const claimed: Span[] = [];
  for (const c of candidates) {
    if (claimed.some((s) => c.kw.start < s.end && c.end > s.start)) continue;
    claimed.push({ start: c.kw.start, end: c.end });
    found.push({ ...c.id, index: c.index, end: c.end });
  }
  return { found, claimed };
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

/** Each kind and value once, the first mention kept. */
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
