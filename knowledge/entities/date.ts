import {
  addDays,
  type CivilDate,
  compareDates,
  lastDay,
  monthBack,
  mostRecentDay,
  mostRecentWeekday,
  sameDayMonthsBack,
  validDate as valid,
  weekdayInWeek,
} from './calendar.js';
import { CHINESE_NUMERAL, parseChineseNumber } from './chinese-number.js';

export {
  addDays,
  BUSINESS_TIME_ZONE,
  type CivilDate,
  compareDates,
  formatDate,
  isoWeekday,
  parseIsoDate,
  todayIn,
} from './calendar.js';

const ZH_WEEKDAY: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7, 七: 7 };
const EN_WEEKDAY: Record<string, number> = {
  mon: 1,
  monday: 1,
  tue: 2,
  tues: 2,
  tuesday: 2,
  wed: 3,
  weds: 3,
  wednesday: 3,
  thu: 4,
  thur: 4,
  thurs: 4,
  thursday: 4,
  fri: 5,
  friday: 5,
  sat: 6,
  saturday: 6,
  sun: 7,
  sunday: 7,
};
const EN_MONTH: Record<string, number> = {
  jan: 1,
  january: 1,
  feb: 2,
  february: 2,
  mar: 3,
  march: 3,
  apr: 4,
  april: 4,
  may: 5,
  jun: 6,
  june: 6,
  jul: 7,
  july: 7,
  aug: 8,
  august: 8,
  sep: 9,
  sept: 9,
  september: 9,
  oct: 10,
  october: 10,
  nov: 11,
  november: 11,
  dec: 12,
  december: 12,
};
const EN_MONTH_RE = Object.keys(EN_MONTH)
  .sort((a, b) => b.length - a.length)
  .join('|');
const EN_WEEKDAY_RE = Object.keys(EN_WEEKDAY)
  .sort((a, b) => b.length - a.length)
  .join('|');
const EN_COUNT: Record<string, number> = {
  a: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  ten: 10,
};

function count(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  return EN_COUNT[text] ?? parseChineseNumber(text);
}

const g = (m: RegExpExecArray, i: number): string => m[i] ?? '';
const num = (m: RegExpExecArray, i: number): number => Number(m[i] ?? Number.NaN);

type Rule = { re: RegExp; read: (m: RegExpExecArray, today: CivilDate) => CivilDate | undefined };

