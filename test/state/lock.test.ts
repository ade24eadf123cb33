import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { TimeoutError } from '@redis/client';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../app/logger.js';
import type { Held } from '../../bot/ports.js';
import { asApiError, Unavailable } from '../../contracts/errors.js';
import { createRedis, type Redis } from '../../integrations/stores/redis.js';
import {
  LockLost,
  LockTimeout,
  RedisLock,
  type RedisLockOptions,
} from '../../integrations/stores/redis-lock.js';
import { REDIS_KEY_PREFIX, REDIS_URL, redisAvailable } from '../support/redis.js';

// The conversation lock across instances: two RedisLocks on two connections stand for two app
// instances. Nothing here asserts how long something took: a wait that must end by a release
// notice (not a retry) is given a fallback and a lease longer than the test's own timeout.

const logger = createLogger('silent');
const haveRedis = await redisAvailable();
const PREFIX = `${REDIS_KEY_PREFIX}lock-test-${Math.random().toString(36).slice(2)}:`;
const NEVER = 120_000;

/**
 * A TCP forwarder that can stop passing bytes, both ways, without closing anything: Redis as seen
 * by a client when it hangs (connected, silent). Bytes sent meanwhile are delivered on resume.
 */
class PausableProxy {
  private paused = false;
  private readonly held: Array<() => void> = [];
  private readonly sockets = new Set<net.Socket>();
  private constructor(private readonly server: net.Server) {}

