// Card, phone and ID numbers must never reach a log line or a stored transcript unmasked.
// The patterns anchor on non-digits so a 12-digit reference number (which support needs) survives.

const ID_CARD = /(?<![\dA-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![\dA-Za-z])/g;
// Separators people put between digit groups: spaces (one or two), dashes, dots, slashes.
const SEP = '(?:[ ]{1,2}|[-./])';
const CARD_GROUPED = new RegExp(`(?<!\\d)(\\d{4})(?:${SEP}\\d{4}){2,3}(?:${SEP}?\\d{1,3})?(?!\\d)`, 'g');
// 6 + 10 (or 6 + 13) grouping, as some banks print it
const CARD_SIX = new RegExp(`(?<!\\d)(\\d{4})\\d{2}${SEP}\\d{6,9}(\\d{4})(?!\\d)`, 'g');
// 16–19 digits in one block are a card whatever their check digit; 13–15 only when they are one
// (below: a 14-digit Lakala log number, 66…, and a 15-digit merchant number, 8…, are ours)
const CARD_PLAIN = /(?<!\d)(\d{4})\d{5,11}(\d{4})(?!\d)/g;
const PHONE = new RegExp(
  `(?<!\\d)((?:(?:\\+|00)?86${SEP}?)?1[3-9]\\d)${SEP}?\\d{4}${SEP}?(\\d{4})(?!\\d)`,
  'g',
);
// Any other grouping of digits (4-6-5, 6-8-4, 3-3-5…): taken apart below and masked where a part
// is a card number by Luhn, an ID number by its check digit, or a mainland mobile number.
const GROUPED_RUN = new RegExp(`(?<![\\d*])\\d+(?:${SEP}\\d+)+[Xx]?(?![\\d*])`, 'g');

// Unicode digits (full-width ０-９, Arabic-Indic, Devanagari…) and the spaces, dashes and invisible
// characters a paste brings would slip past ASCII patterns: they become ASCII first (the meaning is
// the same).
const UNUSUAL =
  /(?![0-9 ])[\p{Nd}\p{Zs}\u00ad\u200b-\u200d\u2060\ufeff\u2010-\u2015\u2212\ufe58\ufe63\uff0b\uff0d\uff0e\uff0f\uff38\uff58]/u;
const UNUSUAL_ALL = new RegExp(UNUSUAL.source, 'gu');
const INVISIBLE = /[\u00ad\u200b-\u200d\u2060\ufeff]/;
const DASH = /[\u2010-\u2015\u2212\ufe58\ufe63]/;
const DIGIT = /\p{Nd}/u;
const digitValues = new Map<string, string>();

/** An Nd character's value: the Nd blocks are runs of ten, zero first. */
function digitValue(c: string): string {
  let v = digitValues.get(c);
  if (v === undefined) {
    let cp = c.codePointAt(0) ?? 0;
    let n = 0;
    while (DIGIT.test(String.fromCodePoint(cp - 1))) {
      cp--;
      n++;
    }
    v = String(n % 10);
    digitValues.set(c, v);
  }
  return v;
}

function asciiDigits(text: string): string {
  if (!UNUSUAL.test(text)) return text;
  return text.replace(UNUSUAL_ALL, (c) => {
    if (DIGIT.test(c)) return digitValue(c);
    if (INVISIBLE.test(c)) return '';
    if (DASH.test(c)) return '-';
    return c >= '\uff0b' ? c.normalize('NFKC') : ' ';
  });
}

function lastFour(match: string): string {
  const digits = match.replace(/\D/g, '');
  return digits.slice(-4);
}

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d *= 2;
    sum += d > 9 ? d - 9 : d;
  }
  return sum % 10 === 0;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** A resident ID number's last character by ISO 7064 MOD 11-2 (GB 11643). */
export function idCheckValid(id: string): boolean {
  if (!/^\d{17}[\dXx]$/.test(id)) return false;
  const sum = ID_WEIGHTS.reduce((s, w, i) => s + w * Number(id[i]), 0);
  return '10X98765432'[sum % 11] === id[17]?.toUpperCase();
}

