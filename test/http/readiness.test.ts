import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, useTestApp } from '../support/app.js';
import { freshPgDatabase } from '../support/postgres.js';
import { TcpProxy } from '../support/tcp-proxy.js';

type Probe = { status: number; body: { status: string; checks?: Record<string, string> } };
const probe = async (t: TestApp, url: string): Promise<Probe> => {
  const res = await t.server.inject({ method: 'GET', url });
  return { status: res.statusCode, body: res.json() };
};

describe('the probes, on the embedded stores', () => {
  // a chat rate limit of 2 a minute: the probes are not under it
  const t = useTestApp({ RATE_LIMIT_PER_MINUTE: '2' });

  it('/readyz is 200 with every check ok; /healthz is 200 {status: ok}', async () => {
    expect(await probe(t(), '/readyz')).toEqual({
      status: 200,
      body: { status: 'ready', checks: { state: 'ok', database: 'ok', bus: 'ok' } },
    });
    expect(await probe(t(), '/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('answers every time, however often it is asked (no rate limit)', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => probe(t(), '/readyz')));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
  });
});

// PostgreSQL through a forwarder the test takes down and brings back (a database of its own per run)
const pgDb = await freshPgDatabase('ra_ready');
const havePg = pgDb !== undefined;

describe.skipIf(!havePg)('/readyz with PostgreSQL going away and coming back', () => {
  let database: TcpProxy;
  let t: TestApp;

  beforeAll(async () => {
    database = await TcpProxy.start({ host: '127.0.0.1', port: 5432 });
    t = await startTestApp({ DATABASE_URL: `postgres://postgres@127.0.0.1:${database.port}/${pgDb?.name}` });
  });
  afterAll(async () => {
    await database?.up();
    await t?.close();
    await database?.down();
    await pgDb?.drop();
  });

  it('names the database while it cannot be reached, within the bound, and is ready again by itself', async () => {
    expect((await probe(t, '/readyz')).body.checks).toEqual({ state: 'ok', database: 'ok', bus: 'ok' });
    await database.down();
    const started = performance.now();
    const down = await probe(t, '/readyz');
    expect(performance.now() - started).toBeLessThan(2500);
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('not ready');
    expect(down.body.checks?.state).toBe('ok');
    expect(['down', 'timeout']).toContain(down.body.checks?.database);
    expect((await probe(t, '/healthz')).status).toBe(200);
    await database.up();
    await expect.poll(async () => (await probe(t, '/readyz')).status, { timeout: 10_000 }).toBe(200);
  });
});
