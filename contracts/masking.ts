// Card, phone and ID numbers must never reach a log line or a stored transcript unmasked.
// The patterns anchor on non-digits so a 12-digit reference number (which support needs) survives.

const ID_CARD = /(?<![\dA-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![\dA-Za-z])/g;
const CARD_GROUPED = /(?<!\d)(\d{4})(?:[ -]\d{4}){2,3}(?:[ -]?\d{1,3})?(?!\d)/g;
const CARD_PLAIN = /(?<!\d)(\d{4})\d{5,11}(\d{4})(?!\d)/g;
const PHONE = /(?<!\d)((?:\+?86[ -]?)?1[3-9]\d)[ -]?\d{4}[ -]?(\d{4})(?!\d)/g;

function lastFour(match: string): string {
  const digits = match.replace(/\D/g, '');
  return digits.slice(-4);
}

// An e-mail address a user leaves as their contact: the first letter and the domain stay, so an
// agent can tell two apart without anyone reading the address.
const EMAIL = /\b([A-Za-z0-9])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})\b/g;

export function maskSensitive(text: string): string {
  return text
    .replace(EMAIL, (_m, first: string, domain: string) => `${first}***@${domain}`)
    .replace(ID_CARD, (_m, head: string, tail: string) => `${head}********${tail.slice(-1)}`)
    .replace(CARD_GROUPED, (m, head: string) => `${head}****${lastFour(m)}`)
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
