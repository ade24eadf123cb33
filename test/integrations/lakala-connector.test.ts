import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../app/logger.js';
import { refundSchema, transactionSchema } from '../../bot/lookups/gateway.js';
import { LakalaGateway, type LakalaOptions } from '../../integrations/connectors/lakala/client.js';
import { PATHS } from '../../integrations/connectors/lakala/protocol.js';
import { authorizationHeader, loadPrivateKey } from '../../integrations/connectors/lakala/signing.js';
import {
  SANDBOX_APP_ID,
  Sandbox,
  type SandboxKeys,
  sandboxKeys,
} from '../../integrations/connectors/sandbox/index.js';
import { TEST_NOW } from '../support/app.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ra-lakala-'));
const keys: SandboxKeys = sandboxKeys(path.join(dir, 'keys'));
const otherKeys: SandboxKeys = sandboxKeys(path.join(dir, 'other'));
let now = TEST_NOW;
const clock = () => now;
let sandbox: Sandbox;
let server: FastifyInstance;
let url: string;
let requests = 0;

beforeAll(async () => {
  sandbox = new Sandbox({ keys, appId: SANDBOX_APP_ID, clock });
  server = await sandbox.server();
  server.addHook('onRequest', async () => {
    requests++;
  });
  url = await server.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  sandbox.faults = {};
  now = TEST_NOW;
  requests = 0;
});

function gateway(overrides: Partial<LakalaOptions> = {}) {
  return new LakalaGateway({
    baseUrl: url,
    appId: SANDBOX_APP_ID,
    serialNo: keys.merchant.serialNo,
    privateKeyPem: keys.merchant.privateKeyPem,
    platformCertPem: keys.platform.certificatePem,
    logger: createLogger('silent'),
    clock,
    timeoutMs: 1000,
    ...overrides,
  });
}
const fixture = (scenario: string) => {
  const f = sandbox.fixtures().find((x) => x.scenario === scenario);
  if (!f) throw new Error(scenario);
  return f;
};

