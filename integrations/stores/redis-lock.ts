import { randomUUID } from 'node:crypto';
import { TimeoutError } from '@redis/client';
import { KeyedMutex } from '../../bot/conversations/keyed-mutex.js';
import type { Held, Lock } from '../../bot/ports.js';
import { Unavailable } from '../../contracts/errors.js';
import type { Redis } from './redis.js';

/**
 * The conversation stayed locked by another instance for the whole wait. An Unavailable (of the
 * state): nothing of the turn was done, and the user is asked to try again in a moment.
 */
export class LockTimeout extends Unavailable {
  override name = 'LockTimeout';
  constructor(key: string, waitedMs: number) {
    super('state');
    this.message = `conversation ${key} stayed locked for ${waitedMs} ms`;
  }
}

/**
 * The task's lease ran out and it could not be renewed (another instance may hold the lock now):
 * what the task would have written is refused, so a stale writer never overwrites newer state.
 */
export class LockLost extends Unavailable {
  override name = 'LockLost';
  constructor(key: string, options?: { cause?: unknown }) {
    super('state', options);
    this.message = options?.cause
      ? `the lock of conversation ${key} could not be confirmed before the write`
      : `the lock of conversation ${key} was lost before the write`;
  }
}

// SET NX PX, or how long the holder's lease has left: the waiter's fallback wake-up is then the
// moment a holder that died (and so never announces its release) loses the lock.
const ACQUIRE = `if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return -1 end
return redis.call('pttl', KEYS[1])`;
// Compare-and-extend: only our own lease is renewed.
const EXTEND = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
return 0`;
// Compare-and-delete (a task that lost its lease must not free someone else's), then wakes the
// waiters of every instance at once.
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then
  redis.call('del', KEYS[1])
  redis.call('publish', ARGV[2], '1')
  return 1
end
return 0`;

type Attempt = { taken: true; sentAt: number } | { taken: false; left: number };

/** Without the release channel (its connection could not be had): how often a waiter tries again. */
const POLL_MS = 50;

export interface RedisLockOptions {
  /** How long the lock lasts without renewal (a holder that died frees it after this). 10 s. */
  leaseMs?: number;
  /** How long a task waits for the lock before LockTimeout. 10 s. */
  waitMs?: number;
  prefix?: string;
  /**
   * The longest any one of the lock's Redis calls may go unanswered (a hung Redis): the call then
   * fails with node-redis's TimeoutError, which the store turns into Unavailable. 2 s.
   */
  commandTimeoutMs?: number;
  /**
   * A waiter is woken by the holder's release notice; should that notice be lost (the subscriber
   * connection was down), it tries again after at most this long anyway. 1 s.
   */
  fallbackMs?: number;
}

/**
 * Across instances sharing Redis. Two widgets of the same conversation talking to two instances
 * take turns instead of overwriting each other's state. Inside one process the in-memory mutex
 * queues first, so Redis sees one waiter per process.
 *
 * - Taking it: SET key token NX PX lease. Held by someone else: the waiter subscribes to the key's
 *   release channel and tries again as soon as the holder's release is published (within a round
 *   trip, no backoff sleep), or once the holder's lease runs out, or after `fallbackMs`.
 * - Holding it: the lease is extended every lease/3 (compare-and-extend) for as long as the task
 *   runs, however long that is. `held.confirm()` before a write: checks locally that the lease is
 *   good for at least another half lease, or asks Redis (compare-and-extend); a lock that was lost
 *   throws LockLost, so the stale writer is refused.
 * - Every Redis call is bounded by `commandTimeoutMs`: a hung Redis fails the turn within it.
 *
 * Why not `@sesamecare-oss/redlock` (the maintained Redlock, with `using` and auto-extension): it
 * is written for ioredis (peer dependency `ioredis >=5`; its scripts are registered with ioredis's
 * `defineCommand` and called as `client.acquireLock(...)`), not our `@redis/client` v5, so it would
 * need a second Redis client and connection beside the tuned one (createRedis); and its waiting is
 * polling — `retryCount` × `retryDelay` (200 ms ± jitter by default) — the very thing replaced here.
 */
export class RedisLock implements Lock {
  private readonly local = new KeyedMutex();
  private readonly leaseMs: number;
  private readonly waitMs: number;
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private readonly fallbackMs: number;
  /** The connection waiters hear releases on (a subscribed connection does nothing else), opened on first need. */
  private subscriber: Promise<Redis | undefined> | undefined;
  private closed = false;

  constructor(
    private readonly client: Redis,
    options: RedisLockOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? 10_000;
    this.waitMs = options.waitMs ?? 10_000;
    this.prefix = options.prefix ?? 'lock:conversation:';
    this.timeoutMs = options.commandTimeoutMs ?? 2000;
    this.fallbackMs = options.fallbackMs ?? 1000;
  }

  run<T>(key: string, task: (held: Held) => Promise<T>): Promise<T> {
    return this.local.run(key, async () => {
      const name = `${this.prefix}${key}`;
      const token = randomUUID();
      const lease = await this.acquire(key, name, token);
      try {
        return await task(lease.held);
      } finally {
        lease.stop();
        // not awaited: the next command on this connection (the next turn's SET NX, say) is sent
        // after it and Redis answers in order, so nobody here can see the lock still taken
        this.release(name, token);
      }
    });
  }

  /** Stops listening for releases. */
  async close(): Promise<void> {
    this.closed = true;
    const subscriber = await this.subscriber?.catch(() => undefined);
    this.subscriber = undefined;
    if (!subscriber?.isOpen) return;
    // a subscriber has nothing of ours to finish: one that is not answering is simply cut
    if (subscriber.isReady) await this.bounded(subscriber.close()).catch(() => subscriber.destroy());
    else subscriber.destroy();
  }

