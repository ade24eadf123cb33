import type { Lang, Localized } from '../content/schemas.js';
import { type CivilDate, compareDates, formatDate, isoWeekday } from '../entities/date.js';
import type { WorkingDays } from './calendar.js';

export interface ArrivalMethod {
  id: string;
  label: Localized;
  /** Usual window in working days after the refund: [earliest, latest]. [0, 0] is "within minutes". */
  workingDays: [number, number];
  /** When some issuers are slower than the usual window: late only after this many working days. */
  lateAfterWorkingDays?: number;
  note: Localized;
}

export interface ArrivalEstimate {
  method: ArrivalMethod;
  refundDate: CivilDate;
  /** The last day it should arrive by. */
  latest: CivilDate;
  earliest: CivilDate;
  /** The last day before it counts as late: `latest`, or later for methods some issuers are slow with. */
  due: CivilDate;
  /** Today is after `due`. */
  overdue: boolean;
  /** Working days past `due` (0 when not overdue). */
  workingDaysLate: number;
  /** The calendar data does not cover every day involved: weekends only, holidays unknown. */
  approximate: boolean;
}

export function estimateArrival(
  method: ArrivalMethod,
  refundDate: CivilDate,
  today: CivilDate,
  calendar: WorkingDays,
): ArrivalEstimate {
  const [min, max] = method.workingDays;
  const earliest = calendar.addWorkingDays(refundDate, min);
  const latest = calendar.addWorkingDays(refundDate, max);
  const due = method.lateAfterWorkingDays
    ? calendar.addWorkingDays(refundDate, Math.max(max, method.lateAfterWorkingDays))
    : latest;
  const overdue = compareDates(today, due.date) > 0;
  return {
    method,
    refundDate,
    earliest: earliest.date,
    latest: latest.date,
    due: due.date,
    overdue,
    workingDaysLate: overdue ? calendar.countBetween(due.date, today) : 0,
    approximate: earliest.approximate || latest.approximate || due.approximate || !calendar.covers(today),
  };
}

const ZH_WEEKDAYS = ['', '一', '二', '三', '四', '五', '六', '日'];
const EN_WEEKDAYS = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const EN_MONTHS = ['', 'Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * "12月2日（周三）" / "Wed 2 Dec"; the year only when it is not the current one; "today" said as today
 * ("今天（12月2日 周三）"), never "by 2 Dec" on 2 Dec itself.
 */
export function formatDay(d: CivilDate, lang: Lang, currentYear?: number, today?: CivilDate): string {
  const wd = isoWeekday(d);
  const withYear = currentYear !== undefined && d.year !== currentYear;
  const isToday = today !== undefined && compareDates(d, today) === 0;
  if (lang === 'zh') {
    if (isToday) return `今天（${d.month}月${d.day}日 周${ZH_WEEKDAYS[wd]}）`;
    return `${withYear ? `${d.year}年` : ''}${d.month}月${d.day}日（周${ZH_WEEKDAYS[wd]}）`;
  }
  const day = `${EN_WEEKDAYS[wd]} ${d.day} ${EN_MONTHS[d.month]}${withYear ? ` ${d.year}` : ''}`;
  return isToday ? `today (${day})` : day;
}

export { formatDate };