describe('the Lakala connector against the sandbox, over signed HTTP', () => {
  it.each([
    ['refund_processing_card', 'succeeded', 'debit_card', ['refund:processing']],
    ['refund_overdue_card', 'succeeded', 'debit_card', ['refund:processing']],
    ['refund_succeeded_qr', 'refunded', 'wechat', ['refund:succeeded']],
    ['refund_failed_card_closed', 'succeeded', 'debit_card', ['refund:failed']],
    ['refund_partial', 'partially_refunded', 'credit_card', ['refund:succeeded']],
    ['refund_twice', 'partially_refunded', 'alipay', ['refund:succeeded', 'refund:succeeded']],
    ['void_same_day', 'refunded', 'debit_card', ['void:succeeded']],
    ['paid_not_refunded', 'succeeded', 'credit_card', []],
    ['payment_failed', 'failed', 'debit_card', []],
    ['payment_processing', 'processing', 'unionpay_qr', []],
  ])('%s: payment %s by %s, refunds %j', async (scenario, status, method, refunds) => {
    const gw = gateway();
    const f = fixture(scenario);
    const t = await gw.findTransaction({ reference: f.reference });
    if (t.outcome !== 'found') throw new Error(`not found: ${JSON.stringify(t)}`);
    expect(transactionSchema.parse(t.value)).toEqual(t.value);
    expect(t.value).toMatchObject({
      reference: f.reference,
      status,
      method,
      amountFen: f.amountFen,
      merchantNo: f.merchantNo,
    });
    if (f.cardLast4) expect(t.value.cardMasked).toMatch(new RegExp(`^\\d{4}\\*{4}${f.cardLast4}$`));
    const r = await gw.listRefunds(t.value);
    if (r.outcome !== 'found') throw new Error('refunds unavailable');
    for (const refund of r.value) expect(refundSchema.parse(refund)).toEqual(refund);
    expect(r.value.map((x) => `${x.kind}:${x.status}`)).toEqual(refunds);
  });

  it('reports why a refund failed', async () => {
    const gw = gateway();
    const t = await gw.findTransaction({ reference: fixture('refund_failed_card_closed').reference });
    if (t.outcome !== 'found') throw new Error('not found');
    const r = await gw.listRefunds(t.value);
    expect(r.outcome === 'found' && r.value[0]?.failureReason).toBe('原卡账户已注销');
  });

  it('finds a refund by its refund order number (idmrefundquery)', async () => {
    const gw = gateway();
    const f = fixture('refund_partial');
    const t = await gw.findTransaction({ reference: f.reference });
    if (t.outcome !== 'found') throw new Error('not found');
    const list = await gw.listRefunds(t.value);
    const refundNo = list.outcome === 'found' ? (list.value[0]?.refundNo as string) : '';
    const one = await gw.getRefund(refundNo, { merchantNo: f.merchantNo, termNo: f.termNo });
    expect(one).toMatchObject({
      outcome: 'found',
      value: { refundNo, amountFen: 12000, status: 'succeeded', originReference: f.reference },
    });
    expect(await gw.getRefund('RF-NO-SUCH', { merchantNo: f.merchantNo, termNo: f.termNo })).toEqual({
      outcome: 'not_found',
    });
  });

  it('time moves: a processing card refund has succeeded three days later', async () => {
    const gw = gateway();
    const t = await gw.findTransaction({ reference: fixture('refund_processing_card').reference });
    if (t.outcome !== 'found') throw new Error('not found');
    now = new Date(TEST_NOW.getTime() + 3 * 86_400_000);
    const later = await gw.listRefunds(t.value);
    expect(later.outcome === 'found' && later.value[0]?.status).toBe('succeeded');
    const tx = await gateway().findTransaction({ reference: fixture('refund_processing_card').reference });
    expect(tx.outcome === 'found' && tx.value.status).toBe('refunded');
  });

  it('narrows by merchant and amount: someone else’s or a different amount is not found', async () => {
    const gw = gateway();
    const f = fixture('paid_not_refunded');
    expect((await gw.findTransaction({ reference: f.reference, merchantNo: f.merchantNo })).outcome).toBe(
      'found',
    );
    expect(
      (await gw.findTransaction({ reference: f.reference, merchantNo: '822999999999999' })).outcome,
    ).toBe('not_found');
    expect((await gw.findTransaction({ reference: f.reference, amountFen: f.amountFen + 1 })).outcome).toBe(
      'not_found',
    );
    expect((await gw.findTransaction({ reference: '000000000000' })).outcome).toBe('not_found');
  });
});

describe('many look-ups at once', () => {
  it('thirty concurrent queries all answer, and node warns of no listener leak', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const gw = gateway();
      const f = fixture('paid_not_refunded');
      const all = await Promise.all(
        Array.from({ length: 30 }, () => gw.findTransaction({ reference: f.reference })),
      );
      expect(all.every((t) => t.outcome === 'found')).toBe(true);
      // warnings are emitted on the next tick
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });
});

