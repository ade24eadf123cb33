const DIGITS: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  俩: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };
const BIG: Record<string, number> = { 万: 1e4, 亿: 1e8 };

export const CHINESE_NUMERAL = '[零〇一二两俩三四五六七八九十百千万亿点]';

/**
 * 十二 → 12, 一百零五 → 105, 两千五 → 2500 (spoken shorthand: a trailing digit after a unit is one
 * unit lower), 十二点五 → 12.5. Mixed forms such as "1.2万" are handled by the caller.
 * Returns undefined for strings that are not a well-formed numeral.
 */
export function parseChineseNumber(text: string): number | undefined {
  if (text.length === 0 || /^[百千万亿点]/.test(text)) return undefined;
  const [intPart = '', fracPart] = text.split('点');
  if (text.split('点').length > 2) return undefined;
  const whole = parseInteger(intPart);
  if (whole === undefined) return undefined;
  if (fracPart === undefined) return whole;
  let frac = '';
  for (const ch of fracPart) {
    const d = DIGITS[ch];
    if (d === undefined) return undefined;
    frac += String(d);
  }
  return frac ? Number(`${whole}.${frac}`) : whole;
}

function parseInteger(text: string): number | undefined {
  if (text === '') return 0;
  let total = 0;
  let section = 0;
  let digit: number | undefined;
  let lastUnit = 0;
  for (const ch of text) {
    if (ch in DIGITS) {
      if (digit !== undefined && digit !== 0) return undefined; // "一二" is not a numeral
      digit = DIGITS[ch];
    } else if (ch in UNITS) {
      const unit = UNITS[ch] as number;
      section += (digit ?? 1) * unit;
      digit = undefined;
      lastUnit = unit;
    } else if (ch in BIG) {
      const big = BIG[ch] as number;
      section += digit ?? 0;
      total += (section || 1) * big;
      section = 0;
      digit = undefined;
      lastUnit = big;
    } else {
      return undefined;
    }
  }
  if (digit !== undefined) {
    // 两千五 = 2500, 一百二 = 120, 三万五 = 35000; but 一百零五 = 105 (the 零 resets the shorthand).
    const shorthand = lastUnit >= 100 && !text.includes('零') && text.length >= 3;
    section += shorthand ? digit * (lastUnit / 10) : digit;
  }
  return total + section;
}
