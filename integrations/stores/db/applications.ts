import type { Kysely, Transaction } from 'kysely';
import {
  type Application,
  type ApplicationEvent,
  type ApplicationFilter,
  type ApplicationStore,
  applicationEventSchema,
  applicationSchema,
  type Change,
  type NewEvent,
  type RefundJob,
} from '../../../bot/applications/index.js';
import { formatDate, todayIn } from '../../../knowledge/index.js';
import type { Database } from './database.js';
import type { Schema } from './schema.js';
import { nextInSequence } from './sequences.js';

/** Still open: one per payment at a time. */
const OPEN = new Set(['submitted', 'in_review', 'approved']);

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return (
    e?.code === '23505' ||
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    /UNIQUE constraint failed/.test(e?.message ?? '')
  );
}

function columns(a: Application) {
  return {
    status: a.status,
    open_reference: OPEN.has(a.status) ? a.reference : null,
    amount_fen: a.amountFen,
    version: a.version,
    updated_at: a.updatedAt,
    record: JSON.stringify(a),
  };
}

/**
 * Applications, their timelines and the refund outbox in the database. Every change is one
 * transaction with the application's row locked (PostgreSQL: FOR UPDATE; SQLite: its one writer),
 * so two instances deciding at once see each other's result, and a result is never written
 * without the job it ends.
 */
export class SqlApplicationStore implements ApplicationStore {
  private readonly db: Kysely<Schema>;

  constructor(private readonly database: Database) {
    this.db = database.db;
  }

  async nextNumber(now: Date): Promise<string> {
    const day = formatDate(todayIn(now)).replace(/-/g, '');
    const n = await nextInSequence(this.db, 'applications', day);
    return `RA-${day}-${String(n).padStart(4, '0')}`;
  }

  async create(application: Application, events: NewEvent[]) {
    const a = applicationSchema.parse(application);
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('applications')
          .values({
            number: a.number,
            merchant_no: a.merchantNo,
            reference: a.reference,
            created_at: a.createdAt,
            ...columns(a),
          })
          .execute();
        await this.append(trx, a.number, events, 0);
      });
      return { created: true as const };
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const existing = (
        await this.list({ reference: a.reference, status: [...OPEN] as Application['status'][], limit: 1 })
      )[0];
      if (!existing) throw err;
      return { created: false as const, existing };
    }
  }

  async get(number: string): Promise<Application | undefined> {
    const row = await this.db
      .selectFrom('applications')
      .select('record')
      .where('number', '=', number)
      .executeTakeFirst();
    return row ? applicationSchema.parse(JSON.parse(row.record)) : undefined;
  }

  async list(filter: ApplicationFilter = {}): Promise<Application[]> {
    let q = this.db.selectFrom('applications').select('record');
    if (filter.merchantNo) q = q.where('merchant_no', '=', filter.merchantNo);
    if (filter.reference) q = q.where('reference', '=', filter.reference);
    if (filter.status?.length) q = q.where('status', 'in', [...filter.status]);
    q = q.orderBy('created_at', 'desc').orderBy('number', 'desc');
    if (filter.limit !== undefined) q = q.limit(filter.limit);
    const rows = await q.execute();
    return rows.map((r) => applicationSchema.parse(JSON.parse(r.record)));
  }

  async events(number: string): Promise<ApplicationEvent[]> {
    const rows = await this.db
      .selectFrom('application_events')
      .selectAll()
      .where('application', '=', number)
      .orderBy('seq')
      .execute();
    return rows.map((r) =>
      applicationEventSchema.parse({
        application: r.application,
        seq: Number(r.seq),
        at: r.at,
        kind: r.kind,
        role: r.role,
        ...(r.actor !== null && { actor: r.actor }),
        data: JSON.parse(r.data),
      }),
    );
  }

  async update(number: string, change: (current: Application) => Change | undefined) {
    return this.db.transaction().execute(async (trx) => {
      let q = trx.selectFrom('applications').select('record').where('number', '=', number);
      if (this.database.dialect === 'postgres') q = q.forUpdate();
      const row = await q.executeTakeFirst();
      if (!row) return { outcome: 'not_found' as const };
      const current = applicationSchema.parse(JSON.parse(row.record));
      const next = change(current);
      if (!next) return { outcome: 'unchanged' as const, application: current };
      const a = applicationSchema.parse(next.application);
      await trx.updateTable('applications').set(columns(a)).where('number', '=', number).execute();
      if (next.events.length) {
        const max = await trx
          .selectFrom('application_events')
          .select((eb) => eb.fn.max('seq').as('seq'))
          .where('application', '=', number)
          .executeTakeFirst();
        await this.append(trx, number, next.events, Number(max?.seq ?? 0));
      }
      if (next.job === 'enqueue')
        await trx
          .insertInto('refund_jobs')
          .values({
            application: number,
            attempts: 0,
            run_at: a.updatedAt,
            lease_until: null,
            last_error: null,
          })
          .onConflict((oc) => oc.column('application').doNothing())
          .execute();
      if (next.job === 'done')
        await trx.deleteFrom('refund_jobs').where('application', '=', number).execute();
      return { outcome: 'updated' as const, application: a };
    });
  }

  async claimJob(now: Date, leaseMs: number): Promise<RefundJob | undefined> {
    const at = now.toISOString();
    const until = new Date(now.getTime() + leaseMs).toISOString();
    // a few candidates: another worker may win the first (the conditional update is the claim)
    const due = await this.db
      .selectFrom('refund_jobs')
      .selectAll()
      .where('run_at', '<=', at)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', at)]))
      .orderBy('run_at')
      .limit(5)
      .execute();
    for (const job of due) {
      const won = await this.db
        .updateTable('refund_jobs')
        .set((eb) => ({ lease_until: until, attempts: eb('attempts', '+', 1) }))
        .where('application', '=', job.application)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', at)]))
        .returningAll()
        .executeTakeFirst();
      if (won)
        return {
          application: won.application,
          attempts: Number(won.attempts),
          runAt: won.run_at,
          ...(won.last_error !== null && { lastError: won.last_error }),
        };
    }
    return undefined;
  }

  async retryJob(application: string, runAt: Date, error: string): Promise<void> {
    await this.db
      .updateTable('refund_jobs')
      .set({ run_at: runAt.toISOString(), lease_until: null, last_error: error.slice(0, 500) })
      .where('application', '=', application)
      .execute();
  }

  async pendingJobs(): Promise<RefundJob[]> {
    const rows = await this.db.selectFrom('refund_jobs').selectAll().orderBy('run_at').execute();
    return rows.map((r) => ({
      application: r.application,
      attempts: Number(r.attempts),
      runAt: r.run_at,
      ...(r.last_error !== null && { lastError: r.last_error }),
    }));
  }

  private async append(
    trx: Transaction<Schema>,
    number: string,
    events: NewEvent[],
    after: number,
  ): Promise<void> {
    if (!events.length) return;
    await trx
      .insertInto('application_events')
      .values(
        events.map((e, i) => ({
          application: number,
          seq: after + i + 1,
          at: e.at,
          kind: e.kind,
          role: e.role,
          actor: e.actor ?? null,
          data: JSON.stringify(e.data ?? {}),
        })),
      )
      .execute();
  }
}
