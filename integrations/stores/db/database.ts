import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite from 'better-sqlite3';
import { Kysely, type Migration, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { Logger } from '../../../contracts/logger.js';
import { type Checkpoints, checkpointInThread } from '../checkpoints.js';
import { type Dialect, migrate, migrations } from './migrations.js';
import type { Schema } from './schema.js';

export interface DatabaseOptions {
  /** Where the SQLite file lives when there is no DATABASE_URL. */
  dataDir: string;
  /** postgres://… : PostgreSQL instead of the SQLite file. */
  url?: string | undefined;
  /** For tests: migrations other than ours (a broken one, to see the start refused). */
  migrations?: Record<string, Migration>;
  /** SQLite: checkpoint the file from a thread of its own, not in a request's commit (checkpoints.ts). */
  checkpointInThread?: { logger: Logger };
}

/** Business records' database: a SQLite file by default, PostgreSQL with DATABASE_URL. */
export class Database {
  private constructor(
    readonly db: Kysely<Schema>,
    readonly dialect: Dialect,
    private readonly checkpoints?: Checkpoints,
  ) {}

  static async open(options: DatabaseOptions): Promise<Database> {
    const dialect: Dialect = options.url ? 'postgres' : 'sqlite';
    let db: Kysely<Schema>;
    let checkpoints: Checkpoints | undefined;
    if (options.url) {
      const pool = new pg.Pool({
        connectionString: options.url,
        max: 10,
        // no wait without an end: a connection within 5 s, a statement the server stops after 5 s
        // (every statement here is one short query; a migration that needs longer sets its own),
        // and our own limit a little later for a server that went silent mid-query
        connectionTimeoutMillis: 5000,
        statement_timeout: 5000,
        query_timeout: 6000,
        // a transaction left open by a stuck process releases its locks
        idle_in_transaction_session_timeout: 10_000,
      });
      // a connection the server dropped (a restart, a network cut), idle in the pool or just handed
      // out: the pool makes a new one when it needs one, and the query that finds the database gone
      // fails and says so; an 'error' event nobody hears would end the process instead
      pool.on('error', () => undefined);
      pool.on('connect', (client) => client.on('error', () => undefined));
      db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
    } else {
      mkdirSync(options.dataDir, { recursive: true });
      const name = path.join(options.dataDir, 'refund-assistant.sqlite');
      const file = new BetterSqlite(name);
      file.pragma('journal_mode = WAL');
      // a second process on the file (a restart overlapping the old one) waits instead of failing
      file.pragma('busy_timeout = 5000');
      db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: file }) });
      if (options.checkpointInThread)
        checkpoints = checkpointInThread(file, { file: name, logger: options.checkpointInThread.logger });
    }
    const database = new Database(db, dialect, checkpoints);
    try {
      await migrate(db as Kysely<unknown>, options.migrations ?? migrations(dialect));
    } catch (err) {
      await checkpoints?.stop();
      await db.destroy();
      throw err;
    }
    return database;
  }

  /** For /readyz: the database answers. */
  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async close(): Promise<void> {
    await this.checkpoints?.stop();
    await this.db.destroy();
  }
}
