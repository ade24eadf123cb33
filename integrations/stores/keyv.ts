import { mkdirSync } from 'node:fs';
import path from 'node:path';
import KeyvRedis from '@keyv/redis';
import {
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  DisconnectsClientError,
  ReconnectStrategyError,
  SocketClosedUnexpectedlyError,
  SocketTimeoutError,
  TimeoutError,
} from '@redis/client';
import type BetterSqlite from 'better-sqlite3';
import Keyv from 'keyv';
import { KeyedMutex } from '../../bot/conversations/keyed-mutex.js';
import type { Counters, Held, KeyValue, Lock, Stores, Transcripts } from '../../bot/ports.js';
import { Unavailable } from '../../contracts/errors.js';
import type { Logger } from '../../contracts/logger.js';
import { type Checkpoints, checkpointInThread } from './checkpoints.js';
import { KeyvCounters, RedisCounters } from './counters.js';
import { deserializeRecord, serializeRecord } from './json-records.js';
import { createRedis, type Redis, redactUrl } from './redis.js';
import { RedisLock } from './redis-lock.js';
import { deleteExpired, openStateFile, SqliteKeyv } from './sqlite-keyv.js';
import {
  createTranscriptsTable,
  deleteOrphanTranscripts,
  RedisTranscripts,
  SqliteTranscripts,
} from './transcripts.js';

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
  /** Redis: how long a command may go unanswered before it fails (createRedis). */
  commandTimeoutMs?: number;
  /** SQLite: checkpoint the file from a thread of its own, not in a turn's commit (checkpoints.ts). */
  checkpointInThread?: boolean;
}

/**
 * The one place that picks the durable store: a SQLite file under DATA_DIR by default (nothing to
 * install), Redis when REDIS_URL is set (shared by every instance). Each namespace gets its own
 * Keyv behind the core's KeyValue port; `close()` closes them all. A store that cannot be reached
 * (Redis down or silent, the SQLite file busy past its timeout) throws Unavailable from every port:
 * a failed read never passes for "nothing stored", which would start the conversation afresh.
 */
