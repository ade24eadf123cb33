import fc from 'fast-check';

// Numbers a user may paste (card, resident ID, mobile), generated valid and written the ways people
// write them: what the privacy tests plant and then look for.

export interface Planted {
  kind: 'card' | 'id' | 'phone';
  /** The number itself, digits only (an ID's last character may be X). */
  digits: string;
  /** As the user wrote it. */
  written: string;
}

export function luhnDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) d *= 2;
    sum += d > 9 ? d - 9 : d;
  }
  return String((10 - (sum % 10)) % 10);
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
export function idCheckDigit(body: string): string {
  const sum = ID_WEIGHTS.reduce((s, w, i) => s + w * Number(body[i]), 0);
  return '10X98765432'[sum % 11] as string;
}

export const fullWidth = (s: string) =>
  s.replace(/[0-9Xx+]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

export const SEPARATORS = [' ', '  ', '-', '.', '/', '\u00a0', '\u3000', ''] as const;

/** Cuts digits into groups of these sizes (the last group takes the rest). */
function grouped(digits: string, sizes: readonly number[], sep: string): string {
  const out: string[] = [];
  let at = 0;
  for (const n of sizes) {
    if (at >= digits.length) break;
    out.push(digits.slice(at, at + n));
    at += n;
  }
  if (at < digits.length) out.push(digits.slice(at));
  return out.join(sep);
}

const CARD_GROUPINGS = [[4, 4, 4, 4, 4], [4, 6, 5], [6, 13], [4, 4, 4, 7], [19]];

/** A Luhn-valid card number, BIN 62, 4 or 5, 16–19 digits (13–19 with `shortest`). */
export const plantedCard = (shortest = 16) =>
  fc
    .tuple(
      fc.constantFrom('62', '4', '5'),
      fc.integer({ min: shortest, max: 19 }),
      fc.infiniteStream(fc.integer({ min: 0, max: 9 })),
      fc.constantFrom(...CARD_GROUPINGS),
      fc.constantFrom(...SEPARATORS),
      fc.boolean(),
    )
    .map(([bin, length, stream, sizes, sep, wide]): Planted => {
      const body = bin + [...stream.take(length - 1 - bin.length)].join('');
      const digits = body + luhnDigit(body);
      const written = grouped(digits, sizes, sep);
      return { kind: 'card', digits, written: wide ? fullWidth(written) : written };
    });

/** A resident ID number with a valid check digit: region, birth date, sequence. */
export const plantedId = fc
  .tuple(
    fc.constantFrom('110105', '310104', '440305', '510107', '330106'),
    fc.date({ min: new Date('1950-01-01'), max: new Date('2008-12-31'), noInvalidDate: true }),
    fc.integer({ min: 0, max: 999 }),
    fc.constantFrom([18], [6, 8, 4], [6, 4, 4, 4]),
    fc.constantFrom(...SEPARATORS),
    fc.boolean(),
    fc.boolean(),
  )
  .map(([region, born, seq, sizes, sep, wide, lower]): Planted => {
    const body = `${region}${born.toISOString().slice(0, 10).replace(/-/g, '')}${String(seq).padStart(3, '0')}`;
    const digits = body + idCheckDigit(body);
    let written = grouped(digits, sizes, sep);
    if (lower) written = written.replace('X', 'x');
    return { kind: 'id', digits, written: wide ? fullWidth(written) : written };
  });

/** A mainland mobile number, maybe +86 / 0086, grouped 3-4-4 or 4-3-4 or not at all. */
export const plantedPhone = fc
  .tuple(
    fc.integer({ min: 3, max: 9 }),
    fc.stringMatching(/^[0-9]{9}$/),
    fc.constantFrom('', '+86', '0086', '+86 ', '0086-', '86 '),
    fc.constantFrom([3, 4, 4], [4, 3, 4], [11]),
    fc.constantFrom(...SEPARATORS),
    fc.boolean(),
  )
  .map(([second, rest, prefix, sizes, sep, wide]): Planted => {
    const digits = `1${second}${rest}`;
    const written = prefix + grouped(digits, sizes, sep);
    return { kind: 'phone', digits, written: wide ? fullWidth(written) : written };
  });

export const plantedNumber = fc.oneof(plantedCard(), plantedId, plantedPhone);

/** Every way a planted number could be found in clear: as written, as digits, as full-width digits. */
export function renderings(p: Planted): string[] {
  const variants = new Set([
    p.written,
    p.digits,
    fullWidth(p.digits),
    p.written.replace(/[\u00a0\u3000]/g, ' '),
  ]);
  return [...variants].filter((v) => v.replace(/\D/g, '').length >= 11);
}

/** The planted numbers found in `haystack` in clear. */
export function foundIn(planted: readonly Planted[], haystack: string): Planted[] {
  const bare = haystack.replace(/[\s\-./\u00a0\u3000]/g, '');
  return planted.filter(
    (p) =>
      renderings(p).some((r) => haystack.includes(r)) ||
      bare.includes(p.digits) ||
      bare.includes(fullWidth(p.digits)),
  );
}

/** A mobile number as a ticket's contact is typed (README "Tickets"): 13812345678, +86 138-1234-5678. */
export const plantedContact = fc
  .tuple(
    fc.integer({ min: 3, max: 9 }),
    fc.stringMatching(/^[0-9]{9}$/),
    fc.constantFrom('', '+86', '+86 '),
    fc.constantFrom([3, 4, 4], [11]),
    fc.constantFrom(' ', '-', ''),
  )
  .map(([second, rest, prefix, sizes, sep]): Planted => {
    const digits = `1${second}${rest}`;
    return { kind: 'phone', digits, written: prefix + grouped(digits, sizes, sep) };
  });
