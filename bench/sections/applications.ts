import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type App, createApp } from '../../app/app.js';
import { loadConfig } from '../../app/config.js';
import { createLogger } from '../../app/logger.js';
import { buildServer } from '../../app/server.js';
import type { Reviewer } from '../../bot/applications/index.js';
import { freshPgDatabase } from '../../test/support/postgres.js';
import { ChatUser } from '../../test/support/transcript.js';
import { fmt, percentile, SHARED_SECRETS } from '../shared.js';

const TOKEN = 'bench-trusted-caller-token-0123456789abcdef';
const OPERATOR: Reviewer = { id: 'ops-bench', channel: 'cli' };
const PG = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
const SUBMITS = Number(process.env.BENCH_APPLICATIONS ?? 200);
const CHATS = Math.max(1, Math.round(SUBMITS / 5));
const AT_ONCE = 8;

/**
 * Refund applications: submitted per second (through the service, and end to end as a merchant
 * types them in the widget's chat API), and approval to executed at the sandbox acquirer, on the
 * SQLite file and on PostgreSQL (a database of its own, dropped after).
 */
export async function applicationsSection(): Promise<void> {
  console.log(
    '\nRefund applications (one process: service → SQL store, the sandbox acquirer over signed HTTP)',
  );
  await backend('SQLite', undefined);
  const pgDb = await freshPgDatabase('ra_bench', { server: PG, quiet: true });
  if (!pgDb) {
    console.log(`  PostgreSQL: skipped (not reachable at ${PG})`);
    return;
  }
  try {
    await backend('PostgreSQL', pgDb.url);
  } finally {
    await pgDb.drop();
  }
}

const line = (xs: number[]) => {
  xs.sort((a, b) => a - b);
  return `p50 ${fmt(percentile(xs, 50))} p99 ${fmt(percentile(xs, 99))}`;
};
const perSecond = (n: number, ms: number) => `${((n * 1000) / ms).toFixed(0)}/s`;

