import chineseDays from 'chinese-days';
import { addDays, type CivilDate, formatDate, isoWeekday, parseIsoDate } from '../entities/date.js';

/**
 * Chinese working days: the State Council holiday calendar with its adjusted working weekends
 * (调休), from chinese-days. Its data covers a known range of years; beyond it the library silently
 * treats every Monday–Friday as a working day (STACK.md), so we say when an answer relies on that.
 */
export class WorkingDays {
  private readonly firstYear = 2004;
  readonly lastYear: number;

  constructor() {
    let year = new Date().getUTCFullYear() + 2;
    while (
      year > this.firstYear &&
      chineseDays.getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false).length === 0
    ) {
      year--;
    }
    this.lastYear = year;
  }

  covers(date: CivilDate): boolean {
    return date.year >= this.firstYear && date.year <= this.lastYear;
  }

  isWorkday(date: CivilDate): boolean {
    if (this.covers(date)) return chineseDays.isWorkday(formatDate(date));
    return isoWeekday(date) <= 5;
  }

  /** The date `n` working days after `from` (`from` itself not counted); `n = 0` is `from`. */
  addWorkingDays(from: CivilDate, n: number): { date: CivilDate; approximate: boolean } {
    let date = from;
    let approximate = !this.covers(from);
    for (let left = n; left > 0; ) {
      date = addDays(date, 1);
      if (!this.covers(date)) approximate = true;
      if (this.isWorkday(date)) left--;
    }
    return { date, approximate };
  }

  /** Working days strictly after `from` up to and including `to` (0 when `to` is not later). */
  countBetween(from: CivilDate, to: CivilDate): number {
    let n = 0;
    for (let d = addDays(from, 1); formatDate(d) <= formatDate(to); d = addDays(d, 1))
      if (this.isWorkday(d)) n++;
    return n;
  }
}

export { parseIsoDate };