export class StateStore implements Stores {
  private readonly opened: Keyv<unknown>[] = [];
  private readonly sweeper: NodeJS.Timeout | undefined;
  /** The SQLite file without REDIS_URL: one connection, shared by every namespace. */
  private readonly file: BetterSqlite.Database | undefined;
  private readonly checkpoints: Checkpoints | undefined;
  /** The one Redis connection: every namespace, the locks, the counters, publishing. */
  readonly redis: Redis | undefined;
  readonly lock: Lock;
  private readonly redisLock: RedisLock | undefined;

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
      this.redis = createRedis(options.redisUrl, options.logger, {
        ...(options.commandTimeoutMs && { commandTimeoutMs: options.commandTimeoutMs }),
      });
      this.redisLock = new RedisLock(this.redis, {
        prefix: `${this.prefix}lock:conversation:`,
        ...(options.commandTimeoutMs && { commandTimeoutMs: options.commandTimeoutMs }),
      });
      this.lock = guardedLock(this.redisLock);
    } else {
      this.lock = new KeyedMutex();
      mkdirSync(options.dataDir, { recursive: true });
      const file = path.join(options.dataDir, 'state.sqlite');
      try {
        this.file = openStateFile(file);
      } catch (err) {
        throw new Error(`Cannot open the state file ${file}: ${(err as Error).message}`);
      }
      createTranscriptsTable(this.file);
      if (options.checkpointInThread)
        this.checkpoints = checkpointInThread(this.file, { file, logger: options.logger });
      // Keyv drops an expired row only when it reads it again; sweep the others now and then.
      this.sweeper = setInterval(() => this.sweep(), options.sweepEveryMs ?? 10 * 60_000);
      this.sweeper.unref();
    }
  }

  /** A call to the store: Unavailable when it cannot be reached, or (Redis) does not answer in time. */
  private guarded<T>(call: () => Promise<T>): Promise<T> {
    return guarded(call, this.redis ? (this.options.commandTimeoutMs ?? 2000) : undefined);
  }

  /** What every Redis key and channel of this deployment starts with. */
  get prefix(): string {
    return this.options.keyPrefix ?? '';
  }

  keyValue<T>(namespace: string): KeyValue<T> {
    const keyv = this.namespace<T>(namespace);
    return {
      get: (key) => this.guarded(() => keyv.get(key) as Promise<T | undefined>),
      set: async (key, value, ttlMs) => {
        // keyv reads a TTL of 0 as "forever": a caller meaning "do not keep" must not get that
        if (ttlMs !== undefined && !(ttlMs > 0)) throw new RangeError(`a TTL must be positive, not ${ttlMs}`);
        await this.guarded(() => keyv.set(key, value, ttlMs));
      },
      delete: async (key) => {
        await this.guarded(() => keyv.delete(key));
      },
    };
  }

  counters(namespace: string): Counters {
    const counters = this.redis
      ? new RedisCounters(this.redis, `${this.prefix}${namespace}:`)
      : new KeyvCounters(this.namespace(namespace));
    return {
      hit: (key, windowMs) => this.guarded(() => counters.hit(key, windowMs)),
      get: (key) => this.guarded(() => counters.get(key)),
      undo: (key) => this.guarded(() => counters.undo(key)),
      reset: (key) => this.guarded(() => counters.reset(key)),
    };
  }

  transcripts(namespace: string): Transcripts {
    const name = `${this.prefix}${namespace}`;
    const transcripts = this.file
      ? new SqliteTranscripts(this.file, name)
      : new RedisTranscripts(this.redis as Redis, `${this.prefix}transcript:${namespace}:`);
    return {
      write: (key, change) => this.guarded(() => transcripts.write(key, change)),
      read: (key) => this.guarded(() => transcripts.read(key)),
    };
  }

  /** For /readyz: the store answers (Redis PING, or a statement on the SQLite file). */
  async ping(): Promise<void> {
    const { redis, file } = this;
    if (redis) await this.guarded(() => redis.ping());
    else if (file) await this.guarded(async () => file.prepare('SELECT 1').get());
  }

  private namespace<T>(name: string): Keyv<T> {
    const namespace = `${this.prefix}${name}`;
    const { logger } = this.options;
    let keyv: Keyv<T>;
    const json = { serialize: serializeRecord, deserialize: deserializeRecord } as const;
    if (this.file) {
      keyv = new Keyv<T>({ store: new SqliteKeyv(this.file), namespace, throwOnErrors: true, ...json });
    } else {
      // the one tuned connection (createRedis), shared: not a connection per namespace with the
      // client's defaults, whose offline queue held every command until Redis came back
      const store = new KeyvRedis(this.redis as never, { throwOnConnectError: true, throwOnErrors: true });
      keyv = new Keyv<T>({ store, namespace, useKeyPrefix: false, throwOnErrors: true, ...json });
    }
    // Without a listener a store failure would be an uncaught 'error' event and take the process down.
    // A failed command reaches its caller (and its log line) anyway; the Redis connection says when
    // it is lost and when it is back, which every namespace would otherwise repeat.
    keyv.on('error', (err: unknown) =>
      this.redis
        ? logger.debug({ err, namespace }, 'state store error')
        : logger.error({ err, namespace }, 'state store error'),
    );
    this.opened.push(keyv as Keyv<unknown>);
    return keyv;
  }

  /** Deletes expired rows and says how many (SQLite only; Redis expires keys itself). */
  sweep(now = Date.now()): number {
    if (!this.file?.open) return 0;
    try {
      return deleteExpired(this.file, now) + deleteOrphanTranscripts(this.file);
    } catch (err) {
      this.options.logger.warn({ err }, 'could not sweep expired state');
      return 0;
    }
  }

  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    await Promise.all(this.opened.map((keyv) => keyv.disconnect().catch(() => undefined)));
    this.opened.length = 0;
    await this.checkpoints?.stop();
    // after every Keyv on it: the last connection to close folds the WAL back into the file
    if (this.file?.open) this.file.close();
    await this.redisLock?.close();
    if (this.redis?.isOpen) await this.redis.close().catch(() => undefined);
  }
}

/**
 * A store call whose failure to reach the store becomes Unavailable. An error Redis itself replied
 * with (a script's, a wrong type) is a fault of ours and passes as it is; so does a SQLite error
 * other than a busy or locked file.
 */
async function guarded<T>(call: () => Promise<T>, deadlineMs?: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    if (deadlineMs === undefined) return await call();
    // a command already sent waits for its answer as long as the connection lives; the caller not
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutError(`no answer within ${deadlineMs} ms`)), deadlineMs);
    });
    return await Promise.race([call(), late]);
  } catch (err) {
    if (err instanceof Unavailable || !unreachable(err)) throw err;
    throw new Unavailable('state', { cause: err });
  } finally {
    clearTimeout(timer);
  }
}

function unreachable(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && code.startsWith('SQLITE_'))
    return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
  // node-redis: the connection's trouble (offline, timed out, closed, a full command queue), not
  // the server's answer (an ErrorReply) nor anything of ours (a bad value, a bug)
  if (err instanceof Error && err.message === 'The queue is full') return true;
  return REDIS_CONNECTION_ERRORS.some((kind) => err instanceof kind);
}

const REDIS_CONNECTION_ERRORS = [
  ClientOfflineError,
  ClientClosedError,
  TimeoutError,
  ConnectionTimeoutError,
  SocketTimeoutError,
  SocketClosedUnexpectedlyError,
  DisconnectsClientError,
  ReconnectStrategyError,
];

/**
 * Only the lock's own Redis calls are guarded: whatever the task throws passes untouched, and so
 * does a conversation that stayed locked (LockTimeout: Redis answered, someone held it).
 */
function guardedLock(lock: Lock): Lock {
  return {
    run: async <T>(key: string, task: (held: Held) => Promise<T>): Promise<T> => {
      let started = false;
      try {
        return await lock.run(key, (held) => {
          started = true;
          return task(held);
        });
      } catch (err) {
        if (started || !unreachable(err)) throw err;
        throw new Unavailable('state', { cause: err });
      }
    },
  };
}
