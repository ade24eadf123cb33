import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

/**
 * The migrations, in order, compiled with the rest (nothing is read from disk at run time).
 * Never edit one that has shipped: add the next.
 */
export function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    '0001_applications_tickets_audit': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('applications')
          .addColumn('number', 'text', (c) => c.primaryKey())
          .addColumn('merchant_no', 'text', (c) => c.notNull())
          .addColumn('reference', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('open_reference', 'text', (c) => c.unique())
          .addColumn('amount_fen', 'integer', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addColumn('record', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('applications_merchant')
          .on('applications')
          .columns(['merchant_no', 'created_at'])
          .execute();
        await db.schema
          .createIndex('applications_reference')
          .on('applications')
          .column('reference')
          .execute();
        await db.schema
          .createTable('application_events')
          .addColumn('application', 'text', (c) => c.notNull())
          .addColumn('seq', 'integer', (c) => c.notNull())
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('actor', 'text')
          .addColumn('data', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('application_events_pk', ['application', 'seq'])
          .execute();
        await db.schema
          .createTable('refund_jobs')
          .addColumn('application', 'text', (c) => c.primaryKey())
          .addColumn('attempts', 'integer', (c) => c.notNull())
          .addColumn('run_at', 'text', (c) => c.notNull())
          .addColumn('lease_until', 'text')
          .addColumn('last_error', 'text')
          .execute();
        await db.schema
          .createTable('sequences')
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('day', 'text', (c) => c.notNull())
          .addColumn('n', 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('sequences_pk', ['kind', 'day'])
          .execute();
        await db.schema
          .createTable('tickets')
          .addColumn('number', 'text', (c) => c.primaryKey())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('record', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('audit')
          // SQLite: an INTEGER PRIMARY KEY numbers itself; PostgreSQL needs a serial
          .addColumn('id', dialect === 'postgres' ? 'serial' : 'integer', (c) => c.primaryKey())
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('record', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('audit_at').on('audit').columns(['at']).execute();
        await sql`select 1`.execute(db);
      },
    },
    '0002_uploads': {
      async up(db: Kysely<unknown>) {
        // proof documents: what every instance needs to serve one, and to count and clean them up
        await db.schema
          .createTable('uploads')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('conversation_id', 'text')
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('size', 'integer', (c) => c.notNull())
          .addColumn('sha256', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          // NULL when the bytes are files in a directory (DATA_DIR/uploads or UPLOAD_DIR)
          .addColumn('bytes', dialect === 'postgres' ? 'bytea' : 'blob')
          .execute();
        await db.schema.createIndex('uploads_conversation').on('uploads').column('conversation_id').execute();
        await db.schema.createIndex('uploads_created').on('uploads').column('created_at').execute();
      },
    },
    '0003_insight_events': {
      async up(db: Kysely<unknown>) {
        const number = 'double precision';
        await db.schema
          .createTable('insight_events')
          .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => c.primaryKey())
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('day', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('channel', 'text')
          .addColumn('lang', 'text')
          .addColumn('conversation', 'text')
          .addColumn('intent', 'text')
          .addColumn('decision', 'text')
          .addColumn('confidence', number)
          .addColumn('flow', 'text')
          .addColumn('node', 'text')
          .addColumn('article', 'text')
          .addColumn('text', 'text')
          .addColumn('outcome', 'text')
          .addColumn('subject', 'text')
          .addColumn('duration_ms', number)
          .addColumn('date_from', 'text')
          .addColumn('date_to', 'text')
          .addColumn('data', 'text')
          .execute();
        // every chart reads one kind over a range of days, some for one channel: this index holds
        // every column those aggregates read, so they never touch the table (index-only scans)
        await db.schema
          .createIndex('insight_events_kind_day')
          .on('insight_events')
          .columns([
            'kind',
            'day',
            'channel',
            'lang',
            'outcome',
            'conversation',
            'duration_ms',
            'article',
            'flow',
          ])
          .execute();
        // the funnels: turns inside a tree (most turns are not in one), covering
        await db.schema
          .createIndex('insight_events_flow')
          .on('insight_events')
          .columns(['kind', 'day', 'flow', 'node', 'conversation', 'channel', 'outcome'])
          .where(sql.ref('flow'), 'is not', null)
          .execute();
        // the unanswered questions: the few rows with text
        await db.schema
          .createIndex('insight_events_text')
          .on('insight_events')
          .columns(['day', 'at'])
          .where(sql.ref('text'), 'is not', null)
          .execute();
        // estimates meet their refund's arrival by its (hashed) id
        await db.schema
          .createIndex('insight_events_subject')
          .on('insight_events')
          .columns(['subject', 'kind', 'date_to'])
          .where(sql.ref('subject'), 'is not', null)
          .execute();
      },
    },
    '0004_insight_labels_digests': {
      async up(db: Kysely<unknown>) {
        // the review queue of issue 14's loop: one row per labelled group of unanswered questions
        await db.schema
          .createTable('insight_labels')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('lang', 'text', (c) => c.notNull())
          .addColumn('example', 'text', (c) => c.notNull())
          .addColumn('wordings', 'text', (c) => c.notNull())
          .addColumn('label', 'text', (c) => c.notNull())
          .addColumn('count', 'integer', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('labelled_at', 'text', (c) => c.notNull())
          .addColumn('exported_at', 'text')
          .addColumn('exported_to', 'text')
          .execute();
        await db.schema
          .createIndex('insight_labels_status')
          .on('insight_labels')
          .columns(['status', 'labelled_at'])
          .execute();
        // the daily Slack digest: the instance that inserts a day's row posts it, once
        await db.schema
          .createTable('insight_digests')
          .addColumn('day', 'text', (c) => c.primaryKey())
          .addColumn('claimed_at', 'text', (c) => c.notNull())
          .addColumn('posted_at', 'text')
          .execute();
      },
    },
    '0005_insight_funnel_days': {
      async up(db: Kysely<unknown>) {
        // the funnels' counts of settled days (funnel-days.ts), and which days are rolled up
        await db.schema
          .createTable('insight_funnel_days')
          .addColumn('day', 'text', (c) => c.notNull())
          .addColumn('channel', 'text', (c) => c.notNull())
          .addColumn('flow', 'text', (c) => c.notNull())
          .addColumn('node', 'text', (c) => c.notNull())
          .addColumn('reached', 'integer', (c) => c.notNull())
          .addColumn('ended', 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('insight_funnel_days_pk', ['day', 'channel', 'flow', 'node'])
          .execute();
        await db.schema
          .createTable('insight_rollups')
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('day', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('insight_rollups_pk', ['name', 'day'])
          .execute();
      },
    },
  };
}

class StaticProvider implements MigrationProvider {
  constructor(private readonly list: Record<string, Migration>) {}
  async getMigrations() {
    return this.list;
  }
}

export class MigrationError extends Error {
  override name = 'MigrationError';
  constructor(
    readonly migration: string,
    cause: unknown,
  ) {
    super(`database migration ${migration} failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
}

/** Brings the database up to date; a failure names the migration and stops the start. */
export async function migrate(db: Kysely<unknown>, list: Record<string, Migration>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new StaticProvider(list) });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new MigrationError(failed, error);
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
