import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PromMetrics } from '../../integrations/observability/metrics.js';
import { metricsRoute } from '../../integrations/observability/metrics-route.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { applyFor, MERCHANT_TOKEN, merchantUser, payment } from '../support/apply.js';
import { ChatUser } from '../support/transcript.js';
import { widgetSocket } from '../support/widget-socket.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ TRUSTED_CALLER_TOKEN: MERCHANT_TOKEN });
});
afterAll(() => t.close());

const scrape = async () => {
  const res = await t.server.inject({ method: 'GET', url: '/metrics' });
  expect(res.statusCode).toBe(200);
  return res.body;
};

/** The value of one series (`name{labels}` exactly as exposed), or undefined. */
function value(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  it('counts turns by channel and decision, and times them by channel', async () => {
    const before = await scrape();
    const base = (d: string) =>
      value(before, `refund_assistant_turns_total{channel="api",decision="${d}"}`) ?? 0;
    const timed = value(before, 'refund_assistant_turn_duration_seconds_count{channel="api"}') ?? 0;
    const user = new ChatUser(t.server);
    await user.says('你好');
    await user.says('清算和结算有什么区别');
    await user.send({ action: 'article:does-not-exist' });
    const body = await scrape();
    expect(value(body, 'refund_assistant_turns_total{channel="api",decision="smalltalk"}')).toBe(
      base('smalltalk') + 1,
    );
    expect(value(body, 'refund_assistant_turns_total{channel="api",decision="answer"}')).toBe(
      base('answer') + 1,
    );
    expect(value(body, 'refund_assistant_turns_total{channel="api",decision="none"}')).toBe(base('none') + 1);
    expect(value(body, 'refund_assistant_turn_duration_seconds_count{channel="api"}')).toBe(timed + 3);
    expect(body).toContain('refund_assistant_turn_duration_seconds_bucket{le="+Inf",channel="api"}');
  });

  it('counts look-ups by outcome and acquirer calls by operation and outcome', async () => {
    const f = payment(t, 'refund_processing_card');
    const user = new ChatUser(t.server, 'zh', { 'x-forwarded-for': '10.9.9.2' });
    await user.says(`帮我查一下参考号 ${f.reference} 的退款`);
    await user.says('1元');
    const afterWrong = await scrape();
    expect(value(afterWrong, 'refund_assistant_lookups_total{outcome="proof_failed"}')).toBe(1);
    const found = await user.says(`哦不对，是${f.amountFen / 100}元`);
    expect(found.replies.some((r) => r.type === 'card')).toBe(true);
    const body = await scrape();
    expect(value(body, 'refund_assistant_lookups_total{outcome="found"}')).toBe(1);
    expect(
      value(body, 'refund_assistant_acquirer_calls_total{operation="find_transaction",outcome="found"}'),
    ).toBe(1);
    expect(
      value(body, 'refund_assistant_acquirer_calls_total{operation="list_refunds",outcome="found"}'),
    ).toBe(1);
    expect(
      value(body, 'refund_assistant_acquirer_call_duration_seconds_count{operation="find_transaction"}'),
    ).toBe(1);
  });

  it('reads the gauges when scraped: breaker, hand-overs waiting, refund jobs pending, sockets', async () => {
    const before = await scrape();
    expect(value(before, 'refund_assistant_circuit_open{breaker="lakala"}')).toBe(0);
    expect(value(before, 'refund_assistant_handoffs_waiting')).toBe(0);
    expect(value(before, 'refund_assistant_refund_jobs_pending')).toBe(0);
    expect(value(before, 'refund_assistant_widget_sockets_open')).toBe(0);

    await t.app.handoffRegistry.opened({
      conversationId: 'metrics-waiting',
      openedAt: new Date().toISOString(),
      status: 'waiting',
      channel: 'widget',
      reason: 'asked',
      lang: 'zh',
      unclaimedNotified: false,
    });
    const paid = payment(t, 'paid_not_refunded');
    const number = await applyFor(merchantUser(t, paid.merchantNo), paid.reference, 10);
    expect((await t.app.applications.approve(number, { id: 'ops-li', channel: 'cli' })).outcome).toBe(
      'approved',
    );
    const url = `${(await t.server.listen({ port: 0, host: '127.0.0.1' })).replace('http', 'ws')}/api/ws`;
    const socket = await widgetSocket(url);
    try {
      const body = await scrape();
      expect(value(body, 'refund_assistant_handoffs_waiting')).toBe(1);
      expect(value(body, 'refund_assistant_refund_jobs_pending')).toBe(1);
      expect(value(body, 'refund_assistant_widget_sockets_open')).toBe(1);
    } finally {
      socket.close();
    }
  });

  it('has the process metrics', async () => {
    const body = await scrape();
    expect(body).toContain('process_cpu_user_seconds_total');
    expect(body).toContain('nodejs_heap_size_used_bytes');
  });

  it('without METRICS_TOKEN, is served to loopback addresses only', async () => {
    const res = await t.server.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.7' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('UNAUTHORIZED');
    expect(res.body).not.toContain('refund_assistant_');
  });
});

/** /metrics alone on a small server, as app/server.ts registers it. */
async function metricsServer(options: { token?: string; trustProxy?: boolean }) {
  const server = Fastify({ trustProxy: options.trustProxy ?? false });
  server.setErrorHandler((err: { status?: number; toJSON?: () => unknown }, _request, reply) =>
    reply.status(err.status ?? 500).send(err.toJSON?.() ?? {}),
  );
  await server.register(metricsRoute, { metrics: new PromMetrics(), token: options.token });
  await server.ready();
  return server;
}

describe('GET /metrics behind a proxy on this machine', () => {
  it('refuses a client elsewhere whose request the proxy forwards (TRUST_PROXY set)', async () => {
    const server = await metricsServer({ trustProxy: true });
    try {
      const proxied = await server.inject({
        method: 'GET',
        url: '/metrics',
        headers: { 'x-forwarded-for': '203.0.113.7' },
      });
      expect(proxied.statusCode).toBe(401);
      const local = await server.inject({ method: 'GET', url: '/metrics' });
      expect(local.statusCode).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('GET /metrics with METRICS_TOKEN', () => {
  let server: Awaited<ReturnType<typeof metricsServer>>;
  beforeAll(async () => {
    server = await metricsServer({ token: 'scrape-token-0123' });
  });
  afterAll(() => server.close());

  const get = (headers: Record<string, string>, remoteAddress = '203.0.113.7') =>
    server.inject({ method: 'GET', url: '/metrics', headers, remoteAddress });

  it('needs the bearer token, from anywhere (loopback too)', async () => {
    const none = await get({}, '127.0.0.1');
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toContain('Bearer');
    expect(none.json().error.code).toBe('UNAUTHORIZED');
    const wrong = await get({ authorization: 'Bearer scrape-token-0124' });
    expect(wrong.statusCode).toBe(401);
    const ok = await get({ authorization: 'Bearer scrape-token-0123' });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['content-type']).toContain('text/plain');
    expect(ok.body).toContain('# TYPE refund_assistant_turns_total counter');
  });
});
