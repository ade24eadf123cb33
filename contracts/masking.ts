// Card, phone and ID numbers must never reach a log line or a stored transcript unmasked.
// The patterns anchor on non-digits so a 12-digit reference number (which support needs) survives.

const ID_CARD = /(?<![\dA-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![\dA-Za-z])/g;
// Separators people put between digit groups: spaces (one or two), dashes, dots, slashes.
const SEP = '(?:[ ]{1,2}|[-./])';
const CARD_GROUPED = new RegExp(`(?<!\\d)(\\d{4})(?:${SEP}\\d{4}){2,3}(?:${SEP}?\\d{1,3})?(?!\\d)`, 'g');
// 6 + 10 (or 6 + 13) grouping, as some banks print it
const CARD_SIX = new RegExp(`(?<!\\d)(\\d{4})\\d{2}${SEP}\\d{6,9}(\\d{4})(?!\\d)`, 'g');
const CARD_PLAIN = /(?<!\d)(\d{4})\d{5,11}(\d{4})(?!\d)/g;
const PHONE = new RegExp(`(?<!\\d)((?:\\+?86${SEP}?)?1[3-9]\\d)${SEP}?\\d{4}${SEP}?(\\d{4})(?!\\d)`, 'g');

// Full-width digits (０-９) and the spaces and dashes a paste brings (no-break, ideographic, thin,
// full-width) would slip past ASCII patterns: they become ASCII first (the meaning is the same).
const UNUSUAL = /[\u00a0\u2000-\u200a\u202f\u205f\u3000\uff0d\uff0e\uff0f\uff10-\uff19\uff38\uff58]/;
const UNUSUAL_ALL = /[\u00a0\u2000-\u200a\u202f\u205f\u3000\uff0d\uff0e\uff0f\uff10-\uff19\uff38\uff58]/g;
function asciiDigits(text: string): string {
  if (!UNUSUAL.test(text)) return text;
  return text.replace(UNUSUAL_ALL, (c) => (c >= '\uff0d' ? c.normalize('NFKC') : ' '));
}

function lastFour(match: string): string {
  const digits = match.replace(/\D/g, '');
  return digits.slice(-4);
}

// An e-mail address a user leaves as their contact: the first letter and the domain stay, so an
// agent can tell two apart without anyone reading the address.
const EMAIL = /\b([A-Za-z0-9])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})\b/g;

export function maskSensitive(text: string): string {
  return asciiDigits(text)
    .replace(EMAIL, (_m, first: string, domain: string) => `${first}***@${domain}`)
    .replace(ID_CARD, (_m, head: string, tail: string) => `${head}********${tail.slice(-1)}`)
    .replace(CARD_GROUPED, (m, head: string) => `${head}****${lastFour(m)}`)
    .replace(CARD_SIX, (_m, head: string, tail: string) => `${head}****${tail}`)
    .replace(CARD_PLAIN, (_m, head: string, tail: string) => `${head}****${tail}`)
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