async function backend(label: string, databaseUrl: string | undefined): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ra-bench-'));
  const logger = createLogger('silent');
  const app = await createApp(
    loadConfig({
      DATA_DIR: dataDir,
      SANDBOX_PORT: '0',
      TRUSTED_CALLER_TOKEN: TOKEN,
      RATE_LIMIT_PER_MINUTE: '0',
      CONVERSATION_RATE_PER_MINUTE: '0',
      ...(databaseUrl && { DATABASE_URL: databaseUrl, ...SHARED_SECRETS }),
    }),
    logger,
  );
  const server = await buildServer(app, { logger });
  await server.ready();
  try {
    const payments = refundable(app);
    let next = 0;
    const payment = () => payments[next++ % payments.length] as (typeof payments)[number];
    const submit = async (p: (typeof payments)[number], amountFen: number) => {
      const r = await app.applications.submit(
        { reference: p.reference, amountFen, reason: 'service_cancelled', proof: [] },
        { merchantNo: p.merchantNo, conversationId: `bench-${next}`, channel: 'bench', lang: 'zh' },
      );
      if (r.outcome !== 'submitted') throw new Error(`not submitted: ${JSON.stringify(r)}`);
      return r.application.number;
    };
    // a payment has one open application at a time: each is rejected after (not timed)
    const close = (numbers: string[]) =>
      Promise.all(numbers.map((n) => app.applications.reject(n, OPERATOR, 'bench')));

    const one: number[] = [];
    for (let i = 0; i < SUBMITS; i++) {
      const t0 = performance.now();
      const number = await submit(payment(), 100);
      one.push(performance.now() - t0);
      await close([number]);
    }
    const oneMs = one.reduce((a, b) => a + b, 0);
    let batchMs = 0;
    for (let i = 0; i < SUBMITS; i += AT_ONCE) {
      const batch = payments.slice(0, AT_ONCE);
      const t0 = performance.now();
      const numbers = await Promise.all(batch.map((p) => submit(p, 100)));
      batchMs += performance.now() - t0;
      await close(numbers);
    }
    console.log(
      `  ${label.padEnd(11)} submit via the service (2 acquirer calls + the insert): ${perSecond(SUBMITS, oneMs)} one at a time (${line(one)}), ${perSecond(Math.ceil(SUBMITS / AT_ONCE) * AT_ONCE, batchMs)} ${AT_ONCE} at once · ${SUBMITS} each`,
    );

    const chats: number[] = [];
    for (let i = 0; i < CHATS; i++) {
      const p = payment();
      const m = new ChatUser(server, undefined, {
        authorization: `Bearer ${TOKEN}`,
        'x-merchant-no': p.merchantNo,
      });
      const t0 = performance.now();
      const number = await applyInChat(m, p.reference);
      chats.push(performance.now() - t0);
      await close([number]);
    }
    const chatMs = chats.reduce((a, b) => a + b, 0);
    console.log(
      `  ${''.padEnd(11)} submit end to end in the chat API (6 merchant turns, POST /api/chat by fastify inject): ${(
        (CHATS * 1000) / chatMs
      ).toFixed(1)}/s one at a time (${line(chats)} per application) · ${CHATS}`,
    );

    // approval to executed: the operator approves, one executor pass runs it at the sandbox
    const executed: number[] = [];
    for (let i = 0; i < SUBMITS / 2; i++) {
      const number = await submit(payment(), 1);
      const t0 = performance.now();
      const approved = await app.applications.approve(number, OPERATOR);
      if (approved.outcome !== 'approved') throw new Error(`not approved: ${approved.outcome}`);
      if ((await app.executor.drain()) !== 1) throw new Error('not executed');
      executed.push(performance.now() - t0);
      if ((await app.applications.store.get(number))?.status !== 'executed') throw new Error('not executed');
    }
    // many approved at once, then passes: what the outbox gets through
    const burst = await Promise.all(payments.slice(0, AT_ONCE * 4).map((p) => submit(p, 1)));
    for (const n of burst) await app.applications.approve(n, OPERATOR);
    const t0 = performance.now();
    await Promise.all([app.executor.drain(), app.executor.drain()]);
    const burstMs = performance.now() - t0;
    const done = await Promise.all(burst.map((n) => app.applications.store.get(n)));
    if (done.some((a) => a?.status !== 'executed')) throw new Error('burst not executed');
    console.log(
      `  ${''.padEnd(11)} approval → executed (approve, then one executor pass: 3 acquirer calls): ${line(executed)} · ${executed.length}; ${burst.length} approved at once, two passes: ${perSecond(burst.length, burstMs)}`,
    );
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Settled payments inside the refund window with room for many small refunds. */
function refundable(app: App) {
  const now = app.clock().getTime();
  const sandbox = app.acquirer.sandbox?.instance;
  if (!sandbox) throw new Error('the applications bench needs the embedded sandbox (no LAKALA_BASE_URL)');
  const payments = sandbox.trades.filter((t) => {
    const age = now - t.tradeTime.getTime();
    return (
      t.outcome === 'SUCCESS' &&
      !t.refunds.length &&
      t.amountFen >= 10_000 &&
      age > 2 * 86_400_000 &&
      age < 25 * 86_400_000
    );
  });
  if (payments.length < AT_ONCE * 4) throw new Error(`only ${payments.length} refundable payments`);
  return payments;
}

/** As a merchant types it (test/support/apply.ts): ¥1 of a payment, no proof; its RA number. */
async function applyInChat(m: ChatUser, reference: string): Promise<string> {
  await m.says(`客人要退款，参考号 ${reference}`);
  const amount = await m.says('退1元');
  const reason = await m.presses(amount, '服务取消');
  await m.presses(reason, '没有材料');
  const contact = await m.says('王经理');
  const submitted = await m.presses(contact, '提交');
  const number = /RA-\d{8}-\d{4}/.exec(submitted.said)?.[0];
  if (!number) throw new Error(`not submitted: ${submitted.said}`);
  return number;
}
