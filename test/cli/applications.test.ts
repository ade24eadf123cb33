import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../knowledge/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { applyFor, MERCHANT_TOKEN, merchantUser, payment } from '../support/apply.js';

// The operator's contract (tools outside the repository call it): applications list/show/approve/
// reject on the server's database, and look-ups that see what the server's acquirer executed —
// here a running test server with its sandbox, and the real command beside it.

const run = promisify(execFile);
let t: TestApp;
let sandboxPort: string;

beforeAll(async () => {
  // the CLI runs on the machine's clock, so the server does too (its executor must see the job due)
  t = await startTestApp({ TRUSTED_CALLER_TOKEN: MERCHANT_TOKEN }, () => new Date());
  sandboxPort = new URL(t.app.acquirer.sandbox?.url as string).port;
});
afterAll(() => t.close());

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'app/cli/main.ts', ...args], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH, DATA_DIR: t.dataDir, SANDBOX_PORT: sandboxPort },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('cli applications', () => {
  // every CLI call is a process of its own (6–10 s here with tsx): these tests take minutes, not seconds
  it('lists, shows, approves once (the second reviewer hears who decided), and the look-up lists the refund executed', {
    timeout: 180_000,
  }, async () => {
    const paid = payment(t, 'paid_not_refunded');
    const number = await applyFor(merchantUser(t, paid.merchantNo), paid.reference, 10);

    const list = JSON.parse((await cli('applications', 'list', '--json')).stdout);
    expect(list).toEqual([expect.objectContaining({ number, status: 'in_review', amountFen: 1000 })]);
    const shown = JSON.parse((await cli('applications', 'show', number, '--json')).stdout);
    expect(shown).toMatchObject({
      status: 'in_review',
      amountFen: 1000,
      reference: paid.reference,
      refunds: [],
    });

    const approved = await cli('applications', 'approve', number, '--reviewer', 'ops-li');
    expect(approved).toMatchObject({ code: 0, stdout: expect.stringContaining('approved') });
    const twice = await cli('applications', 'approve', number, '--reviewer', 'ops-wang');
    expect(twice.code).not.toBe(0);
    expect(twice.stderr).toContain('ops-li');

    // the server's executor makes the refund at its acquirer
    expect(await t.app.executor.drain()).toBe(1);
    const executed = JSON.parse((await cli('applications', 'show', number, '--json')).stdout);
    expect(executed.status).toBe('executed');
    expect(executed.refunds).toEqual([expect.objectContaining({ amountFen: 1000 })]);
    const lookup = JSON.parse((await cli('lookup', paid.reference, '--json')).stdout);
    expect(lookup.refunds).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ refundNo: executed.refunds[0].refundNo, amountFen: 1000 }),
      ]),
    );
  });

  it('rejects with a reason the merchant is told; unknown numbers and missing reviewers are clear errors', {
    timeout: 180_000,
  }, async () => {
    const paid = payment(t, 'refund_twice');
    const m = merchantUser(t, paid.merchantNo);
    const number = await applyFor(m, paid.reference, 5);
    const rejected = await cli(
      'applications',
      'reject',
      number,
      '--reviewer',
      'ops-li',
      '--reason',
      '顾客已撤回退款请求',
    );
    expect(rejected.code).toBe(0);
    expect(JSON.parse((await cli('applications', 'show', number, '--json')).stdout)).toMatchObject({
      status: 'rejected',
      refunds: [],
    });
    const told = JSON.stringify((await t.app.assistant.history(m.conversationId as string))?.messages);
    expect(told).toContain('顾客已撤回退款请求');

    const missing = await cli('applications', 'show', 'RA-20000101-0001');
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('RA-20000101-0001');
    const noReviewer = await cli('applications', 'approve', number);
    expect(noReviewer.code).toBe(2);
  });
});
