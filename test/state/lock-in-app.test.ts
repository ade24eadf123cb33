import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../app/logger.js';
import { createRedis, type Redis } from '../../integrations/stores/redis.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { REDIS_KEY_PREFIX, REDIS_URL, redisAvailable } from '../support/redis.js';
import { ChatUser } from '../support/transcript.js';

// The conversation lock as a user meets it: another instance holds the conversation (its lock key
// taken from outside, as that instance would), and this instance's turn waits for it. Held past the
// wait (10 s): a clear "please try again in a moment", nothing saved. Released: the waiting turn
// takes it and is answered (that the release notice, not a retry, wakes it: lock.test.ts).
const available = await redisAvailable();
const prefix = `${REDIS_KEY_PREFIX}lock-app-${Math.random().toString(36).slice(2)}:`;

describe.skipIf(!available)('a conversation another instance holds', () => {
  let t: TestApp;
  let redis: Redis;
  beforeAll(async () => {
    t = await startTestApp({ REDIS_URL, REDIS_KEY_PREFIX: prefix });
    redis = createRedis(REDIS_URL, createLogger('silent'));
    await redis.connect();
  }, 90_000);
  afterAll(async () => {
    await t?.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(keys);
    await redis.close();
  });

  const lockKey = (id: string) => `${prefix}lock:conversation:${id}`;

  it('held past the wait: 503 with "please try again in a moment", and the conversation as it was', async () => {
    const user = new ChatUser(t.server);
    expect((await user.says('退款还没到账')).said).toContain('怎么付款');
    const id = user.conversationId as string;
    const before = await t.app.store.load(id);
    await redis.set(lockKey(id), 'another-instance', { expiration: { type: 'PX', value: 60_000 } });
    const res = await t.server.inject({
      method: 'POST',
      url: '/api/chat',
      payload: { conversationId: id, text: '信用卡' },
    });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json()).toEqual({
      error: { code: 'UNAVAILABLE', message: '抱歉，我们这边出了点问题，请稍后再试一次。' },
    });
    expect(await t.app.store.load(id)).toEqual(before);
    await redis.del(lockKey(id));
  }, 60_000);

  it('released by its holder: the waiting turn then takes it and is answered, once', async () => {
    const user = new ChatUser(t.server);
    await user.says('退款还没到账');
    const id = user.conversationId as string;
    await redis.set(lockKey(id), 'another-instance', { expiration: { type: 'PX', value: 60_000 } });
    const waiting = user.says('信用卡');
    // the other instance finishes: deletes its lock and says so on the release channel
    await new Promise((r) => setTimeout(r, 300));
    await redis.del(lockKey(id));
    await redis.publish(`${lockKey(id)}:released`, '1');
    const answered = await waiting;
    expect(answered.status).toBe(200);
    expect(answered.said).toContain('退款是哪天办理的');
    const saved = (await t.app.store.load(id))?.messages ?? [];
    expect(saved.filter((m) => m.from === 'user' && m.text === '信用卡')).toHaveLength(1);
  }, 60_000);
});
