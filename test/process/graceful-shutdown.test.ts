import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { MerchantTokens } from '../../integrations/channels/widget/merchant-token.js';
import {
  SANDBOX_APP_ID,
  Sandbox,
  type SandboxKeys,
  sandboxKeys,
} from '../../integrations/connectors/sandbox/index.js';
import { projectRoot } from '../../knowledge/index.js';
import { Waiters } from '../support/waiters.js';

// The server as `npm start` runs it, stopped with SIGTERM while a widget holds a socket and a turn
// is under way. The acquirer is a sandbox in this process (the server reaches it as a real Lakala,
// LAKALA_BASE_URL), so the test can make a look-up slow and see when it arrives there.

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ra-stop-'));
const SECRET = 'widget-token-secret-for-the-shutdown-test-0123';
let keys: SandboxKeys;
let sandbox: Sandbox;
let sandboxServer: FastifyInstance;
let sandboxUrl: string;
/** Trade queries the sandbox has received, and waiting for the next one. */
let queries = 0;
const arrivals = new Waiters();

beforeAll(async () => {
  keys = sandboxKeys(path.join(dataDir, 'acquirer'));
  sandbox = new Sandbox({ keys, appId: SANDBOX_APP_ID });
  sandboxServer = await sandbox.server();
  sandboxServer.addHook('onRequest', async () => {
    queries++;
    arrivals.notify();
  });
  sandboxUrl = await sandboxServer.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await sandboxServer?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function start(env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'app/main.ts'], {
    cwd: projectRoot,
    env: {
      PATH: process.env.PATH,
      DATA_DIR: path.join(dataDir, 'server'),
      HOST: '127.0.0.1',
      PORT: '0',
      SANDBOX_PORT: '0',
      LAKALA_BASE_URL: sandboxUrl,
      LAKALA_APP_ID: SANDBOX_APP_ID,
      LAKALA_SERIAL_NO: keys.merchant.serialNo,
      LAKALA_PRIVATE_KEY_FILE: keys.merchantKeyFile,
      LAKALA_PLATFORM_CERT_FILE: keys.platformCertFile,
      WIDGET_TOKEN_SECRET: SECRET,
      // every look-up goes to the acquirer (not to the answer the last process kept)
      LOOKUP_CACHE_SECONDS: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      lines.push(line);
      const url = /"msg":"refund-assistant ready"/.test(line) ? /"url":"([^"]+)"/.exec(line)?.[1] : undefined;
      if (url) resolve(url);
    });
    createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) => lines.push(line));
    void exited.then((code) =>
      reject(new Error(`exited with ${code} before it was ready: ${lines.join('\n')}`)),
    );
  });
  return { child, lines, ready, exited };
}

type Event = { frame: { type: string; [k: string]: unknown } } | { closed: { code: number; reason: string } };

