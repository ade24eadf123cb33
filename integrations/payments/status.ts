import type { CardReply } from '../../bot/replies.js';
import type { Values } from '../../flows/engine/index.js';
import {
  type ArrivalMethod,
  type CivilDate,
  estimateArrival,
  formatDay,
  type Lang,
  type MessageKey,
  todayIn,
  type WorkingDays,
} from '../../knowledge/index.js';
import type { Refund, Transaction } from './types.js';

export type Say = (key: MessageKey, lang: Lang, vars?: Record<string, string | number>) => string;

export interface StatusDeps {
  say: Say;
  calendar: WorkingDays;
  arrivalMethods: readonly ArrivalMethod[];
}

const SHANGHAI = 'Asia/Shanghai';

function civil(iso: string): CivilDate {
  return todayIn(new Date(iso), SHANGHAI);
}

function clock(iso: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: SHANGHAI, hour: '2-digit', minute: '2-digit' }).format(
    new Date(iso),
  );
}

function yuan(fen: number): string {
  return `¥${(fen / 100).toFixed(2)}`;
}

/** Which arrival window applies: the way the money goes back is the way it came. */
export function arrivalMethodOf(t: Transaction): string {
  if (t.method === 'wechat' || t.method === 'alipay')
    return `${t.method}_${t.funding === 'balance' ? 'balance' : 'card'}`;
  return t.method;
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
    {
      label: say('card_payment', lang),
      value: [day(t.tradeTime), yuan(t.amountFen), method, t.cardMasked].filter(Boolean).join(' · '),
    },
    { label: say('card_payment_status', lang), value: say(`tx_${t.status}` as MessageKey, lang) },
  ];
  const facts: Values = {
    'transaction.status': t.status,
    'transaction.amount': yuan(t.amountFen),
    'transaction.method': arrivalMethodOf(t),
    'transaction.date': `${civil(t.tradeTime).year}-${String(civil(t.tradeTime).month).padStart(2, '0')}-${String(civil(t.tradeTime).day).padStart(2, '0')}`,
    'transaction.refunded': yuan(t.refundedFen),
  };

  const arrival = deps.arrivalMethods.find((m) => m.id === arrivalMethodOf(t));
  for (const r of refunds) {
    const label = say(r.kind === 'void' ? 'card_void' : 'card_refund', lang);
    fields.push({
      label,
      value: `${day(r.requestedAt)} · ${yuan(r.amountFen)} · ${say(`refund_${r.status}` as MessageKey, lang)}`,
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
      const e = estimateArrival(arrival, civil(latest.requestedAt), todayIn(now), deps.calendar);
      fields.push({
        label: say('card_expected', lang),
        value: `${formatDay(e.latest, lang, year)}${e.approximate ? ' ≈' : ''}`,
      });
    }
    const d = civil(latest.requestedAt);
    Object.assign(facts, {
      'refund.status': latest.status,
      'refund.method': arrivalMethodOf(t),
      'refund.date': `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`,
      'refund.amount': yuan(latest.amountFen),
      ...(latest.reference && { 'refund.reference': latest.reference }),
      ...(latest.failureReason && { 'refund.failure': latest.failureReason }),
      ...(latest.completedAt && { 'refund.completed': latest.completedAt.slice(0, 10) }),
    });
  }
  if (latest?.kind === 'void')
    facts['refund.status'] = latest.status === 'succeeded' ? 'voided' : latest.status;
  return { card: { type: 'card', title: say('card_title', lang), fields }, facts };
}
