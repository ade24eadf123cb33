// `cli lookup REFERENCE`: the live status of one payment for an operator at a terminal. Plain
// words for staff (what was paid, every refund with its amount, state and dates, what to do
// next), not the consumer's flow; an exit code a script can act on; and a JSON record whose sums
// are worked out from the refunds themselves.
import { parseArgs } from 'node:util';
import type { Refund, StatusAnswer, Transaction } from '../../bot/lookups/index.js';
import { refundArrival, refundedFen, type StatusDeps } from '../../bot/lookups/status.js';
import type { Say } from '../../bot/messages.js';
import {
  type ArrivalEstimate,
  BUSINESS_TIME_ZONE,
  formatDate,
  formatYuan,
  type Lang,
  type MessageKey,
} from '../../knowledge/index.js';
import type { Resources } from './open.js';

/** What `lookup` exits with: scripts tell "no such payment" from "the acquirer did not answer". */
export const LOOKUP_EXIT = { found: 0, usage: 2, not_found: 3, unavailable: 4, other: 1 } as const;

export function lookupExitCode(outcome: StatusAnswer['outcome']): number {
  if (outcome === 'found' || outcome === 'not_found' || outcome === 'unavailable')
    return LOOKUP_EXIT[outcome];
  return LOOKUP_EXIT.other;
}

export interface LookupReportOptions {
  reference: string;
  answer: StatusAnswer;
  lang: Lang;
  now: Date;
  /** The acquirer's name, for "not found at …" */
  gateway: string;
  deps: StatusDeps;
}

/** One refund or void in the JSON record: every one with its amount in fen. */
export interface RefundRecord {
  refundNo: string;
  kind: Refund['kind'];
  amountFen: number;
  status: Refund['status'];
  requestedAt: string;
  completedAt?: string;
  reference?: string;
  failureReason?: string;
}

export interface LookupRecord {
  outcome: StatusAnswer['outcome'];
  reference: string;
  /** The acquirer's record, with refundedFen = the succeeded refunds and voids below. */
  transaction?: Transaction;
  refunds?: RefundRecord[];
  /** For the latest refund while it is under way: when it should arrive by. */
  arrival?: {
    refundNo: string;
    expectedBy: string;
    overdue: boolean;
    workingDaysLate: number;
    approximate: boolean;
  };
}

function latestArrival(o: LookupReportOptions): { refund: Refund; estimate: ArrivalEstimate } | undefined {
  const t = o.answer.transaction;
  const refund = o.answer.refunds?.at(-1);
  const estimate = t && refund && refundArrival(t, refund, o.now, o.deps);
  return refund && estimate ? { refund, estimate } : undefined;
}

/** The `--json` record. */
export function lookupRecord(o: LookupReportOptions): LookupRecord {
  const { answer } = o;
  if (answer.outcome !== 'found' || !answer.transaction)
    return { outcome: answer.outcome, reference: o.reference };
  const refunds = answer.refunds ?? [];
  const arrival = latestArrival(o);
  return {
    outcome: 'found',
    reference: o.reference,
    // the acquirer may not carry the refunded total (Lakala's tradequery does not): count it here
    transaction: { ...answer.transaction, refundedFen: refundedFen(refunds) },
    refunds: refunds.map((r) => ({
      refundNo: r.refundNo,
      kind: r.kind,
      amountFen: r.amountFen,
      status: r.status,
      requestedAt: r.requestedAt,
      ...(r.completedAt && { completedAt: r.completedAt }),
      ...(r.reference && { reference: r.reference }),
      ...(r.failureReason && { failureReason: r.failureReason }),
    })),
    ...(arrival && {
      arrival: {
        refundNo: arrival.refund.refundNo,
        expectedBy: formatDate(arrival.estimate.latest),
        overdue: arrival.estimate.overdue,
        workingDaysLate: arrival.estimate.workingDaysLate,
        approximate: arrival.estimate.approximate,
      },
    }),
  };
}

// an operator reads dates as dates (2026-11-24 13:20), in the business's zone, whatever the server's
const WHEN = new Intl.DateTimeFormat('sv-SE', {
  timeZone: BUSINESS_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});
const when = (iso: string) => WHEN.format(new Date(iso));

