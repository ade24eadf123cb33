import { describe, expect, it } from 'vitest';
import { estimateArrival, formatDay, WorkingDays } from '../../knowledge/arrival/index.js';
import { loadContent, parseIsoDate } from '../../knowledge/index.js';

const calendar = new WorkingDays();
const methods = new Map(loadContent().arrivalMethods.map((m) => [m.id, m]));
const day = (s: string) => {
  const d = parseIsoDate(s);
  if (!d) throw new Error(s);
  return d;
};
const estimate = (method: string, refund: string, today: string) => {
  const m = methods.get(method);
  if (!m) throw new Error(method);
  return estimateArrival(m, day(refund), day(today), calendar);
};
const iso = (d: { year: number; month: number; day: number }) =>
  `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

describe('the Chinese working-day calendar', () => {
  it('skips the Spring Festival holiday and works the adjusted Saturday (2026)', () => {
    // Spring Festival 2026: 15–23 February off; Saturday 14 and Saturday 28 February are working days
    expect(calendar.isWorkday(day('2026-02-14'))).toBe(true);
    expect(calendar.isWorkday(day('2026-02-17'))).toBe(false);
    expect(calendar.isWorkday(day('2026-02-28'))).toBe(true);
    expect(iso(calendar.addWorkingDays(day('2026-02-13'), 1).date)).toBe('2026-02-14');
    expect(iso(calendar.addWorkingDays(day('2026-02-14'), 1).date)).toBe('2026-02-24');
  });

  it('skips National Day week and works the adjusted Saturday after it (2026)', () => {
    expect(calendar.isWorkday(day('2026-10-01'))).toBe(false);
    expect(calendar.isWorkday(day('2026-10-07'))).toBe(false);
    expect(calendar.isWorkday(day('2026-10-10'))).toBe(true); // Saturday, adjusted working day
    expect(iso(calendar.addWorkingDays(day('2026-09-30'), 3).date)).toBe('2026-10-10');
  });

  it('says when it has to guess: years past its data count Monday to Friday only', () => {
    expect(calendar.covers(day('2026-12-31'))).toBe(true);
    const beyond = calendar.addWorkingDays(day(`${calendar.lastYear + 1}-03-02`), 3);
    expect(beyond.approximate).toBe(true);
  });
});

describe('arrival estimates', () => {
  it('a debit card refund made on a Wednesday is due by the next Monday', () => {
    const e = estimate('debit_card', '2026-11-25', '2026-11-26');
    expect(iso(e.latest)).toBe('2026-11-30');
    expect(e.overdue).toBe(false);
    expect(formatDay(e.latest, 'zh', 2026)).toBe('11月30日（周一）');
    expect(formatDay(e.latest, 'en', 2026)).toBe('Mon 30 Nov');
  });

  it('a bank card refund from before National Day is not late during the holiday', () => {
    const e = estimate('credit_card', '2026-09-29', '2026-10-08');
    expect(iso(e.latest)).toBe('2026-10-09');
    expect(e.overdue).toBe(false);
  });

  it('six working days later a card refund is overdue, and by how much', () => {
    const e = estimate('debit_card', '2026-11-16', '2026-11-24');
    expect(e.overdue).toBe(true);
    expect(e.workingDaysLate).toBe(3);
  });

  it('a wallet balance refund is due the same day', () => {
    expect(estimate('wechat_balance', '2026-11-24', '2026-11-24').overdue).toBe(false);
    expect(estimate('alipay_balance', '2026-11-23', '2026-11-24').overdue).toBe(true);
  });

  it('a refund made over the New Year into next year is marked approximate', () => {
    const e = estimate('debit_card', `${calendar.lastYear}-12-30`, `${calendar.lastYear}-12-31`);
    expect(e.approximate).toBe(true);
  });
});
