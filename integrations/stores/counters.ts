import type Keyv from 'keyv';
import { KeyedMutex } from '../../bot/conversations/keyed-mutex.js';
import type { Counters } from '../../bot/ports.js';
import type { Redis } from './redis.js';

// INCR and the window's expiry in one step: two guesses arriving together both count, and the
// window starts with the first of them, not with the last.
const HIT = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

/** Shared by every instance: atomic in Redis itself. */
export class RedisCounters implements Counters {
  constructor(
    private readonly client: Redis,
    private readonly prefix: string,
  ) {}

  async hit(key: string, windowMs: number): Promise<number> {
    const n = await this.client.eval(HIT, { keys: [this.prefix + key], arguments: [String(windowMs)] });
    return Number(n);
  }

  async get(key: string): Promise<number> {
    return Number((await this.client.get(this.prefix + key)) ?? 0);
  }

  async reset(key: string): Promise<void> {
    await this.client.del(this.prefix + key);
  }
}

/**
 * The embedded store serves one instance (a SQLite file in its own DATA_DIR), so a mutex around
 * the read and the write makes the count exact; the record keeps its window's end.
 */
export class KeyvCounters implements Counters {
  private readonly mutex = new KeyedMutex();

  constructor(private readonly keyv: Keyv<{ n: number; until: number }>) {}

  hit(key: string, windowMs: number): Promise<number> {
    return this.mutex.run(key, async () => {
      const now = Date.now();
      const current = await this.keyv.get(key);
      const live = current && current.until > now ? current : { n: 0, until: now + windowMs };
      const next = { n: live.n + 1, until: live.until };
      await this.keyv.set(key, next, Math.max(1, next.until - now));
      return next.n;
    });
  }

  async get(key: string): Promise<number> {
    const current = await this.keyv.get(key);
    return current && current.until > Date.now() ? current.n : 0;
  }

  async reset(key: string): Promise<void> {
    await this.mutex.run(key, async () => {
      await this.keyv.delete(key);
    });
  }
}