/** A 13–15 digit block that is not a card (nor an old 15-digit ID number): left as it is. */
function shortKept(digits: string): boolean {
  if (digits.length >= 16) return false;
  if (digits.length === 15 && OLD_ID.test(digits)) return false;
  if (/^66\d{12}$|^8\d{14}$/.test(digits)) return true;
  return !luhnValid(digits);
}

// region (first digit 1–6), yymmdd, sequence: the 15-digit ID numbers issued before 1999
const OLD_ID = /^[1-6]\d{5}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}$/;

const MOBILE = /^(?:0086|86)?(1[3-9]\d)\d{4}(\d{4})$/;

/** What one stretch of digit groups is, masked; undefined when it is none of ours. */
function maskNumber(groups: string[], firstSep: string): string | undefined {
  const digits = groups.join('');
  // a 12-digit group is a reference number (参考号): never part of a longer number
  if (groups.some((g) => g.length === 12)) return undefined;
  if (digits.length === 18 && idCheckValid(digits)) return `${digits.slice(0, 6)}********${digits.slice(-1)}`;
  const mobile = MOBILE.exec(digits);
  if (mobile) {
    const prefix = digits.slice(0, -11);
    // "+86 138 1234 5678" keeps its "+86 "
    const written = prefix && groups[0] === prefix ? prefix + firstSep : prefix;
    return `${written}${mobile[1]}****${mobile[2]}`;
  }
  // dates and amounts come in groups of one or two digits; card groupings do not (but for a short
  // last group: 4-4-4-4-3)
  const long = groups.slice(0, -1).every((g) => g.length >= 3);
  if (long && digits.length >= 13 && digits.length <= 19 && /^\d+$/.test(digits) && luhnValid(digits))
    return `${digits.slice(0, 4)}****${digits.slice(-4)}`;
  return undefined;
}

/** A run of separated digit groups with each number in it masked, longest stretch first. */
function maskGrouped(run: string): string {
  const parts = run.split(/([ ]{1,2}|[-./])/);
  const groups = parts.filter((_p, i) => i % 2 === 0);
  const seps = parts.filter((_p, i) => i % 2 === 1);
  const out: string[] = [];
  let i = 0;
  while (i < groups.length) {
    let masked: string | undefined;
    let end = i;
    for (let j = groups.length - 1; j > i && !masked; j--) {
      masked = maskNumber(groups.slice(i, j + 1), seps[i] ?? '');
      end = j;
    }
    if (masked) {
      out.push(masked);
      i = end + 1;
    } else {
      out.push(groups[i] ?? '');
      i++;
    }
    if (i < groups.length) out.push(seps[i - 1] ?? '');
  }
  return out.join('');
}

// An e-mail address a user leaves as their contact: the first letter and the domain stay, so an
// agent can tell two apart without anyone reading the address.
const EMAIL = /\b([A-Za-z0-9])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})\b/g;

export function maskSensitive(text: string): string {
  return asciiDigits(text)
    .replace(EMAIL, (_m, first: string, domain: string) => `${first}***@${domain}`)
    .replace(GROUPED_RUN, maskGrouped)
    .replace(ID_CARD, (_m, head: string, tail: string) => `${head}********${tail.slice(-1)}`)
    .replace(CARD_GROUPED, (m, head: string) => `${head}****${lastFour(m)}`)
    .replace(CARD_SIX, (_m, head: string, tail: string) => `${head}****${tail}`)
    .replace(CARD_PLAIN, (m, head: string, tail: string) => (shortKept(m) ? m : `${head}****${tail}`))
    .replace(PHONE, (_m, head: string, tail: string) => `${head}****${tail}`);
}

/** `6226****8223` from a full or differently masked card number (`622848******8223`). */
export function maskCardNumber(card: string): string {
  const kept = card.replace(/[^\d*]/g, '');
  const head = /^\d{4}/.exec(kept)?.[0];
  const tail = /\d{4}$/.exec(kept)?.[0];
  if (!head || !tail || kept.replace(/\*/g, '').length < 8) return '****';
  return `${head}****${tail}`;
}
