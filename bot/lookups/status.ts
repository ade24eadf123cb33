import type { CardReply } from '../../contracts/replies.js';
import type { Values } from '../../flows/engine/index.js';
import {
  type ArrivalEstimate,
  type ArrivalMethod,
  BUSINESS_TIME_ZONE,
  type CivilDate,
  estimateArrival,
  formatDate,
  formatDay,
  formatYuan,
  type Lang,
  type MessageKey,
  todayIn,
  type WorkingDays,
} from '../../knowledge/index.js';
import type { Say } from '../messages.js';
import type { Refund, Transaction } from './gateway.js';

export interface StatusDeps {
  say: Say;
  calendar: WorkingDays;
  arrivalMethods: readonly ArrivalMethod[];
}

function civil(iso: string): CivilDate {
  return todayIn(new Date(iso));
}

// built once: a formatter costs ~40 µs to make, and every card row shows a time
const TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: BUSINESS_TIME_ZONE,
  hour: '2-digit',
  minute: '2-digit',
});
const clock = (iso: string) => TIME.format(new Date(iso));

/** Which arrival window applies: the way the money goes back is the way it came. */
export function arrivalMethodOf(t: Transaction): string {
  if (t.method === 'wechat' || t.method === 'alipay')
    return `${t.method}_${t.funding === 'balance' ? 'balance' : 'card'}`;
  return t.method;
}

/**
 * When the refund should arrive by, for one still under way: the window of the way it goes back
 * (the way it came), counted in working days from its request. Undefined when nothing applies.
 */
export function refundArrival(
  t: Transaction,
  refund: Refund,
  now: Date,
  deps: Pick<StatusDeps, 'calendar' | 'arrivalMethods'>,
): ArrivalEstimate | undefined {
  if (refund.kind !== 'refund' || refund.status !== 'processing') return undefined;
  const arrival = deps.arrivalMethods.find((m) => m.id === arrivalMethodOf(t));
  return arrival && estimateArrival(arrival, civil(refund.requestedAt), todayIn(now), deps.calendar);
}

/**
 * What has gone back so far: succeeded refunds and voids. The acquirer's own `refundedFen` on the
 * transaction is not to be trusted for this (tradequery does not always carry it).
 */
export function refundedFen(refunds: readonly Refund[]): number {
  return refunds.reduce((sum, r) => sum + (r.status === 'succeeded' ? r.amountFen : 0), 0);
}

/**
 * A transaction and its refunds as the user sees them (a status card: what was paid, what was
 * refunded when, by which path, its status, when it should arrive) and as the flows reason about
 * them (facts: refund.status, refund.method, refund.date, …).
 */
export function describeStatus(
  t: Transaction,
  refunds: readonly Refund[],
  lang: Lang,
  now: Date,
  deps: StatusDeps,
): { card: CardReply; facts: Values } {
  const { say } = deps;
  const year = todayIn(now).year;
  const day = (iso: string) => `${formatDay(civil(iso), lang, year)} ${clock(iso)}`;
  const method = say(`method_${t.method}` as MessageKey, lang);
  const fields: CardReply['fields'] = [
    ...(t.merchantName ? [{ label: say('card_merchant', lang), value: t.merchantName }] : []),
    // the number on the slip: what the user quotes to the bank, the merchant or an agent
    { label: say('card_reference', lang), value: t.reference },
    {
      label: say('card_payment', lang),
      value: [day(t.tradeTime), formatYuan(t.amountFen), method, t.cardMasked].filter(Boolean).join(' · '),
    },
    { label: say('card_payment_status', lang), value: say(`tx_${t.status}` as MessageKey, lang) },
  ];
  const paidWith = arrivalMethodOf(t);
  const facts: Values = {
    'transaction.status': t.status,
    'transaction.amount': formatYuan(t.amountFen),
    'transaction.method': paidWith,
    'transaction.date': formatDate(civil(t.tradeTime)),
    'transaction.refunded': formatYuan(Math.max(t.refundedFen, refundedFen(refunds))),
  };

  const arrival = deps.arrivalMethods.find((m) => m.id === paidWith);
  for (const r of refunds) {
    const label = say(r.kind === 'void' ? 'card_void' : 'card_refund', lang);
    fields.push({
      label,
      value: `${day(r.requestedAt)} · ${formatYuan(r.amountFen)} · ${say(`refund_${r.status}` as MessageKey, lang)}`,
    });
    if (r.status === 'failed' && r.failureReason)
      fields.push({ label: say('card_failed_because', lang), value: r.failureReason });
  }
  const latest = refunds.at(-1);
  if (latest && latest.kind === 'refund') {
    const path =
      t.method === 'wechat' || t.method === 'alipay'
        ? say(t.funding === 'balance' ? 'path_wallet_balance' : 'path_wallet_card', lang, { method })
        : say('path_card', lang, { method, card: t.cardMasked ?? '' }).trim();
    fields.push({ label: say('card_path', lang), value: path });
    if (latest.status === 'succeeded' && latest.completedAt) {
      fields.push({
        label: say('card_arrived', lang),
        value: formatDay(civil(latest.completedAt), lang, year),
      });
    } else if (latest.status === 'processing' && arrival) {
      const e = refundArrival(t, latest, now, deps) as ArrivalEstimate;
      const today = todayIn(now);
      const latestDay = `${formatDay(e.latest, lang, year, today)}${e.approximate ? ' ≈' : ''}`;
      fields.push({ label: say('card_expected', lang), value: latestDay });
      // said outright, not left for the reader to compare the date with today; late only past the
      // day it is due (later than the usual window for credit cards)
      if (e.overdue)
        fields.push({
          label: say('card_overdue', lang),
          value: say('card_overdue_since', lang, {
            date: `${formatDay(e.due, lang, year, today)}${e.approximate ? ' ≈' : ''}`,
            days: e.workingDaysLate,
          }),
        });
    }
    Object.assign(facts, {
      'refund.status': latest.status,
      'refund.method': paidWith,
      'refund.date': formatDate(civil(latest.requestedAt)),
      'refund.amount': formatYuan(latest.amountFen),
      ...(latest.reference && { 'refund.reference': latest.reference }),
      ...(latest.failureReason && { 'refund.failure': latest.failureReason }),
      ...(latest.completedAt && { 'refund.completed': latest.completedAt.slice(0, 10) }),
    });
  }
  if (latest?.kind === 'void')
    facts['refund.status'] = latest.status === 'succeeded' ? 'voided' : latest.status;
  return { card: { type: 'card', title: say('card_title', lang), fields }, facts };
}