const RULES: Rule[] = [
  {
    re: /(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?/g,
    read: (m) => valid(num(m, 1), num(m, 2), num(m, 3)),
  },
  { re: /大前天/g, read: (_m, t) => addDays(t, -3) },
  { re: /前天|the day before yesterday/g, read: (_m, t) => addDays(t, -2) },
  { re: /昨天|昨日|昨儿|yesterday/g, read: (_m, t) => addDays(t, -1) },
  { re: /今天|今日|今儿|today|this morning|this afternoon|tonight/g, read: (_m, t) => t },
  {
    re: new RegExp(`(\\d{1,2}|${CHINESE_NUMERAL}{1,3})\\s*(?:天|日)(?:以)?前`, 'g'),
    read: (m, t) => {
      const n = count(g(m, 1));
      return n !== undefined && n < 400 ? addDays(t, -n) : undefined;
    },
  },
  {
    re: /\b(\d{1,3}|a|one|two|three|four|five|six|seven|ten) days? ago\b/g,
    read: (m, t) => {
      const n = count(g(m, 1));
      return n !== undefined ? addDays(t, -n) : undefined;
    },
  },
  {
    re: new RegExp(
      `\\b(\\d{1,2}|a|one|two|three|four)\\s*weeks? ago\\b|(\\d{1,2}|${CHINESE_NUMERAL}{1,2})\\s*个?\\s*(?:周|星期|礼拜)(?:以)?前`,
      'g',
    ),
    read: (m, t) => {
      const n = count(g(m, 1) || g(m, 2));
      return n !== undefined && n < 60 ? addDays(t, -7 * n) : undefined;
    },
  },
  {
    // 半个月前: half a month is taken as 15 days
    re: /半个月(?:以)?前|half a month ago/g,
    read: (_m, t) => addDays(t, -15),
  },
  {
    re: new RegExp(
      `(\\d{1,2}|${CHINESE_NUMERAL}{1,2})\\s*个月(?:以)?前|\\b(\\d{1,2}|a|one|two|three)\\s*months? ago\\b`,
      'g',
    ),
    read: (m, t) => {
      const n = count(g(m, 1) || g(m, 2));
      return n !== undefined && n < 24 ? sameDayMonthsBack(t, n) : undefined;
    },
  },
  {
    // 上个月初 / 上月底 / 这个月初 / 月初 / 11月初: see monthPart for what each part resolves to
    re: new RegExp(
      `(上上|上|这|本)?(?:个)?(\\d{1,2}|${CHINESE_NUMERAL}{1,3})?月(初|中旬|中|底|末|上旬|下旬)|\\b(beginning|start|end|middle) of (?:the |this |last )?month\\b|\\bearly this month\\b|\\bend of last month\\b`,
      'g',
    ),
    read: (m, t) => monthPart(m, t),
  },
  {
    re: /上上(?:个)?(?:周|星期|礼拜)([一二三四五六日天七])/g,
    read: (m, t) => weekdayInWeek(t, ZH_WEEKDAY[g(m, 1)] ?? 1, 2),
  },
  {
    re: /上(?:个)?(?:周|星期|礼拜)([一二三四五六日天七])/g,
    read: (m, t) => weekdayInWeek(t, ZH_WEEKDAY[g(m, 1)] ?? 1, 1),
  },
  {
    re: /(?:这|本)(?:个)?(?:周|星期|礼拜)([一二三四五六日天七])/g,
    read: (m, t) => weekdayInWeek(t, ZH_WEEKDAY[g(m, 1)] ?? 1, 0),
  },
  {
    re: /(?:周|星期|礼拜)([一二三四五六日天七])/g,
    read: (m, t) => mostRecentWeekday(t, ZH_WEEKDAY[g(m, 1)] ?? 1),
  },
  {
    re: new RegExp(`\\blast (${EN_WEEKDAY_RE})\\b`, 'g'),
    read: (m, t) => weekdayInWeek(t, EN_WEEKDAY[g(m, 1)] ?? 1, 1),
  },
  {
    re: new RegExp(`\\bthis (${EN_WEEKDAY_RE})\\b`, 'g'),
    read: (m, t) => weekdayInWeek(t, EN_WEEKDAY[g(m, 1)] ?? 1, 0),
  },
  {
    re: new RegExp(`\\b(?:on|since) (${EN_WEEKDAY_RE})\\b`, 'g'),
    read: (m, t) => mostRecentWeekday(t, EN_WEEKDAY[g(m, 1)] ?? 1),
  },
  {
    re: new RegExp(`上(?:个)?月\\s*(\\d{1,2}|${CHINESE_NUMERAL}{1,3})\\s*[号日]`, 'g'),
    read: (m, t) => {
      const prev = t.month === 1 ? { year: t.year - 1, month: 12 } : { year: t.year, month: t.month - 1 };
      const d = count(g(m, 1));
      return d !== undefined ? valid(prev.year, prev.month, d) : undefined;
    },
  },
  {
    re: new RegExp(`(?:这|本)(?:个)?月\\s*(\\d{1,2}|${CHINESE_NUMERAL}{1,3})\\s*[号日]`, 'g'),
    read: (m, t) => {
      const d = count(g(m, 1));
      return d !== undefined ? valid(t.year, t.month, d) : undefined;
    },
  },
  {
    re: new RegExp(
      `(?<!\\d)(\\d{1,2}|${CHINESE_NUMERAL}{1,3})\\s*月\\s*(\\d{1,2}|${CHINESE_NUMERAL}{1,3})\\s*[日号]?`,
      'g',
    ),
    read: (m, t) => {
      const mo = count(g(m, 1));
      const d = count(g(m, 2));
      return mo !== undefined && d !== undefined ? valid(t.year, mo, d) : undefined;
    },
  },
  {
    // 11/20, 11.20 — but not 11.20元 (an amount) nor 1.5 in "1.5万"; with a dot the day has two
    // digits (11.05, not 11.5): 9.9 and 12.5 are prices far more often than dates
    re: /(?<![\d.¥$])(\d{1,2})(?:\/(\d{1,2})|\.(\d{2}))(?![\d.]|\s*(?:元|块|万|yuan|rmb|%|k\b|w\b))/g,
    read: (m, t) => valid(t.year, num(m, 1), Number(m[2] ?? m[3])),
  },
  {
    re: new RegExp(`\\b(${EN_MONTH_RE})\\.? (\\d{1,2})(?:st|nd|rd|th)?\\b(?:,? (\\d{4}))?`, 'g'),
    read: (m, t) => valid(m[3] ? +m[3] : t.year, EN_MONTH[g(m, 1)] ?? 0, num(m, 2)),
  },
  {
    re: new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)? (?:of )?(${EN_MONTH_RE})\\b(?:,? (\\d{4}))?`, 'g'),
    read: (m, t) => valid(m[3] ? +m[3] : t.year, EN_MONTH[g(m, 2)] ?? 0, num(m, 1)),
  },
  {
    // "the 3rd", "on the 21st": the most recent such day, on or before today ("the 3rd of May"
    // is left to the rules that read the month)
    re: new RegExp(`\\bthe (\\d{1,2})(?:st|nd|rd|th)\\b(?! (?:of )?(?:${EN_MONTH_RE})\\b)`, 'g'),
    read: (m, t) => mostRecentDay(t, num(m, 1)),
  },
  {
    // 20号 alone: this month, or last month when the day has not come yet
    re: /(?<![\d月])(\d{1,2})\s*号(?!码)/g,
    read: (m, t) => mostRecentDay(t, num(m, 1)),
  },
];

/**
 * A part of a month as one day, the start of the span (a look-up searches forward from it):
 * 月初 / 上旬 / beginning → the 1st (月初 is the 1st–5th, 上旬 the 1st–10th), 月中 / 中旬 → the
 * 15th, 月底 / 月末 / 下旬 / end → the last day (下旬 → the 21st). With no month named: this
 * month, unless that day has not come yet, then last month (月底 on the 25th is last month's end).
 */
function monthPart(m: RegExpExecArray, t: CivilDate): CivilDate | undefined {
  const en =
    g(m, 4) || (m[0].startsWith('early') ? 'beginning' : m[0].startsWith('end of last') ? 'end' : '');
  const part = g(m, 3) || en;
  const explicitLast = g(m, 1) === '上' || m[0].includes('last');
  const back = g(m, 1) === '上上' ? 2 : explicitLast ? 1 : 0;
  let ym = monthBack(t, back);
  if (m[2]) {
    const month = count(g(m, 2));
    if (month === undefined || month < 1 || month > 12) return undefined;
    ym = { year: month > t.month ? t.year - 1 : t.year, month };
  }
  const day = (y: number, mo: number): number => {
    if (part === '初' || part === '上旬' || part === 'beginning' || part === 'start') return 1;
    if (part === '中' || part === '中旬' || part === 'middle') return 15;
    if (part === '下旬') return 21;
    return lastDay(y, mo);
  };
  let d = valid(ym.year, ym.month, day(ym.year, ym.month));
  const named = Boolean(m[1] || m[2] || explicitLast);
  if (!named && d && compareDates(d, t) > 0) {
    ym = monthBack(t, 1);
    d = valid(ym.year, ym.month, day(ym.year, ym.month));
  }
  return d;
}

/** The first date the text mentions, resolved against `today`. Text must be normalised (lower case). */
export function findDate(text: string, today: CivilDate): { date: CivilDate; text: string } | undefined {
  let best: { index: number; date: CivilDate; text: string } | undefined;
  for (const { re, read } of RULES) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (best && m.index >= best.index) break;
      const date = read(m, today);
      if (date) {
        best = { index: m.index, date, text: m[0] };
        break;
      }
    }
  }
  return best && { date: best.date, text: best.text };
}