function nextStep(o: LookupReportOptions, t: Transaction, refunds: readonly Refund[]): string {
  const { say } = o.deps;
  const latest = refunds.at(-1);
  const arrival = latestArrival(o);
  if (arrival) {
    const date = formatDate(arrival.estimate.latest);
    if (arrival.estimate.overdue)
      return say('op_next_overdue', o.lang, {
        date,
        days: arrival.estimate.workingDaysLate,
        reference: arrival.refund.reference ?? arrival.refund.refundNo,
      });
    return say('op_next_processing', o.lang, { method: arrival.estimate.method.label[o.lang], date });
  }
  if (latest?.status === 'failed')
    return say('op_next_failed', o.lang, { reason: latest.failureReason ?? '—' });
  if (latest?.status === 'succeeded')
    return say(latest.kind === 'void' ? 'op_next_voided' : 'op_next_succeeded', o.lang);
  if (t.status === 'processing') return say('op_next_payment_processing', o.lang);
  if (t.status === 'failed') return say('op_next_payment_failed', o.lang);
  return say('op_next_paid', o.lang);
}

/** The report as an operator reads it; for not found and unavailable, the one sentence that says so. */
export function lookupReport(o: LookupReportOptions): string {
  const { say } = o.deps;
  const { lang, answer } = o;
  if (answer.outcome === 'not_found')
    return say('op_not_found', lang, { reference: o.reference, gateway: o.gateway });
  if (answer.outcome !== 'found' || !answer.transaction)
    return say('op_unavailable', lang, { gateway: o.gateway });
  const t = answer.transaction;
  const refunds = answer.refunds ?? [];
  const label = (key: MessageKey) => say(key, lang);
  const done = refundedFen(refunds);
  const lines = [
    say('op_heading', lang, { reference: t.reference }),
    `${label('card_merchant')}: ${[t.merchantName, t.merchantNo].filter(Boolean).join(' ')} · ${label('op_terminal')} ${t.termNo}`,
    `${label('card_payment')}: ${when(t.tradeTime)} · ${formatYuan(t.amountFen)} · ${[
      label(`method_${t.method}` as MessageKey),
      t.cardMasked,
    ]
      .filter(Boolean)
      .join(' ')} · ${label(`tx_${t.status}` as MessageKey)}`,
    `${label('op_refunds')}:${refunds.length ? '' : ` ${label('op_no_refunds')}`}`,
    ...refunds.map((r, i) =>
      [
        `  ${i + 1}. ${label(r.kind === 'void' ? 'card_void' : 'card_refund')} ${r.refundNo}`,
        formatYuan(r.amountFen),
        label(`refund_${r.status}` as MessageKey),
        `${label('op_requested')} ${when(r.requestedAt)}`,
        ...(r.completedAt && r.status !== 'processing'
          ? [`${label('op_completed')} ${when(r.completedAt)}`]
          : []),
        ...(r.reference ? [`${label('op_refund_reference')} ${r.reference}`] : []),
        ...(r.failureReason ? [`${label('card_failed_because')} ${r.failureReason}`] : []),
      ].join(' · '),
    ),
    `${label('op_refunded_total')}: ${formatYuan(done)} / ${formatYuan(t.amountFen)}${
      done > 0 && done < t.amountFen ? ` · ${label('op_refundable')} ${formatYuan(t.amountFen - done)}` : ''
    }`,
    `${label('op_next')}: ${nextStep(o, t, refunds)}`,
  ];
  return lines.join('\n');
}

export type { Say };

/**
 * The live status of one reference, as an operator at a terminal sees it (no proof asked): a plain
 * report, or `--json` the record. Exits 0 found, 3 not found, 4 acquirer unavailable, 2 usage.
 * Opens the acquirer, the look-up service's state and audit trail, and the message words: no model.
 */
export async function lookup(args: string[], open: Resources): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, locale: { type: 'string' } },
  });
  const reference = positionals[0]?.replace(/\s/g, '');
  if (!reference || !/^\d{12}$/.test(reference)) {
    process.stderr.write('lookup needs a 12-digit reference number, for example: lookup 261118000004\n');
    return LOOKUP_EXIT.usage;
  }
  const lang = values.locale === 'en' ? 'en' : 'zh';
  const [lookups, acquirer, content, { say, calendar }] = await Promise.all([
    open.lookups(),
    open.acquirer(),
    open.content(),
    open.words(),
  ]);
  const requester = { channel: 'cli', role: 'operator' as const, conversationId: 'cli' };
  const answer = await lookups.status({ reference }, requester, 'transaction');
  const report = {
    reference,
    answer,
    lang,
    now: new Date(),
    gateway: acquirer.gateway.name,
    deps: { say, calendar, arrivalMethods: content.arrivalMethods },
  } as const;
  if (values.json) process.stdout.write(`${JSON.stringify(lookupRecord(report), null, 2)}\n`);
  // found: the report is the output; otherwise the one sentence goes where errors go
  else if (answer.outcome === 'found') process.stdout.write(`${lookupReport(report)}\n`);
  else process.stderr.write(`${lookupReport(report)}\n`);
  return lookupExitCode(answer.outcome);
}
