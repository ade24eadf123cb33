import { type CivilDate, parseIsoDate } from '../../knowledge/index.js';
import type { Condition, Test } from './schema.js';
import { daysBetween } from './slots.js';
import type { FlowState } from './state.js';

export interface HoldsOptions {
  today: CivilDate;
  /** What `days_ago: { lte: refundWindowDays }` means. */
  refundWindowDays: number;
}

/** Whether a branch case's condition holds for what the flow knows (its slots and facts). */
export function holds(condition: Condition, state: FlowState, opts: HoldsOptions): boolean {
  if ('all' in condition) return condition.all.every((t) => test(t, state, opts));
  return test(condition, state, opts);
}

function test(t: Test, state: FlowState, { today, refundWindowDays }: HoldsOptions): boolean {
  const v = t.slot !== undefined ? state.slots[t.slot] : state.facts[t.fact as string];
  if (t.present !== undefined) return (v !== undefined) === t.present;
  if (t.is !== undefined) return v === t.is;
  if (t.in !== undefined) return v !== undefined && t.in.includes(v);
  if (t.days_ago !== undefined) {
    const d = typeof v === 'string' ? parseIsoDate(v) : undefined;
    if (!d) return false;
    const limit = t.days_ago.lte === 'refundWindowDays' ? refundWindowDays : t.days_ago.lte;
    return daysBetween(d, today) <= limit;
  }
  return false;
}
