import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../app/logger.js';
import type { ConversationEvent, EventBus, Transcripts } from '../../bot/ports.js';
import type { ChatMessage } from '../../contracts/messages.js';
import { InProcessBus, RedisBus } from '../../integrations/stores/bus.js';
import { StateStore } from '../../integrations/stores/keyv.js';
import { createRedis } from '../../integrations/stores/redis.js';
import { REDIS_KEY_PREFIX, REDIS_URL, redisAvailable } from '../support/redis.js';

// One contract, every implementation: what the core may rely on from its storage ports, whichever
// store a deployment picks.
const logger = createLogger('silent');
const haveRedis = await redisAvailable();
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ra-stores-'));

const kinds: Array<{ name: string; open: () => Promise<StateStore>; skip?: boolean }> = [
  { name: 'SQLite', open: () => StateStore.open({ dataDir, logger }) },
  {
    name: 'Redis',
    skip: !haveRedis,
    open: () => StateStore.open({ dataDir, redisUrl: REDIS_URL, keyPrefix: REDIS_KEY_PREFIX, logger }),
  },
];

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe.each(kinds)('$name store', ({ open, skip }) => {
  let store: StateStore;
  beforeAll(async () => {
    if (!skip) store = await open();
    return async () => store?.close();
  });

  describe.skipIf(skip)('key-value records', () => {
    it('gives back what was set, and nothing once deleted', async () => {
      const kv = store.keyValue<{ a: number }>('contract-kv');
      await kv.set('one', { a: 1 });
      expect(await kv.get('one')).toEqual({ a: 1 });
      await kv.delete('one');
      expect(await kv.get('one')).toBeUndefined();
    });

    it('has nothing for a key never set', async () => {
      expect(await store.keyValue('contract-kv').get('never-set')).toBeUndefined();
    });

    it('forgets a record after its time to live', async () => {
      const kv = store.keyValue<string>('contract-ttl');
      await kv.set('short', 'x', 50);
      await kv.set('long', 'y', 60_000);
      await sleep(120);
      expect(await kv.get('short')).toBeUndefined();
      expect(await kv.get('long')).toBe('y');
    });

    it('refuses a time to live of zero instead of keeping the record forever', async () => {
      await expect(store.keyValue('contract-ttl').set('k', 'v', 0)).rejects.toThrow(RangeError);
    });

    it('keeps namespaces apart', async () => {
      await store.keyValue<string>('contract-ns-a').set('same', 'a');
      await store.keyValue<string>('contract-ns-b').set('same', 'b');
      expect(await store.keyValue('contract-ns-a').get('same')).toBe('a');
      expect(await store.keyValue('contract-ns-b').get('same')).toBe('b');
    });
  });

  describe.skipIf(skip)('counters', () => {
    it('count every one of many hits that arrive at once', async () => {
      const counters = store.counters('contract-counters');
      const key = `burst-${Date.now()}`;
      const counts = await Promise.all(Array.from({ length: 200 }, () => counters.hit(key, 60_000)));
      expect(await counters.get(key)).toBe(200);
      // each hit saw a count of its own: no two read the same old value
      expect(new Set(counts).size).toBe(200);
    });

    it('start again after the window, and after a reset', async () => {
      const counters = store.counters('contract-counters');
      const key = `window-${Date.now()}`;
      await counters.hit(key, 60);
      await counters.hit(key, 60);
      await sleep(150);
      expect(await counters.get(key)).toBe(0);
      expect(await counters.hit(key, 60_000)).toBe(1);
      await counters.reset(key);
      expect(await counters.get(key)).toBe(0);
    });

    it('is zero for a key never hit', async () => {
      expect(await store.counters('contract-counters').get('never-hit')).toBe(0);
    });
  });

  describe.skipIf(skip)('transcripts', () => {
    const at = '2026-12-04T10:00:00.000Z';
    const said = (id: number, text = `message ${id}`): ChatMessage => ({ id, at, from: 'user', text });
    /** What a store that keeps the messages of `write` in order gives back, written change by change. */
    const write = (
      t: Transcripts,
      key: string,
      messages: ChatMessage[],
      put: ChatMessage[],
      drop: number[] = [],
    ) => t.write(key, { messages, put, drop, ttlMs: 60_000 });

    it('gives back every message written, in order, after changes a turn at a time', async () => {
      const t = store.transcripts('contract-transcript');
      const all = Array.from({ length: 25 }, (_, i) => said(i + 1, `第${i + 1}句 "quoted" \n and a newline`));
      for (let n = 1; n <= 25; n += 2) await write(t, 'k1', all.slice(0, n + 1), all.slice(n - 1, n + 1));
      expect(await t.read('k1')).toEqual(all.slice(0, 26));
    });

    it('replaces a message written again under its id, and forgets the dropped ones', async () => {
      const t = store.transcripts('contract-transcript');
      const first = Array.from({ length: 14 }, (_, i) => said(i + 1));
      await write(t, 'k2', first, first);
      const marked: ChatMessage = { ...said(3), feedback: 'down' };
      const kept = [marked, ...first.slice(3)];
      await write(t, 'k2', kept, [marked], [1, 2]);
      expect(await t.read('k2')).toEqual(kept);
    });

    it('has nothing for a key never written, and keeps keys and namespaces apart', async () => {
      const t = store.transcripts('contract-transcript');
      await write(t, 'k3', [said(1, 'mine')], [said(1, 'mine')]);
      expect(await t.read('never-written')).toEqual([]);
      expect(await store.transcripts('contract-other').read('k3')).toEqual([]);
      expect(await t.read('k3')).toEqual([said(1, 'mine')]);
    });

    it('goes when its record goes: with the record’s time to live', async () => {
      const kv = store.keyValue<string>('contract-transcript-ttl');
      const t = store.transcripts('contract-transcript-ttl');
      await kv.set('short', 'state', 50);
      await t.write('short', { messages: [said(1)], put: [said(1)], drop: [], ttlMs: 50 });
      await kv.set('long', 'state', 60_000);
      await t.write('long', { messages: [said(1)], put: [said(1)], drop: [], ttlMs: 60_000 });
      await sleep(120);
      store.sweep(); // SQLite: expired records and their transcripts; Redis expires both itself
      expect(await t.read('short')).toEqual([]);
      expect(await t.read('long')).toEqual([said(1)]);
    });
  });

  describe.skipIf(skip)('lock', () => {
    it('runs tasks of one key one at a time, in order', async () => {
      const seen: string[] = [];
      let inside = 0;
      let most = 0;
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store.lock.run('contract-lock', async () => {
            inside++;
            most = Math.max(most, inside);
            await sleep(2);
            seen.push(String(i));
            inside--;
          }),
        ),
      );
      expect(most).toBe(1);
      expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => String(i)));
    });

    it('runs tasks of different keys side by side', async () => {
      let inside = 0;
      let most = 0;
      const task = async () => {
        inside++;
        most = Math.max(most, inside);
        await sleep(20);
        inside--;
      };
      await Promise.all([store.lock.run('contract-a', task), store.lock.run('contract-b', task)]);
      expect(most).toBe(2);
    });

    it('is free again after a task fails', async () => {
      await expect(
        store.lock.run('contract-fail', async () => {
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await store.lock.run('contract-fail', async () => 'next')).toBe('next');
    });
  });
});

