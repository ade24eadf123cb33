import { EventEmitter } from 'node:events';
import BetterSqlite from 'better-sqlite3';
import type { KeyvStoreAdapter, StoredData } from 'keyv';

// The layout @keyv/sqlite 4 made, kept as it was: table `keyv`, the key as Keyv prefixes it
// (`namespace:key`), the value as Keyv serialises it (JSON with its `expires`). A DATA_DIR written
// by @keyv/sqlite keeps its conversations, and a file written here is still one @keyv/sqlite reads.
const CREATE = 'CREATE TABLE IF NOT EXISTS keyv(key VARCHAR(255) PRIMARY KEY, value TEXT )';

/** When Keyv said the row expires; NULL for a row without one, or one that is not Keyv's JSON. */
const EXPIRES = "CASE WHEN json_valid(value) THEN json_extract(value, '$.expires') END";

export interface StateFileOptions {
  /** How long a write waits for another process's write before it fails with SQLITE_BUSY. */
  busyTimeoutMs?: number;
}

/**
 * Opens (or creates) a SQLite file for Keyv, ready for a second process on the same file: WAL, so
 * readers never wait for a writer, and a busy timeout, so two writers take turns instead of failing.
 * The calls are synchronous: a write that has to wait blocks this process's event loop, but writes
 * are one short statement each, so another process holds the lock for microseconds.
 */
export function openStateFile(file: string, options: StateFileOptions = {}): BetterSqlite.Database {
  // the timeout is set by the constructor, before the first statement: even switching to WAL waits
  const db = new BetterSqlite(file, { timeout: options.busyTimeoutMs ?? 5000 });
  try {
    db.pragma('journal_mode = WAL');
    // per connection: a write appends to the WAL without an fsync; a crash of the process loses
    // nothing, a power cut at worst the last moments of turns
    db.pragma('synchronous = NORMAL');
    db.exec(CREATE);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/** Deletes every expired row of the file, whatever its namespace; Keyv itself only drops what it reads. */
export function deleteExpired(db: BetterSqlite.Database, now = Date.now()): number {
  return db.prepare(`DELETE FROM keyv WHERE ${EXPIRES} < ?`).run(now).changes;
}

type Row = { key: string; value: string | null };

/**
 * Keyv's storage adapter over a better-sqlite3 connection. One adapter per Keyv (Keyv writes its
 * namespace onto the adapter); any number of them may share one connection, whose opener closes it.
 * Expiry is Keyv's: it writes `expires` into the value and treats an expired row as absent when it
 * reads one, so `set` ignores its TTL argument and `deleteExpired` removes rows nobody reads again.
 */
export class SqliteKeyv extends EventEmitter implements KeyvStoreAdapter {
  /**
   * Keyv reads `dialect` to decide whether a store iterates; this one has no iterator (nothing here
   * iterates, and a better-sqlite3 cursor held across awaits would lock the connection).
   */
  readonly opts = { dialect: 'sqlite', table: 'keyv' } as const;
  namespace?: string | undefined;
  private readonly sql;

  constructor(db: BetterSqlite.Database) {
    super();
    db.exec(CREATE);
    const inJson = 'key IN (SELECT value FROM json_each(?))';
    this.sql = {
      get: db.prepare<[string], string | null>('SELECT value FROM keyv WHERE key = ?').pluck(),
      getMany: db.prepare<[string], Row>(`SELECT key, value FROM keyv WHERE ${inJson}`),
      set: db.prepare<[string, string]>(
        'INSERT INTO keyv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      ),
      has: db
        .prepare<[string, number], number>(
          `SELECT EXISTS (SELECT 1 FROM (SELECT ${EXPIRES} AS expires FROM keyv WHERE key = ?)
            WHERE expires IS NULL OR expires >= ?)`,
        )
        .pluck(),
      delete: db.prepare<[string]>('DELETE FROM keyv WHERE key = ?'),
      deleteMany: db.prepare<[string]>(`DELETE FROM keyv WHERE ${inJson}`),
      // a range, not LIKE: LIKE ignores case and reads `_` and `%` in a namespace as wildcards
      clearNamespace: db.prepare<[string, string]>('DELETE FROM keyv WHERE key >= ? AND key < ?'),
      clearAll: db.prepare('DELETE FROM keyv'),
    };
  }

  // Keyv's type names the deserialised data; what a serialising Keyv hands a store, and gets back,
  // is the serialised string.
  async get<Value>(key: string): Promise<StoredData<Value> | undefined> {
    try {
      return (this.sql.get.get(key) ?? undefined) as StoredData<Value> | undefined;
    } catch (err) {
      // Keyv 5.6 turns a failed store.get into "not found" without an 'error' event: say it here,
      // or the failure is lost (set, delete and clear failures Keyv reports itself)
      this.emit('error', err);
      throw err;
    }
  }

  async getMany<Value>(keys: string[]): Promise<Array<StoredData<Value | undefined>>> {
    const found = new Map(this.sql.getMany.all(JSON.stringify(keys)).map((r) => [r.key, r.value]));
    return keys.map((key) => (found.get(key) ?? undefined) as StoredData<Value | undefined>);
  }

  async set(key: string, value: string, _ttl?: number): Promise<boolean> {
    this.sql.set.run(key, value);
    return true;
  }

  async has(key: string): Promise<boolean> {
    return this.sql.has.get(key, Date.now()) === 1;
  }

  async delete(key: string): Promise<boolean> {
    return this.sql.delete.run(key).changes > 0;
  }

  async deleteMany(keys: string[]): Promise<boolean> {
    return this.sql.deleteMany.run(JSON.stringify(keys)).changes > 0;
  }

  /** This namespace's rows only (every `namespace:` key; `;` is the character after `:`). */
  async clear(): Promise<void> {
    if (this.namespace) this.sql.clearNamespace.run(`${this.namespace}:`, `${this.namespace};`);
    else this.sql.clearAll.run();
  }
}
