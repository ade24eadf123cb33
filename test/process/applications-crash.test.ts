import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outRefundNoOf } from '../../bot/applications/index.js';
import type { SandboxTrade } from '../../integrations/connectors/sandbox/index.js';
import { Database, SqlApplicationStore } from '../../integrations/stores/db/index.js';
import {
  applyFor,
  cli,
  eventually,
  PortalMerchant,
  type RunningSandbox,
  type ServerProcess,
  startSandbox,
  startServer,
} from '../support/process.js';

// The acquirer executes a refund and the server that asked for it never hears the answer: it is
// killed (kill -9) before the answer comes, so before it wrote anything, or it hangs past its
// lease. The acquirer lives on (here, in the test process). Another server takes the job over once
// the lease has run out, asks the acquirer before sending anything, finds the refund and records
// it: one refund, executed once, the merchant told once.

describe('a server lost between the acquirer call and the database write', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ra-crash-'));
  let acquirer: RunningSandbox;
  const servers: ServerProcess[] = [];
  let env: Record<string, string>;
  /** Settled card payments, one for each test's application. */
  let payments: SandboxTrade[];

  beforeAll(async () => {
    acquirer = await startSandbox(path.join(dataDir, 'acquirer'));
    payments = acquirer.refundable();
    env = {
      DATA_DIR: dataDir,
      ...acquirer.env,
      // the answer is held until the test has killed the server: never a timeout first
      LAKALA_TIMEOUT_MS: '30000',
      APPLICATION_JOB_LEASE_SECONDS: '2',
      APPLICATION_WORKER_MS: '200',
    };
  });
  afterAll(async () => {
    for (const s of servers) await s.stop('SIGKILL');
    await acquirer?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('killed: exactly one refund, recorded once by the restarted server', { timeout: 240_000 }, async () => {
    const { sandbox } = acquirer;
    const first = await startServer(env);
    servers.push(first);

    // a merchant applies in the portal's chat for ¥12 of a settled card payment
    const paid = payments[0];
    if (!paid) throw new Error('the sandbox has no refundable card payment');
    const merchant = new PortalMerchant(first.url, paid.merchantNo);
    const number = await applyFor(merchant, paid.reference, 12);
    const outRefundNo = outRefundNoOf(number);

    // the acquirer will execute the refund and then keep its answer back
    let answer: () => void = () => undefined;
    sandbox.faults = { holdRefundAnswer: new Promise<void>((r) => (answer = r)) };
    try {
      // an operator approves at the CLI; the running server's executor picks the job up
      const approved = await cli(['applications', 'approve', number, '--reviewer', 'ops-li'], env);
      expect(approved, approved.stderr).toMatchObject({ code: 0, stdout: `${number} approved\n` });
      await eventually('the refund request at the acquirer', () =>
        sandbox.refundRequests.includes(outRefundNo) ? true : undefined,
      );
      // executed at the acquirer, answer not yet given: the server dies here, without a word
      expect(paid.refunds.filter((r) => r.outRefundOrderNo === outRefundNo)).toHaveLength(1);
      await first.stop('SIGKILL');
      expect(first.child.signalCode).toBe('SIGKILL');
    } finally {
      sandbox.faults = {};
      answer();
    }

    // nothing was written: the application is still approved, its job still claimed by the dead one
    const database = await Database.open({ dataDir });
    try {
      const store = new SqlApplicationStore(database);
      expect((await store.get(number))?.status).toBe('approved');
      expect((await store.pendingJobs()).map((j) => j.application)).toEqual([number]);

      // the server is started again on the same data (as a supervisor would restart it)
      const second = await startServer(env);
      servers.push(second);
      const executed = await eventually('the application executed', async () => {
        const a = await store.get(number);
        return a?.status === 'executed' ? a : undefined;
      });
      expect(executed.refund).toMatchObject({ refundNo: outRefundNo, amountFen: 1200 });
      expect(await store.pendingJobs()).toEqual([]);
      const events = await store.events(number);
      const recorded = events.filter((e) => e.kind === 'executed');
      // one executed event, by the second attempt: the restarted server's, after the lease
      expect(recorded).toHaveLength(1);
      expect(recorded[0]?.data).toMatchObject({ refundNo: outRefundNo, amountFen: 1200, attempts: 2 });

      // the acquirer: one refund for the application, and it was asked to make it once
      expect(paid.refunds.filter((r) => r.outRefundOrderNo === outRefundNo)).toHaveLength(1);
      expect(sandbox.refundRequests.filter((no) => no === outRefundNo)).toHaveLength(1);

      // and the merchant, back on the restarted server, was told of the refund once, and sees it refunded
      const back = merchant.via(second.url);
      expect(await back.toldTimes(`${number} 的退款已执行`)).toBe(1);
      expect((await back.says(`${number} 到哪一步了`)).said).toContain('已退款');
    } finally {
      await database.close();
    }
  });

  it('hung past its lease: the other server records the refund, and the merchant is told once', {
    timeout: 240_000,
  }, async () => {
    const { sandbox } = acquirer;
    // two servers on the same data (one may be left running from the test before)
    const alive = servers.filter((s) => s.child.exitCode === null && s.child.signalCode === null);
    while (alive.length < 2) {
      const s = await startServer(env);
      servers.push(s);
      alive.push(s);
    }
    const [a, b] = alive as [ServerProcess, ServerProcess];

    const paid = payments[1];
    if (!paid) throw new Error('the sandbox has too few refundable card payments');
    const merchant = new PortalMerchant(a.url, paid.merchantNo);
    const number = await applyFor(merchant, paid.reference, 15);
    const outRefundNo = outRefundNoOf(number);

    let answer: () => void = () => undefined;
    sandbox.faults = { holdRefundAnswer: new Promise<void>((r) => (answer = r)) };
    try {
      const approved = await cli(['applications', 'approve', number, '--reviewer', 'ops-li'], env);
      expect(approved, approved.stderr).toMatchObject({ code: 0, stdout: `${number} approved\n` });
      // one server's executor sent the refund and waits for the answer, past its 2 s lease …
      await eventually('the refund request at the acquirer', () =>
        sandbox.refundRequests.includes(outRefundNo) ? true : undefined,
      );
      // … so the other takes the job over, asks the acquirer, finds the refund and records it
      const database = await Database.open({ dataDir });
      try {
        const store = new SqlApplicationStore(database);
        await eventually('the application executed by the other server', async () =>
          (await store.get(number))?.status === 'executed' ? true : undefined,
        );
      } finally {
        await database.close();
      }
    } finally {
      sandbox.faults = {};
      answer();
    }
    // the hung server hears the acquirer at last, and finds the refund recorded already
    const overtaken = await eventually('the overtaken server noticing', () =>
      [a, b].find((s) => s.lines.some((l) => l.includes('recorded by another worker'))),
    );
    expect(overtaken.lines.join('\n')).toContain(number);

    // one refund, asked for once; one executed event (the second attempt's) in what the operator
    // sees at the CLI; the merchant told once
    expect(paid.refunds.filter((r) => r.outRefundOrderNo === outRefundNo)).toHaveLength(1);
    expect(sandbox.refundRequests.filter((no) => no === outRefundNo)).toHaveLength(1);
    const shown = await cli(['applications', 'show', number, '--json'], env);
    expect(shown.code, shown.stderr).toBe(0);
    const record = JSON.parse(shown.stdout) as {
      status: string;
      events: Array<{ kind: string; data: object }>;
    };
    expect(record.status).toBe('executed');
    const executed = record.events.filter((e) => e.kind === 'executed');
    expect(executed).toHaveLength(1);
    expect(executed[0]?.data).toMatchObject({ attempts: 2 });
    expect(await merchant.toldTimes(`${number} 的退款已执行`)).toBe(1);
  });
});