/** A widget's socket that records every frame and how it was closed, in the order they came. */
async function socketTo(base: string, hello: object) {
  const ws = new WebSocket(`${base.replace('http', 'ws')}/api/ws`);
  const events: Event[] = [];
  const waiters = new Waiters();
  ws.on('message', (raw) => {
    events.push({ frame: JSON.parse(String(raw)) });
    waiters.notify();
  });
  ws.on('close', (code, reason) => {
    events.push({ closed: { code, reason: String(reason) } });
    waiters.notify();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const until = (test: (e: Event) => boolean, ms = 10_000) =>
    waiters.until(
      () => {
        const i = events.findIndex(test);
        return i < 0 ? undefined : i;
      },
      () => `not among ${JSON.stringify(events)}`,
      ms,
    );
  ws.send(JSON.stringify({ type: 'hello', locale: 'zh', ...hello }));
  await until((e) => 'frame' in e && e.frame.type === 'welcome');
  return { ws, events, until };
}

const isFrame =
  (type: string, test: (f: Record<string, unknown>) => boolean = () => true) =>
  (e: Event) =>
    'frame' in e && e.frame.type === type && test(e.frame);
const isClosed = (e: Event) => 'closed' in e;

describe('stopping the server (SIGTERM)', () => {
  it('finishes the turn under way, tells every widget to reconnect (1012), refuses what is new, and exits 0 within the grace period', async () => {
    const server = start();
    const base = await server.ready;
    const payment = sandbox.fixtures().find((f) => f.scenario === 'refund_processing_card');
    if (!payment) throw new Error('no refund_processing_card payment in the sandbox');
    const token = await (await MerchantTokens.create({ secret: SECRET, dataDir })).issue(payment.merchantNo);
    const merchant = await socketTo(base, { token });
    const guest = await socketTo(base, {});
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

    // the merchant asks about a payment of theirs; the acquirer takes its time answering
    sandbox.faults = { delayMs: 1500 };
    const before = queries;
    merchant.ws.send(
      JSON.stringify({ type: 'message', clientId: 'm1', text: `查一下参考号 ${payment.reference}` }),
    );
    await arrivals.until(
      () => (queries > before ? true : undefined),
      () => 'the look-up never reached the acquirer',
      10_000,
    );
    const stopping = performance.now();
    server.child.kill('SIGTERM');

    // from the first moment: not ready, and nothing new taken on (the connection closed with it)
    await expect
      .poll(async () => {
        const res = await fetch(`${base}/readyz`);
        return { status: res.status, body: await res.json() };
      })
      .toEqual({ status: 503, body: { status: 'stopping' } });
    const refused = await fetch(`${base}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: '退款多久到账' }),
    });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('connection')).toBe('close');
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('NOT_READY');

    // the turn under way is answered, then the socket is told to reconnect elsewhere
    const answered = await merchant.until(
      isFrame('messages', (f) => JSON.stringify(f.messages).includes('交易与退款状态')),
    );
    const closed = await merchant.until(isClosed);
    expect(merchant.events.findIndex(isFrame('ack', (f) => f.clientId === 'm1'))).toBeLessThan(answered);
    expect(answered).toBeLessThan(closed);
    expect(merchant.events[closed]).toEqual({ closed: { code: 1012, reason: 'service restart' } });
    expect(guest.events[await guest.until(isClosed)]).toEqual({
      closed: { code: 1012, reason: 'service restart' },
    });

    expect(await server.exited).toBe(0);
    expect(performance.now() - stopping).toBeLessThan(10_000);
    const log = server.lines.join('\n');
    expect(log).toContain('"msg":"stopped"');
    expect(log).not.toContain('"level":50');
  }, 90_000);

  it('past SHUTDOWN_GRACE_SECONDS: exits 1, naming in its last line what was still open', async () => {
    const server = start({ SHUTDOWN_GRACE_SECONDS: '1' });
    const base = await server.ready;
    const payment = sandbox.fixtures().find((f) => f.scenario === 'refund_processing_card');
    if (!payment) throw new Error('no refund_processing_card payment in the sandbox');
    const token = await (await MerchantTokens.create({ secret: SECRET, dataDir })).issue(payment.merchantNo);
    const merchant = await socketTo(base, { token });

    // longer than the grace period (the connector gives up on it at LAKALA_TIMEOUT_MS, 3 s, and retries)
    sandbox.faults = { delayMs: 5000 };
    const before = queries;
    merchant.ws.send(
      JSON.stringify({ type: 'message', clientId: 'm1', text: `查一下参考号 ${payment.reference}` }),
    );
    await arrivals.until(
      () => (queries > before ? true : undefined),
      () => 'the look-up never reached the acquirer',
      10_000,
    );
    const stopping = performance.now();
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(1);
    expect(performance.now() - stopping).toBeLessThan(5000);
    const last = server.lines.find((l) => l.includes('shutdown ran past its grace period'));
    expect(last, server.lines.join('\n')).toBeDefined();
    expect(JSON.parse(last as string).stillOpen).toEqual(['http server', 'channel widget']);
    merchant.ws.terminate();
    sandbox.faults = {};
  }, 90_000);
});