describe.skipIf(!haveRedis)('Redis, across two instances', () => {
  it('one lock and one count for both', async () => {
    const a = await StateStore.open({ dataDir, redisUrl: REDIS_URL, keyPrefix: REDIS_KEY_PREFIX, logger });
    const b = await StateStore.open({ dataDir, redisUrl: REDIS_URL, keyPrefix: REDIS_KEY_PREFIX, logger });
    try {
      let inside = 0;
      let most = 0;
      const task = async () => {
        inside++;
        most = Math.max(most, inside);
        await sleep(5);
        inside--;
      };
      await Promise.all([0, 1, 2, 3].map((i) => (i % 2 ? a : b).lock.run('contract-shared', task)));
      expect(most).toBe(1);
      const key = `shared-${Date.now()}`;
      await Promise.all([a.counters('c').hit(key, 60_000), b.counters('c').hit(key, 60_000)]);
      expect(await a.counters('c').get(key)).toBe(2);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('another key prefix sees none of it', async () => {
    const a = await StateStore.open({ dataDir, redisUrl: REDIS_URL, keyPrefix: REDIS_KEY_PREFIX, logger });
    const other = await StateStore.open({
      dataDir,
      redisUrl: REDIS_URL,
      keyPrefix: `${REDIS_KEY_PREFIX}other:`,
      logger,
    });
    try {
      await a.keyValue<string>('contract-prefix').set('k', 'mine');
      expect(await other.keyValue('contract-prefix').get('k')).toBeUndefined();
    } finally {
      await a.close();
      await other.close();
    }
  });
});

const buses: Array<{
  name: string;
  make: () => Promise<{ pub: EventBus; sub: EventBus; close(): Promise<void> }>;
  skip?: boolean;
}> = [
  {
    name: 'in-process',
    make: async () => {
      const bus = new InProcessBus();
      return { pub: bus, sub: bus, close: () => bus.close() };
    },
  },
  {
    name: 'Redis pub/sub, two instances',
    skip: !haveRedis,
    make: async () => {
      const clients = [0, 1, 2, 3].map(() => createRedis(REDIS_URL, logger));
      await Promise.all(clients.map((c) => c.connect()));
      const [p1, s1, p2, s2] = clients as [
        ReturnType<typeof createRedis>,
        ReturnType<typeof createRedis>,
        ReturnType<typeof createRedis>,
        ReturnType<typeof createRedis>,
      ];
      const pub = new RedisBus(p1, s1, logger, REDIS_KEY_PREFIX);
      const sub = new RedisBus(p2, s2, logger, REDIS_KEY_PREFIX);
      return {
        pub,
        sub,
        async close() {
          await pub.close();
          await sub.close();
          await Promise.all([p1, p2].map((c) => c.close().catch(() => undefined)));
        },
      };
    },
  },
];

describe.each(buses)('event bus: $name', ({ make, skip }) => {
  it.skipIf(skip)('delivers to subscribers of the conversation only, until they unsubscribe', async () => {
    const { pub, sub, close } = await make();
    try {
      const got: ConversationEvent[] = [];
      const other: ConversationEvent[] = [];
      const stop = await sub.subscribe('c-1', (e) => got.push(e));
      await sub.subscribe('c-2', (e) => other.push(e));
      const message = { id: 1, at: new Date().toISOString(), from: 'bot' as const, text: 'hi' };
      await pub.publish({ conversationId: 'c-1', messages: [message] });
      await expect.poll(() => got.length).toBe(1);
      expect(got[0]?.messages[0]?.text).toBe('hi');
      await stop();
      await pub.publish({ conversationId: 'c-1', messages: [{ ...message, id: 2 }] });
      await sleep(50);
      expect(got).toHaveLength(1);
      expect(other).toHaveLength(0);
    } finally {
      await close();
    }
  });
});
