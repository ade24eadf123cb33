// How long the user has been waiting ("三天了", "已经一个星期了", "it's been 3 days"): a duration,
// not a date. It is never turned into a date: "三天了" says how long since something, not since
// what (the payment, the refund, the application?).
import { CHINESE_NUMERAL, parseChineseNumber } from './chinese-number.js';

const EN_COUNT: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
};
const DAYS_PER: Record<string, number> = { 天: 1, 日: 1, 周: 7, 星期: 7, 礼拜: 7, 月: 30 };

const ZH_N = `\\d{1,3}|${CHINESE_NUMERAL}{1,3}|半`;
const ZH_UNIT = '天|日|星期|礼拜|周|月';
const RULES: Array<{ re: RegExp; read: (m: RegExpExecArray) => number | undefined }> = [
  {
    // 三天了, 已经3天了还没到, 一个多星期了, 半个月了, 两周都没到; not 3天前 (a date), 30天内 (a rule)
    re: new RegExp(
      `(?<![\\d第])(${ZH_N})\\s*个?\\s*(多)?\\s*(${ZH_UNIT})\\s*(?:多)?\\s*(?:了|还没|还是没|都没|没到|没有到|仍然没|也没)`,
      'gu',
    ),
    read: (m) => zh(m[1], m[3], m[0]),
  },
  {
    // 等了三天, 过了一周, 已经两个星期; not 超过了30天 (the words of a rule, not of a wait)
    re: new RegExp(
      `(?:等了|(?<!超)过了|已经|都|整整|足足)\\s*(${ZH_N})\\s*个?\\s*多?\\s*(${ZH_UNIT})(?!前|内|以内|之内)`,
      'gu',
    ),
    read: (m) => zh(m[1], m[2], m[0]),
  },
  {
    // it's been 3 days, been waiting for over a week, waited 5 days
    re: /\b(?:been|wait(?:ed|ing))\s+(?:waiting\s+)?(?:for\s+)?(?:over\s+|more than\s+|almost\s+|nearly\s+|about\s+)?(\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten)\s+(days?|weeks?|months?)\b/g,
    read: (m) => en(m[1], m[2]),
  },
  {
    // 3 days now, a week already, 5 days and still nothing
    re: /\b(\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten)\s+(days?|weeks?|months?)\s+(?:now|already|so far|and (?:still|nothing|no))\b/g,
    read: (m) => en(m[1], m[2]),
  },
];

function zh(n: string | undefined, unit: string | undefined, whole: string): number | undefined {
  if (!n || !unit) return undefined;
  // 月 needs 个 (都11月了 is "it is November already"); 半 only in 半个月 (半天了 is "a long while")
  if (unit === '月' && !whole.includes('个')) return undefined;
  if (n === '半' && unit !== '月') return undefined;
  const count = n === '半' ? 0.5 : /^\d+$/.test(n) ? Number(n) : parseChineseNumber(n);
  const per = DAYS_PER[unit];
  return count === undefined || per === undefined ? undefined : Math.round(count * per);
}

function en(n: string | undefined, unit: string | undefined): number | undefined {
  if (!n || !unit) return undefined;
  const count = /^\d+$/.test(n) ? Number(n) : EN_COUNT[n];
  const per = unit.startsWith('week') ? 7 : unit.startsWith('month') ? 30 : 1;
  return count === undefined ? undefined : count * per;
}

/** Days the user says they have waited (a week = 7, a month = 30), from the earliest mention. */
export function findElapsedDays(text: string): number | undefined {
  let best: { index: number; days: number } | undefined;
  for (const { re, read } of RULES) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (best && m.index >= best.index) break;
      const days = read(m);
      if (days !== undefined && days > 0 && days < 1000) {
        best = { index: m.index, days };
        break;
      }
    }
  }
  return best?.days;
}
