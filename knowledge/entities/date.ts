import { CHINESE_NUMERAL, parseChineseNumber } from './chinese-number.js';

/** A calendar day, no time and no zone: the zone was applied when "today" was worked out. */
export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

export const BUSINESS_TIME_ZONE = 'Asia/Shanghai';

// Intl.DateTimeFormat costs ~40 µs to build and formatToParts ~15 µs, more than all the entity
// parsers together; "today" changes once a day, so keep the formatter and the last answer.
const formatters = new Map<string, Intl.DateTimeFormat>();
const lastAnswer = new Map<string, { minute: number; date: CivilDate }>();

export function todayIn(now: Date, timeZone = BUSINESS_TIME_ZONE): CivilDate {
  const minute = Math.floor(now.getTime() / 60_000);
  const cached = lastAnswer.get(timeZone);
  if (cached?.minute === minute) return cached.date;
  let fmt = formatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, fmt);
  }
  const parts = fmt.formatToParts(now).reduce<Record<string, string>>((acc, p) => {
    acc[p.type] = p.value;
    return acc;
  }, {});
  const date = { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day) };
  lastAnswer.set(timeZone, { minute, date });
  return date;
}

// Arithmetic on UTC midnights: a civil date has no zone, and UTC has no daylight saving to trip on.
function toUtc(d: CivilDate): Date {
  return new Date(Date.UTC(d.year, d.month - 1, d.day));
}
function fromUtc(d: Date): CivilDate {
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}
export function addDays(d: CivilDate, days: number): CivilDate {
  const u = toUtc(d);
  u.setUTCDate(u.getUTCDate() + days);
  return fromUtc(u);
}
/** 1 = Monday … 7 = Sunday (ISO), the way Chinese weeks are counted. */
export function isoWeekday(d: CivilDate): number {
  return toUtc(d).getUTCDay() || 7;
}
export function formatDate(d: CivilDate): string {
  return `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}
export function parseIsoDate(s: string): CivilDate | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  return m ? valid(Number(m[1]), Number(m[2]), Number(m[3])) : undefined;
}
export function compareDates(a: CivilDate, b: CivilDate): number {
  return toUtc(a).getTime() - toUtc(b).getTime();
}

function valid(year: number, month: number, day: number): CivilDate | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const d = { year, month, day };
  const back = fromUtc(toUtc(d));
  return back.month === month && back.day === day ? d : undefined;
}

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

/** The weekday in the week `weeksBack` weeks before this one (Monday-based weeks). */
function weekdayInWeek(today: CivilDate, weekday: number, weeksBack: number): CivilDate {
  const monday = addDays(today, 1 - isoWeekday(today));
  return addDays(monday, weekday - 1 - 7 * weeksBack);
}
/** The most recent such weekday, today included. */
function mostRecentWeekday(today: CivilDate, weekday: number): CivilDate {
  return addDays(today, -((isoWeekday(today) - weekday + 7) % 7));
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
    re: /上上(?:周|星期|礼拜)([一二三四五六日天七])/g,
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
    // 11/20, 11.20 — but not 11.20元 (an amount) nor 1.5 in "1.5万"
    re: /(?<![\d.,¥$])(\d{1,2})[/.](\d{1,2})(?![\d.]|\s*(?:元|块|万|yuan|rmb|%))/g,
    read: (m, t) => valid(t.year, num(m, 1), num(m, 2)),
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
    // 20号 alone: this month, or last month when the day has not come yet
    re: /(?<![\d月])(\d{1,2})\s*号(?!码)/g,
    read: (m, t) => {
      const d = num(m, 1);
      if (d <= t.day) return valid(t.year, t.month, d);
      return t.month === 1 ? valid(t.year - 1, 12, d) : valid(t.year, t.month - 1, d);
    },
  },
];

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
