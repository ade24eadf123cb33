import { maskSensitive } from '../../contracts/masking.js';

/** How a user can be reached: a Chinese mobile number (11 digits, no +86) or an e-mail address. */
export interface Contact {
  kind: 'phone' | 'email';
  value: string;
}

export type ContactProblem = 'phone_length' | 'phone_prefix' | 'email';

export type ContactParse =
  | { kind: 'found'; contact: Contact /** the rest of the message, the user's own words */; rest: string }
  | { kind: 'bad'; problem: ContactProblem; digits: number }
  | { kind: 'none' };

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;
// something with an @ in it that is not an address: "abc@qq", "@example.com"
const EMAIL_TRY = /\S*@\S*/;
// a run of digits, maybe written +86 138-1234-5678, 0086 138 1234 5678 or 138 1234 5678
const DIGITS = /\+?\d[\d -]*\d/g;
const MOBILE = /^1[3-9]\d{9}$/;
// a 12-digit run is a reference number (参考号), the one thing support needs: not a mistyped phone
const REFERENCE_LENGTH = 12;

/**
 * Finds how to reach the user in a message. A number that is almost a mobile number (10 or 11
 * digits, or starting with 1) or an address that is almost one is a `bad` try, so the user hears
 * what is wrong with it; a message with neither is `none` (it is about something else).
 */
export function parseContact(text: string): ContactParse {
  const email = EMAIL.exec(text);
  if (email) return found({ kind: 'email', value: email[0].toLowerCase() }, text, email[0]);
  for (const m of text.matchAll(DIGITS)) {
    const raw = m[0];
    let digits = raw.replace(/\D/g, '');
    // the country code as +86, 86 or (dialled from abroad) 0086
    if (digits.length === 15 && digits.startsWith('0086')) digits = digits.slice(4);
    else if ((raw.startsWith('+86') || digits.length === 13) && digits.startsWith('86'))
      digits = digits.slice(2);
    if (MOBILE.test(digits)) return found({ kind: 'phone', value: digits }, text, raw);
  }
  for (const m of text.matchAll(DIGITS)) {
    const digits = m[0].replace(/\D/g, '');
    if (digits.length === REFERENCE_LENGTH) continue;
    if (digits.length === 11) return { kind: 'bad', problem: 'phone_prefix', digits: 11 };
    if (digits.length === 10 || (digits.startsWith('1') && digits.length >= 8 && digits.length <= 13))
      return { kind: 'bad', problem: 'phone_length', digits: digits.length };
  }
  if (EMAIL_TRY.test(text)) return { kind: 'bad', problem: 'email', digits: 0 };
  return { kind: 'none' };
}

function found(contact: Contact, text: string, written: string): ContactParse {
  const rest = text
    .replace(written, ' ')
    // "我的电话是", "my e-mail is": the label of the contact, not part of the question
    .replace(
      /(?:我的|my\s+)?(?:手机号?码?|电话号?码?|联系方式|邮箱|e-?mail(?:\s+address)?|phone(?:\s+number)?|mobile(?:\s+number)?)(?:\s*(?:是|为|:|：|is))?\s*(?=[\s,，。.;；]|$)/gi,
      ' ',
    )
    .replace(/^[\s,，。.;；:：、]+|[\s,，。.;；:：、]+$/g, '')
    .replace(/\s+/g, ' ');
  return { kind: 'found', contact, rest };
}

/** 138****5678, a***@example.com: how a contact appears anywhere but the ticket record itself. */
export function maskContact(contact: Contact): string {
  if (contact.kind === 'phone') return `${contact.value.slice(0, 3)}****${contact.value.slice(-4)}`;
  const [name = '', domain = ''] = contact.value.split('@');
  return `${name.slice(0, 1)}***@${domain}`;
}

const EMAILS = new RegExp(EMAIL.source, 'g');

/** Card, phone and ID numbers (contracts/masking) and e-mail addresses, masked. */
export function maskText(text: string): string {
  return maskSensitive(text).replace(EMAILS, (m) => maskContact({ kind: 'email', value: m }));
}
