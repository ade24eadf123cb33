import type { Lang, Localized } from '../content/schemas.js';
import { type CivilDate, compareDates, formatDate, isoWeekday } from '../entities/date.js';
import type { WorkingDays } from './calendar.js';

export interface ArrivalMethod {
  id: string;
  label: Localized;
  /** Usual window in working days after the refund: [earliest, latest]. [0, 0] is "within minutes". */
  workingDays: [number, number];
  note: Localized;
}

export interface ArrivalEstimate {
  method: ArrivalMethod;
  refundDate: CivilDate;
  /** The last day it should arrive by. */
  latest: CivilDate;
  earliest: CivilDate;
  /** Today is after `latest`. */
  overdue: boolean;
  /** Working days past `latest` (0 when not overdue). */
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
  const overdue = compareDates(today, latest.date) > 0;
  return {
    method,
    refundDate,
    earliest: earliest.date,
    latest: latest.date,
    overdue,
    workingDaysLate: overdue ? calendar.countBetween(latest.date, today) : 0,
    approximate: earliest.approximate || latest.approximate || !calendar.covers(today),
  };
}

const ZH_WEEKDAYS = ['', '一', '二', '三', '四', '五', '六', '日'];
const EN_WEEKDAYS = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const EN_MONTHS = ['', 'Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "12月2日（周三）" / "Wed 2 Dec"; the year only when it is not the current one. */
export function formatDay(d: CivilDate, lang: Lang, currentYear?: number): string {
  const wd = isoWeekday(d);
  const withYear = currentYear !== undefined && d.year !== currentYear;
  if (lang === 'zh') return `${withYear ? `${d.year}年` : ''}${d.month}月${d.day}日（周${ZH_WEEKDAYS[wd]}）`;
  return `${EN_WEEKDAYS[wd]} ${d.day} ${EN_MONTHS[d.month]}${withYear ? ` ${d.year}` : ''}`;
}

export { formatDate };
