import { mkdirSync } from 'node:fs';
import path from 'node:path';
import KeyvRedis from '@keyv/redis';
import KeyvSqlite from '@keyv/sqlite';
import Keyv from 'keyv';
import { KeyedMutex } from '../../bot/conversations/keyed-mutex.js';
import type { Counters, KeyValue, Lock, Stores } from '../../bot/ports.js';
import type { Logger } from '../../contracts/logger.js';
import { KeyvCounters, RedisCounters } from './counters.js';
import { createRedis, type Redis, redactUrl } from './redis.js';
import { RedisLock } from './redis-lock.js';

export interface StateStoreOptions {
  dataDir: string;
  redisUrl?: string | undefined;
  logger: Logger;
  /**
   * Put before every Redis key and channel name: instances of one deployment share it, a test run
   * or a second deployment on the same Redis takes its own.
   */
  keyPrefix?: string;
  /** How often expired SQLite rows are deleted. */
  sweepEveryMs?: number;
}

/**
 * The one place that picks the durable store: a SQLite file under DATA_DIR by default (nothing to
 * install), Redis when REDIS_URL is set (shared by every instance). Each namespace gets its own
 * Keyv behind the core's KeyValue port; `close()` closes them all.
 */
export class StateStore implements Stores {
  private readonly opened: Array<{ keyv: Keyv<unknown>; sqlite?: KeyvSqlite }> = [];
  private readonly sweeper: NodeJS.Timeout | undefined;
  private readonly pending: Promise<unknown>[] = [];
  private wal: Promise<unknown> | undefined;
  /** For locks (and messages between instances): keyv's own client is not shared. */
  readonly redis: Redis | undefined;
  readonly lock: Lock;

  /** Opens the store; with REDIS_URL, fails clearly when Redis cannot be reached. */
  static async open(options: StateStoreOptions): Promise<StateStore> {
    const store = new StateStore(options);
    if (store.redis) {
      try {
        await store.redis.connect();
      } catch (err) {
        throw new Error(
          `Cannot reach Redis at ${redactUrl(options.redisUrl ?? '')}: ${(err as Error).message}`,
        );
      }
    }
    return store;
  }

  private constructor(private readonly options: StateStoreOptions) {
    if (options.redisUrl) {
      this.redis = createRedis(options.redisUrl, options.logger);
      this.lock = new RedisLock(this.redis, { prefix: `${this.prefix}lock:conversation:` });
    } else {
      this.lock = new KeyedMutex();
      mkdirSync(options.dataDir, { recursive: true });
      // SQLite through keyv keeps expired rows until they are read again; sweep them now and then.
      this.sweeper = setInterval(() => void this.sweep(), options.sweepEveryMs ?? 10 * 60_000);
      this.sweeper.unref();
    }
  }

  /** What every Redis key and channel of this deployment starts with. */
  get prefix(): string {
    return this.options.keyPrefix ?? '';
  }

  keyValue<T>(namespace: string): KeyValue<T> {
    const keyv = this.namespace<T>(namespace);
    return {
      get: (key) => keyv.get(key) as Promise<T | undefined>,
      set: async (key, value, ttlMs) => {
        // keyv reads a TTL of 0 as "forever": a caller meaning "do not keep" must not get that
        if (ttlMs !== undefined && !(ttlMs > 0)) throw new RangeError(`a TTL must be positive, not ${ttlMs}`);
        await keyv.set(key, value, ttlMs);
      },
      delete: async (key) => {
        await keyv.delete(key);
      },
    };
  }

  counters(namespace: string): Counters {
    if (this.redis) return new RedisCounters(this.redis, `${this.prefix}${namespace}:`);
    return new KeyvCounters(this.namespace(namespace));
  }

  private namespace<T>(name: string): Keyv<T> {
    const namespace = `${this.prefix}${name}`;
    const { redisUrl, dataDir, logger } = this.options;
    let keyv: Keyv<T>;
    let sqlite: KeyvSqlite | undefined;
    if (redisUrl) {
      const store = new KeyvRedis(redisUrl, { throwOnConnectError: false, connectionTimeout: 2000 });
      keyv = new Keyv<T>({ store, namespace, useKeyPrefix: false });
    } else {
      sqlite = new KeyvSqlite({
        uri: `sqlite://${path.join(dataDir, 'state.sqlite')}`,
        table: 'keyv',
        busyTimeout: 5000,
      });
      // WAL and synchronous=NORMAL: a write is a page append, not an fsync (several times faster);
      // a crash of the process loses nothing, a power cut at worst the last second of turns.
      const db = sqlite;
      // WAL is a property of the file: switch once, on the first connection; synchronous is per
      // connection. Doing both on every connection at once makes them trip over each other (BUSY).
      this.wal ??= db.query('PRAGMA journal_mode=WAL');
      this.pending.push(
        this.wal
          .then(() => db.query('PRAGMA synchronous=NORMAL'))
          .catch((err: unknown) => logger.warn({ err }, 'could not switch SQLite to WAL')),
      );
      keyv = new Keyv<T>({ store: sqlite, namespace });
    }
    // Without a listener a store failure would be an uncaught 'error' event and take the process down.
    keyv.on('error', (err: unknown) => logger.error({ err, namespace }, 'state store error'));
    this.opened.push({ keyv: keyv as Keyv<unknown>, ...(sqlite && { sqlite }) });
    return keyv;
  }

  /** Deletes expired rows (SQLite only; Redis expires keys itself). */
  async sweep(now = Date.now()): Promise<void> {
    const first = this.opened.find((o) => o.sqlite)?.sqlite;
    if (!first) return;
    try {
      await first.query("DELETE FROM keyv WHERE json_extract(value, '$.expires') < ?", now);
    } catch (err) {
      this.options.logger.warn({ err }, 'could not sweep expired state');
    }
  }

  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    await Promise.all(this.pending);
    await Promise.all(this.opened.map((o) => o.keyv.disconnect().catch(() => undefined)));
    this.opened.length = 0;
    if (this.redis?.isOpen) await this.redis.close().catch(() => undefined);
  }
}