  /** SET NX: taken (and when the SET was sent: the lease runs from then), or the holder's lease left in ms. */
  private async attempt(name: string, token: string): Promise<Attempt> {
    const sentAt = Date.now();
    let left: number;
    try {
      left = Number(
        await this.bounded(
          this.client.eval(ACQUIRE, { keys: [name], arguments: [token, String(this.leaseMs)] }),
        ),
      );
    } catch (err) {
      // a SET that Redis carries out after all, later, must not hold the lock for a whole lease
      if (err instanceof TimeoutError) this.release(name, token);
      throw err;
    }
    return left === -1 ? { taken: true, sentAt } : { taken: false, left };
  }

  /** Sent, not waited for: nobody needs its answer (a lease nobody frees runs out by itself). */
  private release(name: string, token: string): void {
    this.client
      .eval(RELEASE, { keys: [name], arguments: [token, `${name}:released`] })
      .catch(() => undefined);
  }

  private async acquire(key: string, name: string, token: string) {
    const first = await this.attempt(name, token);
    const taken = first.taken ? first : await this.wait(key, name, token, first.left);
    return this.hold(key, name, token, taken.sentAt);
  }

  /** Waits for the lock, until it is taken or the wait is over (LockTimeout). */
  private async wait(
    key: string,
    name: string,
    token: string,
    holderLeft: number,
  ): Promise<Attempt & { taken: true }> {
    const started = Date.now();
    const deadline = started + this.waitMs;
    const channel = `${name}:released`;
    let released = false;
    let wake: (() => void) | undefined;
    const listener = () => {
      released = true;
      wake?.();
    };
    const subscriber = await this.subscribe(channel, listener);
    try {
      // subscribed now: a release from here on is heard; one before it is found by trying again
      let attempt: Attempt = subscriber
        ? await this.attempt(name, token)
        : { taken: false, left: holderLeft };
      for (;;) {
        if (attempt.taken) return attempt;
        const remaining = deadline - Date.now();
        if (remaining <= 0) throw new LockTimeout(key, Date.now() - started);
        if (!released) {
          // heard nothing: wake when the holder's lease would run out, or after the fallback
          const fallback = subscriber ? this.fallbackMs : POLL_MS;
          const ms = Math.min(remaining, fallback, attempt.left >= 0 ? attempt.left + 1 : fallback);
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, ms);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          wake = undefined;
        }
        released = false;
        attempt = await this.attempt(name, token);
      }
    } finally {
      if (subscriber) this.bounded(subscriber.unsubscribe(channel, listener)).catch(() => undefined);
    }
  }

  /** Listens to `channel` on the subscriber connection; undefined if that connection cannot be had (the waiter polls). */
  private async subscribe(channel: string, listener: () => void): Promise<Redis | undefined> {
    if (this.closed) return undefined;
    this.subscriber ??= (async () => {
      const subscriber = this.client.duplicate();
      // the state connection already says when Redis is lost and when it is back
      subscriber.on('error', () => undefined);
      try {
        await this.bounded(subscriber.connect());
        return subscriber as Redis;
      } catch {
        subscriber.destroy();
        return undefined;
      }
    })();
    const subscriber = await this.subscriber;
    if (!subscriber) {
      this.subscriber = undefined; // try again on the next wait
      return undefined;
    }
    try {
      await this.bounded(subscriber.subscribe(channel, listener));
      return subscriber;
    } catch {
      return undefined;
    }
  }

  /** The lease, renewed every lease/3 until stopped, and the Held the task is given. */
  private hold(key: string, name: string, token: string, sentAt: number) {
    // made only if the task asks for its signal: most never do
    let controller: AbortController | undefined;
    let validUntil = sentAt + this.leaseMs;
    let lost: LockLost | undefined;
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    /** Compare-and-extend: true extended, false the lock is not ours any more. */
    const extend = async (): Promise<boolean> => {
      const sent = Date.now();
      const ok = Number(
        await this.bounded(
          this.client.eval(EXTEND, { keys: [name], arguments: [token, String(this.leaseMs)] }),
        ),
      );
      if (ok === 1) {
        validUntil = Math.max(validUntil, sent + this.leaseMs);
        return true;
      }
      if (!lost) {
        lost = new LockLost(key);
        controller?.abort(lost);
      }
      return false;
    };
    const renew = () => {
      timer = setTimeout(async () => {
        // an unanswered renewal is tried again at the next tick; confirm() asks itself when the lease runs short
        const ok = await extend().catch(() => true);
        if (ok && !stopped) renew();
      }, this.leaseMs / 3);
      timer.unref();
    };
    renew();
    const held: Held = {
      get signal() {
        controller ??= new AbortController();
        if (lost && !controller.signal.aborted) controller.abort(lost);
        return controller.signal;
      },
      confirm: async () => {
        if (lost) throw lost;
        // good for at least another half lease: nobody else can take it before the write is done
        if (Date.now() < validUntil - this.leaseMs / 2) return;
        let ok: boolean;
        try {
          ok = await extend();
        } catch (err) {
          throw new LockLost(key, { cause: err });
        }
        if (!ok) throw lost ?? new LockLost(key);
      },
    };
    return {
      held,
      stop: () => {
        stopped = true;
        clearTimeout(timer);
      },
    };
  }

  /** A lock call answered within the command timeout, or TimeoutError (the call is left to finish). */
  private bounded<T>(call: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutError()), this.timeoutMs);
    });
    return Promise.race([call, late]).finally(() => clearTimeout(timer));
  }
}
