// Calendar days and the arithmetic the date rules need, in the business time zone.

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
  return m ? validDate(Number(m[1]), Number(m[2]), Number(m[3])) : undefined;
}
export function compareDates(a: CivilDate, b: CivilDate): number {
  return toUtc(a).getTime() - toUtc(b).getTime();
}

export function validDate(year: number, month: number, day: number): CivilDate | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const d = { year, month, day };
  const back = fromUtc(toUtc(d));
  return back.month === month && back.day === day ? d : undefined;
}

/** The weekday in the week `weeksBack` weeks before this one (Monday-based weeks). */
export function weekdayInWeek(today: CivilDate, weekday: number, weeksBack: number): CivilDate {
  const monday = addDays(today, 1 - isoWeekday(today));
  return addDays(monday, weekday - 1 - 7 * weeksBack);
}
/** The most recent such weekday, today included. */
export function mostRecentWeekday(today: CivilDate, weekday: number): CivilDate {
  return addDays(today, -((isoWeekday(today) - weekday + 7) % 7));
}

/** The most recent day-of-month `d` on or before today: this month's, else last month's. */
export function mostRecentDay(t: CivilDate, d: number): CivilDate | undefined {
  if (d <= t.day) return validDate(t.year, t.month, d);
  return t.month === 1 ? validDate(t.year - 1, 12, d) : validDate(t.year, t.month - 1, d);
}

/** The month `n` months before today's. */
export function monthBack(t: CivilDate, n: number): { year: number; month: number } {
  const index = t.year * 12 + (t.month - 1) - n;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}
/** The number of days in a month (month 1–12). */
export function lastDay(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
/** Today's day of the month, `n` months back (clamped: 31 March − 1 month = 28/29 February). */
export function sameDayMonthsBack(t: CivilDate, n: number): CivilDate | undefined {
  const { year, month } = monthBack(t, n);
  return validDate(year, month, Math.min(t.day, lastDay(year, month)));
}
