import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outRefundNoOf } from '../../bot/applications/index.js';
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

// A server is killed (kill -9) after the acquirer executed its refund and before it heard the
// answer, so before it wrote anything. The acquirer lives on (here, in the test process). The
// restarted server takes the job over once the dead one's lease has run out, asks the acquirer
// before sending anything, finds the refund and records it: one refund, executed once.

describe('a server killed between the acquirer call and the database write', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ra-crash-'));
  let acquirer: RunningSandbox;
  const servers: ServerProcess[] = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    acquirer = await startSandbox(path.join(dataDir, 'acquirer'));
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

  it('leaves exactly one refund, recorded once by the restarted server', { timeout: 120_000 }, async () => {
    const { sandbox } = acquirer;
    const first = await startServer(env);
    servers.push(first);

    // a merchant applies in the portal's chat for ¥12 of a settled card payment
    const paid = acquirer.refundable()[0];
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

      // what the operator sees: executed, one refund, one executed event in the timeline
      const shown = await cli(['applications', 'show', number, '--json'], env);
      expect(shown.code, shown.stderr).toBe(0);
      const record = JSON.parse(shown.stdout) as {
        status: string;
        refunds: Array<{ refundNo: string; amountFen: number }>;
        events: Array<{ kind: string }>;
      };
      expect(record.status).toBe('executed');
      expect(record.refunds).toEqual([expect.objectContaining({ refundNo: outRefundNo, amountFen: 1200 })]);
      expect(record.events.filter((e) => e.kind === 'executed')).toHaveLength(1);

      // and the merchant, asking on the restarted server, sees it refunded
      const status = await merchant.via(second.url).says(`${number} 到哪一步了`);
      expect(status.said).toContain('已退款');
    } finally {
      await database.close();
    }
  });
});