  static async start(target: { host: string; port: number }): Promise<PausableProxy> {
    let proxy: PausableProxy | undefined;
    const server = net.createServer((client) => proxy?.pipe(client, target));
    proxy = new PausableProxy(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `redis://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    for (const send of this.held.splice(0)) send();
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private pipe(client: net.Socket, target: { host: string; port: number }): void {
    const upstream = net.connect(target);
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('error', () => undefined).on('close', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    const forward = (to: net.Socket) => (data: Buffer) => {
      const send = () => to.writable && to.write(data);
      if (this.paused) this.held.push(send);
      else send();
    };
    client.on('data', forward(upstream));
    upstream.on('data', forward(client));
  }
}

describe.skipIf(!haveRedis)('the conversation lock across instances (Redis)', () => {
  const open: Redis[] = [];
  const locks: RedisLock[] = [];
  const redisUrl = new URL(REDIS_URL);
  const target = { host: redisUrl.hostname, port: Number(redisUrl.port || 6379) };

  async function instance(options: RedisLockOptions = {}, url = REDIS_URL) {
    const client = createRedis(url, logger, { commandTimeoutMs: options.commandTimeoutMs ?? 2000 });
    await client.connect();
    open.push(client);
    const lock = new RedisLock(client, { prefix: PREFIX, ...options });
    locks.push(lock);
    return { client, lock };
  }

  afterEach(async () => {
    for (const lock of locks.splice(0)) await lock.close();
    // some went through a proxy that is gone: cut, not closed
    for (const client of open.splice(0)) if (client.isOpen) client.destroy();
  });

  afterAll(async () => {
    const client = createRedis(REDIS_URL, logger);
    await client.connect();
    const keys = await client.keys(`${PREFIX}*`);
    if (keys.length) await client.del(keys);
    await client.close();
  });

  it('a task three times longer than the lease keeps the lock: the other instance waits, never inside with it', async () => {
    const lease = 300;
    const a = await instance({ leaseMs: lease, waitMs: 30_000 });
    const b = await instance({ leaseMs: lease, waitMs: 30_000 });
    let inside = 0;
    let most = 0;
    const order: string[] = [];
    const task = (who: string, ms: number) => async (held: Held) => {
      inside++;
      most = Math.max(most, inside);
      order.push(`${who} in`);
      await sleep(ms);
      await held.confirm(); // the write at the end of a long turn: still ours
      order.push(`${who} out`);
      inside--;
      return who;
    };
    const first = a.lock.run('long', task('a', 3 * lease + 200));
    await sleep(50); // a has it
    const second = b.lock.run('long', task('b', 10));
    expect(await Promise.all([first, second])).toEqual(['a', 'b']);
    expect(most).toBe(1);
    expect(order).toEqual(['a in', 'a out', 'b in', 'b out']);
  }, 60_000);

  it('a release wakes the waiting instance: no retry, no lease running out', async () => {
    // the waiter's fallback and the lease are both longer than this test may take: only the
    // release notice can let it in
    const a = await instance({ leaseMs: NEVER, fallbackMs: NEVER, waitMs: NEVER });
    const b = await instance({ leaseMs: NEVER, fallbackMs: NEVER, waitMs: NEVER });
    const order: string[] = [];
    let letGo: () => void = () => undefined;
    const holding = new Promise<void>((resolve) => {
      letGo = resolve;
    });
    const first = a.lock.run('wake', async () => {
      order.push('a in');
      await holding;
      order.push('a out');
    });
    await sleep(50);
    const second = b.lock.run('wake', async () => {
      order.push('b in');
    });
    await sleep(200); // b is waiting (subscribed) by now; were it not, its first try would find the lock free anyway
    expect(order).toEqual(['a in']);
    letGo();
    await Promise.all([first, second]);
    expect(order).toEqual(['a in', 'a out', 'b in']);
  }, 60_000);

  it('waiters of one instance queue in process: one Redis waiter, each task in turn', async () => {
    const a = await instance({ leaseMs: 5000, waitMs: 30_000 });
    const b = await instance({ leaseMs: 5000, waitMs: 30_000 });
    let inside = 0;
    let most = 0;
    let count = 0;
    const task = async () => {
      inside++;
      most = Math.max(most, inside);
      await sleep(5);
      count++;
      inside--;
    };
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).lock.run('many', task)));
    expect(most).toBe(1);
    expect(count).toBe(40);
  }, 60_000);

  it("a killed holder's lease runs out and the waiter gets the lock (no release notice ever comes)", async () => {
    const lease = 400;
    const a = await instance({ leaseMs: lease });
    // b's fallback is longer than the test: what lets it in is the holder's lease running out
    const b = await instance({ leaseMs: lease, fallbackMs: NEVER, waitMs: NEVER });
    let started: () => void = () => undefined;
    const inside = new Promise<void>((resolve) => {
      started = resolve;
    });
    const dead = a.lock.run('killed', async () => {
      started();
      await new Promise(() => undefined); // never ends: the process is gone
    });
    void dead.catch(() => undefined);
    await inside;
    a.client.destroy(); // killed: no renewal, no release
    expect(await b.lock.run('killed', async () => 'b has it')).toBe('b has it');
  }, 60_000);

  it('a holder whose Redis hung past its lease loses the lock, and its write is refused (fencing)', async () => {
    const lease = 400;
    const proxy = await PausableProxy.start(target);
    try {
      const a = await instance({ leaseMs: lease, commandTimeoutMs: 200 }, proxy.url);
      const b = await instance({ leaseMs: lease, waitMs: 30_000 });
      let write: Promise<void> | undefined;
      let holding: () => void = () => undefined;
      const taken = new Promise<void>((resolve) => {
        holding = resolve;
      });
      let resume: () => void = () => undefined;
      const goOn = new Promise<void>((resolve) => {
        resume = resolve;
      });
      let staleHeld: Held | undefined;
      const stale = a.lock.run('fenced', async (held) => {
        staleHeld = held;
        holding();
        await goOn;
        write = held.confirm();
        await write;
        return 'a wrote';
      });
      await taken;
      proxy.pause(); // a's renewals go unanswered; its lease runs out
      const order: string[] = [];
      await b.lock.run('fenced', async () => {
        order.push('b in');
      });
      proxy.resume();
      resume();
      await expect(stale).rejects.toBeInstanceOf(LockLost);
      expect(order).toEqual(['b in']);
      expect(staleHeld?.signal.aborted).toBe(true);
    } finally {
      await proxy.close();
    }
  }, 60_000);

  it('a hung Redis fails the acquisition within the command bound (TimeoutError), not after the wait or the socket timeout', async () => {
    const proxy = await PausableProxy.start(target);
    try {
      // the wait and the lease are far longer than the test: only the command bound can end it
      const a = await instance({ commandTimeoutMs: 300, waitMs: NEVER, leaseMs: NEVER }, proxy.url);
      proxy.pause();
      const outcome = await a.lock.run('hung', async () => 'ran').catch((err: unknown) => err);
      expect(outcome).toBeInstanceOf(TimeoutError);
      proxy.resume();
    } finally {
      await proxy.close();
    }
  }, 60_000);

  it('a lock held past the wait ends in LockTimeout: the turn is Unavailable, "please try again in a moment"', async () => {
    const a = await instance({ leaseMs: 5000 });
    const b = await instance({ leaseMs: 5000, waitMs: 300, fallbackMs: 100 });
    let letGo: () => void = () => undefined;
    const holding = new Promise<void>((resolve) => {
      letGo = resolve;
    });
    const first = a.lock.run('held-long', () => holding);
    await sleep(50);
    const err = await b.lock.run('held-long', async () => 'ran').catch((e: unknown) => e);
    letGo();
    await first;
    expect(err).toBeInstanceOf(LockTimeout);
    expect(err).toBeInstanceOf(Unavailable);
    // what the HTTP boundary makes of it: 503 UNAVAILABLE with retry-after, not a 500
    expect(asApiError(err).status).toBe(503);
    expect(asApiError(err).code).toBe('UNAVAILABLE');
  }, 60_000);
});
