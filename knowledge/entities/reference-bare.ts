// Identifiers quoted without a keyword: codes that start with letters (LKL…, RF…, RA-…) and
// numbers whose length and prefix say what they are (reference-shapes.ts).
import { bareDigitsKind, isPhone } from './reference-shapes.js';
import { asKind, type Located, type Span } from './reference-values.js';

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

export function bareCodes(text: string, claimed: Span[]): Located[] {
  const out: Located[] = [];
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

export function bareNumbers(text: string, claimed: Span[]): Located[] {
  const out: Located[] = [];
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
