import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../contracts/messages.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { REDIS_KEY_PREFIX, REDIS_URL, redisAvailable } from '../support/redis.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { ChatUser } from '../support/transcript.js';
import { widgetSocket } from '../support/widget-socket.js';

// The app talks to Redis through a forwarder the test takes down (every connection cut, the port
// closed, as a stopped Redis) and brings back on the same port.
const available = await redisAvailable();

describe.skipIf(!available)('Redis going away and coming back', () => {
  let redis: TcpProxy;
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    const { hostname, port } = new URL(REDIS_URL);
    redis = await TcpProxy.start({ host: hostname, port: Number(port || 6379) });
    t = await startTestApp({
      REDIS_URL: `redis://127.0.0.1:${redis.port}`,
      REDIS_KEY_PREFIX: `${REDIS_KEY_PREFIX}outage:`,
    });
    base = await t.server.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await redis?.up();
    await t?.close();
    await redis?.down();
  });
  // every test starts with Redis there and the app connected to it again
  afterEach(async () => {
    await redis.up();
    await backToReady();
  });

  const readyz = async () => {
    const res = await t.server.inject({ method: 'GET', url: '/readyz' });
    return {
      status: res.statusCode,
      body: res.json() as { status: string; checks?: Record<string, string> },
    };
  };
  const backToReady = () =>
    expect.poll(async () => (await readyz()).status, { timeout: 10_000, interval: 50 }).toBe(200);

  it('/readyz: every check ok while Redis answers; 503 naming the state and the bus while it is down; ready again by itself', async () => {
    expect(await readyz()).toEqual({
      status: 200,
      body: { status: 'ready', checks: { state: 'ok', database: 'ok', bus: 'ok' } },
    });
    await redis.down();
    // each connection notices the cut as its socket reports it: both within moments
    await expect.poll(readyz, { timeout: 3000, interval: 20 }).toEqual({
      status: 503,
      body: { status: 'not ready', checks: { state: 'down', database: 'ok', bus: 'down' } },
    });
    // alive all along: an outage of Redis is not a reason to restart the instance
    expect((await t.server.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    await redis.up();
    await backToReady();
  });

  it('a chat turn while Redis is down: a clear 503 within 3 s, in the user’s language, nothing saved; the same message once it is back carries the flow on', async () => {
    const user = new ChatUser(t.server);
    const asked = await user.says('退款还没到账');
    expect(asked.said).toContain('怎么付款');
    const id = user.conversationId as string;
    const before = await t.app.store.load(id);

    await redis.down();
    const started = performance.now();
    const res = await t.server.inject({
      method: 'POST',
      url: '/api/chat',
      payload: { conversationId: id, text: '信用卡' },
    });
    const took = performance.now() - started;
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json()).toEqual({
      error: { code: 'UNAVAILABLE', message: '抱歉，我们这边出了点问题，请稍后再试一次。' },
    });
    expect(took).toBeLessThan(3000);
    // a new conversation fails as clearly (no lock to take: the first read is what fails)
    const fresh = await t.server.inject({
      method: 'POST',
      url: '/api/chat',
      payload: { text: 'my refund?', locale: 'en' },
    });
    expect(fresh.statusCode).toBe(503);
    expect(fresh.json().error.message).toBe(
      'Sorry, something went wrong on our side. Please try again in a moment.',
    );

    await redis.up();
    await backToReady();
    // the conversation is exactly as it was before the failed turn
    expect(await t.app.store.load(id)).toEqual(before);
    const carried = await user.says('信用卡');
    expect(carried.status).toBe(200);
    expect(user.conversationId).toBe(id);
    expect(carried.said).toContain('退款是哪天办理的');
  });

  it('over the WebSocket: that message gets an UNAVAILABLE error frame with its clientId within 3 s; sent again once Redis is back, it is answered once', async () => {
    const socket = await widgetSocket(`${base.replace('http', 'ws')}/api/ws`);
    socket.send({ type: 'hello', locale: 'zh' });
    await socket.until((f) => f.type === 'welcome');
    socket.send({ type: 'message', clientId: 'c1', text: '退款还没到账' });
    const { conversationId } = await socket.until((f) => f.type === 'ack' && f.clientId === 'c1');

    await redis.down();
    const started = performance.now();
    socket.send({ type: 'message', clientId: 'c2', text: '信用卡' });
    const refused = await socket.until((f) => f.type === 'error' && f.clientId === 'c2', 3000);
    expect(performance.now() - started).toBeLessThan(3000);
    expect(refused).toEqual({
      type: 'error',
      code: 'UNAVAILABLE',
      message: '抱歉，我们这边出了点问题，请稍后再试一次。',
      clientId: 'c2',
    });

    await redis.up();
    await backToReady();
    socket.send({ type: 'message', clientId: 'c2', text: '信用卡' });
    const ack = await socket.until((f) => f.type === 'ack' && f.clientId === 'c2');
    expect(ack.conversationId).toBe(conversationId);
    const answer = await socket.message((m) => m.from === 'bot' && m.id > Number(ack.id));
    expect(JSON.stringify(answer.replies)).toContain('退款是哪天办理的');
    const saved = (await t.app.store.load(conversationId as string))?.messages ?? [];
    expect(saved.filter((m: ChatMessage) => m.from === 'user' && m.text === '信用卡')).toHaveLength(1);
    socket.close();
  });
});
