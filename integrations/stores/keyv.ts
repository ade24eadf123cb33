import { mkdirSync } from 'node:fs';
import path from 'node:path';
import KeyvRedis from '@keyv/redis';
import type BetterSqlite from 'better-sqlite3';
import Keyv from 'keyv';
import { KeyedMutex } from '../../bot/conversations/keyed-mutex.js';
import type { Counters, KeyValue, Lock, Stores } from '../../bot/ports.js';
import type { Logger } from '../../contracts/logger.js';
import { KeyvCounters, RedisCounters } from './counters.js';
import { createRedis, type Redis, redactUrl } from './redis.js';
import { RedisLock } from './redis-lock.js';
import { deleteExpired, openStateFile, SqliteKeyv } from './sqlite-keyv.js';

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
  private readonly opened: Keyv<unknown>[] = [];
  private readonly sweeper: NodeJS.Timeout | undefined;
  /** The SQLite file without REDIS_URL: one connection, shared by every namespace. */
  private readonly file: BetterSqlite.Database | undefined;
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
      const file = path.join(options.dataDir, 'state.sqlite');
      try {
        this.file = openStateFile(file);
      } catch (err) {
        throw new Error(`Cannot open the state file ${file}: ${(err as Error).message}`);
      }
      // Keyv drops an expired row only when it reads it again; sweep the others now and then.
      this.sweeper = setInterval(() => this.sweep(), options.sweepEveryMs ?? 10 * 60_000);
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
    const { redisUrl, logger } = this.options;
    let keyv: Keyv<T>;
    if (this.file) {
      keyv = new Keyv<T>({ store: new SqliteKeyv(this.file), namespace });
    } else {
      const store = new KeyvRedis(redisUrl, { throwOnConnectError: false, connectionTimeout: 2000 });
      keyv = new Keyv<T>({ store, namespace, useKeyPrefix: false });
    }
    // Without a listener a store failure would be an uncaught 'error' event and take the process down.
    keyv.on('error', (err: unknown) => logger.error({ err, namespace }, 'state store error'));
    this.opened.push(keyv as Keyv<unknown>);
    return keyv;
  }

  /** Deletes expired rows and says how many (SQLite only; Redis expires keys itself). */
  sweep(now = Date.now()): number {
    if (!this.file?.open) return 0;
    try {
      return deleteExpired(this.file, now);
    } catch (err) {
      this.options.logger.warn({ err }, 'could not sweep expired state');
      return 0;
    }
  }

  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    await Promise.all(this.opened.map((keyv) => keyv.disconnect().catch(() => undefined)));
    this.opened.length = 0;
    // after every Keyv on it: the last connection to close folds the WAL back into the file
    if (this.file?.open) this.file.close();
    if (this.redis?.isOpen) await this.redis.close().catch(() => undefined);
  }
}
