import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { KeyedMutex } from '../../bot/conversations/keyed-mutex.js';
import type { Lock } from '../../bot/ports.js';
import type { Redis } from './redis.js';

export class LockTimeout extends Error {
  override name = 'LockTimeout';
}

// Deletes the lock only if it is still ours: a task that outlived its lease must not free
// someone else's.
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * Across instances sharing Redis: SET key token NX PX lease. Two widgets of the same conversation
 * talking to two instances take turns instead of overwriting each other's state. Inside one
 * process the in-memory mutex queues first, so Redis sees one waiter per process.
 */
export class RedisLock implements Lock {
  private readonly local = new KeyedMutex();

  constructor(
    private readonly client: Redis,
    private readonly options: { leaseMs?: number; waitMs?: number; prefix?: string } = {},
  ) {}

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    return this.local.run(key, async () => {
      const name = `${this.options.prefix ?? 'lock:conversation:'}${key}`;
      const token = randomUUID();
      const lease = this.options.leaseMs ?? 10_000;
      const deadline = Date.now() + (this.options.waitMs ?? 10_000);
      for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
        const ok = await this.client.set(name, token, {
          condition: 'NX',
          expiration: { type: 'PX', value: lease },
        });
        if (ok === 'OK') break;
        if (Date.now() > deadline) throw new LockTimeout(`conversation ${key} stayed locked`);
        await sleep(delay);
      }
      try {
        return await task();
      } finally {
        await this.client.eval(RELEASE, { keys: [name], arguments: [token] }).catch(() => undefined);
      }
    });
  }
}