describe('signatures, both ways', () => {
  it('the sandbox refuses a request signed with the wrong key, and the connector says unavailable', async () => {
    const gw = gateway({ privateKeyPem: otherKeys.merchant.privateKeyPem });
    const r = await gw.findTransaction({ reference: fixture('paid_not_refunded').reference });
    expect(r).toMatchObject({ outcome: 'unavailable', reason: expect.stringContaining('rejected: ') });
  });

  it('the sandbox refuses a tampered body, a replayed nonce and a stale timestamp', async () => {
    const signer = {
      appId: SANDBOX_APP_ID,
      serialNo: keys.merchant.serialNo,
      privateKey: loadPrivateKey(keys.merchant.privateKeyPem),
    };
    const body = JSON.stringify({
      req_time: '20261125120000',
      version: '3.0',
      req_data: { merchant_no: '', term_no: '', trade_no: '1' },
    });
    const post = (auth: string, payload = body) =>
      fetch(`${url}${PATHS.tradeQuery}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: auth },
        body: payload,
      });
    const good = authorizationHeader(signer, body, now, 'nonce0000000001');
    expect((await post(good)).status).toBe(200);
    const replay = await post(good);
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { msg: string }).msg).toContain('replay');
    const tampered = await post(
      authorizationHeader(signer, body, now, 'nonce0000000002'),
      body.replace('"1"', '"2"'),
    );
    expect(tampered.status).toBe(401);
    const stale = await post(
      authorizationHeader(signer, body, new Date(now.getTime() - 3_600_000), 'nonce0000000003'),
    );
    expect(stale.status).toBe(401);
    expect((await post('Bearer nothing')).status).toBe(401);
  });

  it('a response whose body was changed after signing is refused', async () => {
    sandbox.faults = { tamper: true };
    const r = await gateway().findTransaction({ reference: fixture('paid_not_refunded').reference });
    expect(r).toMatchObject({ outcome: 'unavailable', reason: expect.stringContaining('signature') });
  });

  it('a response signed by a key that is not Lakala’s certificate is refused', async () => {
    const r = await gateway({ platformCertPem: otherKeys.platform.certificatePem }).findTransaction({
      reference: fixture('paid_not_refunded').reference,
    });
    expect(r).toMatchObject({ outcome: 'unavailable', reason: expect.stringContaining('signature') });
  });
});

describe('when the acquirer misbehaves', () => {
  it('a timeout is unavailable, quickly', async () => {
    sandbox.faults = { delayMs: 800 };
    const started = Date.now();
    const r = await gateway({ timeoutMs: 150, attempts: 1 }).findTransaction({
      reference: fixture('paid_not_refunded').reference,
    });
    expect(r).toMatchObject({ outcome: 'unavailable', reason: expect.stringContaining('timeout') });
    expect(Date.now() - started).toBeLessThan(800);
  });

  it('timeouts are retried and counted by the circuit: once it opens, a slow acquirer costs a turn nothing', async () => {
    sandbox.faults = { delayMs: 400 };
    const gw = gateway({ timeoutMs: 60, attempts: 2, breakAfter: 4, halfOpenAfterMs: 60_000 });
    const ref = fixture('paid_not_refunded').reference;
    const before = requests;
    await gw.findTransaction({ reference: ref });
    expect(requests - before).toBe(2);
    await gw.findTransaction({ reference: ref });
    expect(gw.circuit).toBe('open');
    const calls = requests;
    expect(await gw.findTransaction({ reference: ref })).toMatchObject({
      outcome: 'unavailable',
      reason: expect.stringContaining('circuit'),
    });
    expect(requests).toBe(calls);
  });

  it('a 5xx is retried with backoff (the queries are idempotent), then unavailable', async () => {
    sandbox.faults = { status: 503 };
    const r = await gateway({ attempts: 3 }).findTransaction({
      reference: fixture('paid_not_refunded').reference,
    });
    expect(r).toMatchObject({ outcome: 'unavailable', reason: expect.stringContaining('http') });
    expect(requests).toBe(3);
  });

  it('a body that is not JSON, or resp_data without its fields, is unavailable, not a wrong answer', async () => {
    sandbox.faults = { notJson: true };
    expect(
      (await gateway().findTransaction({ reference: fixture('paid_not_refunded').reference })).outcome,
    ).toBe('unavailable');
    sandbox.faults = { malformed: true };
    const r = await gateway().findTransaction({ reference: fixture('paid_not_refunded').reference });
    expect(r).toMatchObject({ outcome: 'unavailable', reason: expect.stringContaining('malformed') });
  });

  it('the circuit opens after five failures in a row, stops calling, and closes again when the acquirer is back', async () => {
    const gw = gateway({ attempts: 1, breakAfter: 5, halfOpenAfterMs: 300 });
    const ref = fixture('paid_not_refunded').reference;
    sandbox.faults = { status: 500 };
    for (let i = 0; i < 5; i++) await gw.findTransaction({ reference: ref });
    expect(gw.circuit).toBe('open');
    const before = requests;
    expect(await gw.findTransaction({ reference: ref })).toMatchObject({
      outcome: 'unavailable',
      reason: expect.stringContaining('circuit'),
    });
    expect(requests).toBe(before);
    sandbox.faults = {};
    await new Promise((r) => setTimeout(r, 350));
    expect((await gw.findTransaction({ reference: ref })).outcome).toBe('found');
    expect(gw.circuit).toBe('closed');
  });
});
