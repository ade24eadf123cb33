import type { Logger } from '../../contracts/logger.js';
import { type CivilDate, formatDate, todayIn } from '../../knowledge/index.js';
import type { InsightsSink } from '../insights/events.js';
import type { PaymentGateway, Refund } from '../lookups/gateway.js';
import type { Application } from './model.js';
import type { ApplicationStore, Change } from './ports.js';

export interface ExecutorDeps {
  store: ApplicationStore;
  gateway: PaymentGateway;
  logger: Logger;
  clock: () => Date;
  /** How long a worker holds a job before another may take it over (it died, or hangs). */
  leaseMs: number;
  /** Told after every change the executor writes (the desk and the merchant). */
  changed: (application: Application) => Promise<void>;
  /** Backoff after the n-th failed attempt; capped. */
  retryDelayMs?: (attempt: number) => number;
  /** Refunds executed or failed, and arrived when the acquirer says so at once (bot/insights). */
  insights?: InsightsSink;
  /** The arrival window the merchant is told once executed (notices.ts), recorded to be checked later. */
  arrivalWindow?: (a: Application) => { earliest: CivilDate; latest: CivilDate } | undefined;
}

const defaultDelay = (attempt: number) => Math.min(5_000 * 2 ** (attempt - 1), 10 * 60_000);

/**
 * Executes approved applications from the outbox, at least once, and so exactly once at the
 * acquirer: the refund's id is derived from the application, the acquirer is asked for it before
 * any (re)send, and the result is written with the job's removal in one transaction. A worker
 * that dies between the acquirer's answer and that write leaves the job to the next one after
 * the lease, which finds the refund already there and records it.
 */
export class RefundExecutor {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(private readonly deps: ExecutorDeps) {}

  /** Polls for due jobs every `everyMs` (and once now). */
  start(everyMs: number): void {
    const tick = () => {
      this.running ??= this.drain()
        .catch((err: unknown) => this.deps.logger.warn({ err }, 'refund executor pass failed'))
        .finally(() => {
          this.running = undefined;
        });
    };
    this.timer = setInterval(tick, everyMs);
    this.timer.unref();
    tick();
  }

  /** Stops polling and waits for a pass under way. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Runs every due job once; resolves when none is left that is due. */
  async drain(): Promise<number> {
    let done = 0;
    for (;;) {
      const job = await this.deps.store.claimJob(this.deps.clock(), this.deps.leaseMs);
      if (!job) return done;
      await this.execute(job.application, job.attempts);
      done++;
    }
  }

