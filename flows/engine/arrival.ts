import {
  type ArrivalMethod,
  type CivilDate,
  estimateArrival,
  formatDate,
  type Lang,
  parseIsoDate,
  type WorkingDays,
} from '../../knowledge/index.js';
import type { FlowState, SlotValue, Values } from './state.js';

export interface ArrivalOptions {
  methods: ReadonlyMap<string, ArrivalMethod>;
  calendar: WorkingDays;
  today: CivilDate;
  lang: Lang;
}

/**
 * The facts an `estimate` node sets: when the money is due by the first of `method` that names a
 * known arrival method, counted from the first of `date` that is set. Without either, only
 * "approximate" and "not overdue", so the texts that follow still read.
 */
export function arrivalFacts(
  { method: methodRefs, date: dateRefs }: { method: readonly string[]; date: readonly string[] },
  state: FlowState,
  { methods, calendar, today, lang }: ArrivalOptions,
): Values {
  const candidates = methodRefs
    .map((r) => resolve([r], state))
    .filter((v): v is SlotValue => v !== undefined);
  const method = candidates.map((v) => methods.get(String(v))).find((m) => m !== undefined);
  const dateValue = resolve(dateRefs, state);
  const date = typeof dateValue === 'string' ? parseIsoDate(dateValue) : undefined;
  if (!method || !date) return { 'arrival.overdue': false, 'arrival.approximate': true };
  const e = estimateArrival(method, date, today, calendar);
  return {
    'arrival.overdue': e.overdue,
    'arrival.latest': formatDate(e.latest),
    'arrival.due': formatDate(e.due),
    'arrival.earliest': formatDate(e.earliest),
    'arrival.method': method.label[lang],
    'arrival.note': method.note[lang],
    'arrival.days_late': e.workingDaysLate,
    'arrival.approximate': e.approximate,
  };
}

/** The first of `refs` (`slots.x` or a fact) that is set. */
function resolve(refs: readonly string[], state: FlowState): SlotValue | undefined {
  for (const ref of refs) {
    const v = ref.startsWith('slots.') ? state.slots[ref.slice(6)] : state.facts[ref];
    if (v !== undefined) return v;
  }
  return undefined;
}