  private async execute(number: string, attempt: number): Promise<void> {
    const { store, gateway, clock } = this.deps;
    const a = await store.get(number);
    if (a?.status !== 'approved') {
      // decided otherwise, or recorded already by a worker before us: nothing to send
      if (a) await store.update(number, (cur) => ({ application: cur, events: [], job: 'done' }));
      return;
    }
    const scope = { merchantNo: a.merchantNo, termNo: a.termNo };
    // asked first: a refund sent by a worker that died (or timed out) is found, never sent again
    const existing = await gateway.getRefund(a.outRefundNo, scope);
    let refund: Refund | undefined;
    if (existing.outcome === 'found') refund = existing.value;
    else if (existing.outcome === 'unavailable') return this.later(a, attempt, existing.reason);
    else {
      const found = await gateway.findTransaction({ reference: a.reference, merchantNo: a.merchantNo });
      if (found.outcome === 'unavailable') return this.later(a, attempt, found.reason);
      if (found.outcome === 'not_found') return this.fail(a, 'the original payment was not found');
      const sent = await gateway.refund({
        outRefundNo: a.outRefundNo,
        transaction: found.value,
        amountFen: a.amountFen,
        reason: a.reason,
      });
      if (sent.outcome === 'unavailable') return this.later(a, attempt, sent.reason);
      if (sent.outcome === 'refused') return this.fail(a, sent.message);
      refund = sent.value;
    }
    const at = clock().toISOString();
    const done: Refund | undefined = refund;
    if (!done) return;
    const failed = done.status === 'failed';
    await this.finish(number, (cur) => ({
      application: {
        ...cur,
        status: failed ? 'failed' : 'executed',
        refund: {
          refundNo: done.refundNo,
          ...(done.reference && { reference: done.reference }),
          amountFen: done.amountFen,
          status: done.status,
          at: done.requestedAt,
          ...(done.settlementDate && { settlementDate: done.settlementDate }),
          ...(done.failureReason && { failureReason: done.failureReason }),
        },
        updatedAt: at,
      },
      events: [
        {
          at,
          kind: failed ? 'failed' : 'executed',
          role: 'system',
          data: {
            refundNo: done.refundNo,
            amountFen: done.amountFen,
            status: done.status,
            attempts: attempt,
          },
        },
      ],
      job: 'done',
    }));
    if (done.status === 'succeeded' && done.completedAt)
      this.deps.insights?.record({
        kind: 'arrival',
        channel: a.channel,
        subject: done.refundNo,
        dateTo: formatDate(todayIn(new Date(done.completedAt))),
      });
    else if (!failed) {
      // the date the merchant is told now is an estimate like a look-up's: checked when it arrives
      const e = this.deps.arrivalWindow?.({
        ...a,
        refund: { refundNo: done.refundNo, status: done.status, at: done.requestedAt },
      } as Application);
      if (e)
        this.deps.insights?.record({
          kind: 'estimate',
          channel: a.channel,
          subject: done.refundNo,
          dateFrom: formatDate(e.earliest),
          dateTo: formatDate(e.latest),
          outcome: 'executed',
        });
    }
  }

  /**
   * Writes the outcome with the job's removal and tells everyone, unless the application is no
   * longer approved: a worker that outlived its lease finds it recorded by the one that took the
   * job over, and then only the job goes (told again, the merchant would hear "executed" twice).
   */
  private async finish(number: string, outcome: (current: Application) => Change): Promise<void> {
    let recorded = false;
    const written = await this.deps.store.update(number, (cur) => {
      if (cur.status !== 'approved') return { application: cur, events: [], job: 'done' };
      recorded = true;
      return outcome(cur);
    });
    if (!recorded)
      this.deps.logger.warn(
        { application: number, leaseMs: this.deps.leaseMs },
        'refund recorded by another worker first: this one outlived its lease',
      );
    else if (written.outcome === 'updated') {
      const a = written.application;
      this.deps.insights?.record({
        kind: 'application_executed',
        channel: a.channel,
        lang: a.lang,
        subject: a.number,
        outcome: a.status === 'executed' ? 'executed' : 'failed',
      });
      await this.deps.changed(a);
    }
  }

  /** The acquirer did not answer: the job waits (backoff), everyone is told once, nothing is lost. */
  private async later(a: Application, attempt: number, reason: string): Promise<void> {
    const delay = (this.deps.retryDelayMs ?? defaultDelay)(attempt);
    await this.deps.store.retryJob(a.number, new Date(this.deps.clock().getTime() + delay), reason);
    this.deps.logger.warn(
      { application: a.number, attempt, reason },
      'refund not executed yet: acquirer unavailable',
    );
    if (attempt !== 1) return;
    const at = this.deps.clock().toISOString();
    const written = await this.deps.store.update(a.number, (cur) =>
      cur.status === 'approved'
        ? {
            application: { ...cur, updatedAt: at },
            events: [{ at, kind: 'execution_retry', role: 'system', data: { reason: reason.slice(0, 200) } }],
          }
        : undefined,
    );
    if (written.outcome === 'updated') await this.deps.changed(written.application);
  }

  /** The acquirer refused for good (more than remains, not refundable): failed, told, not retried. */
  private async fail(a: Application, message: string): Promise<void> {
    const at = this.deps.clock().toISOString();
    await this.finish(a.number, (cur) => ({
      application: { ...cur, status: 'failed', updatedAt: at },
      events: [{ at, kind: 'failed', role: 'system', data: { reason: message.slice(0, 300) } }],
      job: 'done',
    }));
  }
}
