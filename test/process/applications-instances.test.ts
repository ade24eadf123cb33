import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Application, outRefundNoOf } from '../../bot/applications/index.js';
import type { SandboxTrade } from '../../integrations/connectors/sandbox/index.js';
import { SHARED_SECRETS, startTestApp, type TestApp } from '../support/app.js';
import {
  applicationRows,
  applyFor,
  auditWrites,
  type CliResult,
  cli,
  eventually,
  freshProcessDatabase,
  holdLock,
  PortalMerchant,
  type RunningSandbox,
  type ServerProcess,
  startSandbox,
  startServer,
} from '../support/process.js';
import { REDIS_KEY_PREFIX, REDIS_URL, redisAvailable } from '../support/redis.js';

// A deployment of two instances — two server processes — on one PostgreSQL database and one
// Redis, with the acquirer outside both (here, in the test process). Operators approve at the
// CLI, each command a process of its own; the instances' executors drain the one refund outbox.
// Whatever runs at once, every approved application is decided once and refunded once.

const database = (await redisAvailable()) ? await freshProcessDatabase('instances') : undefined;

describe.skipIf(!database)('two instances on one PostgreSQL database and one Redis', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ra-instances-'));
  const prefix = `${REDIS_KEY_PREFIX}instances:`;
  let acquirer: RunningSandbox;
  let one: ServerProcess;
  let two: ServerProcess;
  /** A third instance, in the test process: an operator's, reading records (its executor never runs). */
  let third: TestApp;
  let env: Record<string, string>;
  /** Settled card payments, each for one application: two, six and one for the tests below. */
  let payments: SandboxTrade[];

  beforeAll(async () => {
    acquirer = await startSandbox(path.join(dataDir, 'acquirer'));
    payments = acquirer.refundable();
    env = {
      DATA_DIR: dataDir,
      DATABASE_URL: database?.url as string,
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      // one deployment: every instance the same secrets
      ...SHARED_SECRETS,
      ...acquirer.env,
      // above ¥20, two different reviewers must approve
      APPLICATION_FOUR_EYES_FEN: '2000',
      APPLICATION_WORKER_MS: '200',
    };
    // each kept as soon as it is up, so that afterAll stops it whatever else fails
    await Promise.all([
      startServer(env).then((s) => (one = s)),
      startServer(env).then((s) => (two = s)),
      startTestApp(env, () => new Date()).then((t) => (third = t)),
    ]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([one?.stop(), two?.stop()]);
    const redis = third?.app.state.redis;
    if (redis)
      for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 }))
        if (keys.length) await redis.del(keys);
    await third?.close();
    await acquirer?.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const store = () => third.app.applications.store;

  async function executed(numbers: string[]): Promise<Application[]> {
    return eventually(`${numbers.join(', ')} executed`, async () => {
      const all = await Promise.all(numbers.map((n) => store().get(n)));
      return all.every((a) => a?.status === 'executed') ? (all as Application[]) : undefined;
    });
  }

  const count = (list: string[], kind: string) => list.filter((k) => k === kind).length;

  async function kinds(number: string): Promise<string[]> {
    return (await store().events(number)).map((e) => e.kind);
  }

  /**
   * Refunds are executed, but their answers wait until the returned function is called: nothing is
   * recorded (nor told) as executed meanwhile, so the decisions' notices come first, as they would
   * with any acquirer slower than a database write.
   */
  function holdRefundAnswers(): () => void {
    let answer: () => void = () => undefined;
    acquirer.sandbox.faults = { holdRefundAnswer: new Promise<void>((r) => (answer = r)) };
    return () => {
      acquirer.sandbox.faults = {};
      answer();
    };
  }

  /** One refund at the acquirer for the application, asked for once. */
  function refundedOnceAtTheAcquirer(number: string): void {
    const no = outRefundNoOf(number);
    const refunds = acquirer.sandbox.trades
      .flatMap((t) => t.refunds)
      .filter((r) => r.outRefundOrderNo === no);
    expect(refunds, number).toHaveLength(1);
    expect(
      acquirer.sandbox.refundRequests.filter((x) => x === no),
      number,
    ).toHaveLength(1);
  }

  it('two operators approving at the same instant on two instances: one decides, one refund', {
    timeout: 240_000,
  }, async () => {
    const [small, large] = payments;
    if (!small || !large) throw new Error('the sandbox has too few refundable card payments');
    // one merchant applies for ¥10 through instance one, another for ¥30 through instance two
    const m1 = new PortalMerchant(one.url, small.merchantNo);
    const m2 = new PortalMerchant(two.url, large.merchantNo);
    const [single, double] = await Promise.all([
      applyFor(m1, small.reference, 10),
      applyFor(m2, large.reference, 30),
    ]);

    // Both applications' rows are held locked while four operator commands start, so that all
    // four reach the decision together when they are let go: a real race, not a staggered one.
    const gate = await holdLock(database?.url as string, applicationRows([single, double]));
    const answer = holdRefundAnswers();
    let results: CliResult[];
    try {
      const approve = (number: string, reviewer: string) =>
        cli(['applications', 'approve', number, '--reviewer', reviewer], env);
      const commands = [
        approve(single, 'ops-li'),
        approve(single, 'ops-wang'),
        approve(double, 'ops-li'),
        approve(double, 'ops-wang'),
      ];
      await gate.waitForWaiters(4, commands);
      await gate.release();
      results = await Promise.all(commands);
    } finally {
      answer();
      await gate.close();
    }
    const [li1, wang1, li2, wang2] = results as [CliResult, CliResult, CliResult, CliResult];

    // ¥10 needs one approval: one operator approves it, the other hears who already did
    const winner = li1.code === 0 ? li1 : wang1;
    const loser = winner === li1 ? wang1 : li1;
    const winnerName = winner === li1 ? 'ops-li' : 'ops-wang';
    expect(winner, winner.stderr).toMatchObject({ code: 0, stdout: `${single} approved\n` });
    expect(loser).toMatchObject({
      code: 5,
      stderr: `${single} was already decided (approved by ${winnerName})\n`,
    });

    // ¥30 needs two different reviewers: the first one's is recorded, the second one approves
    expect([li2, wang2].map((r) => `${r.code} ${r.stdout}`).sort()).toEqual([
      `0 ${double} approved\n`,
      `0 ${double}: approval recorded; 2 different reviewers must approve\n`,
    ]);

    // the instances' executors refund each once
    const [a, b] = await executed([single, double]);
    expect(a?.refund?.amountFen).toBe(1000);
    expect(b?.refund?.amountFen).toBe(3000);
    expect(b?.approvals.map((x) => x.reviewer).sort()).toEqual(['ops-li', 'ops-wang']);
    const [singleKinds, doubleKinds] = await Promise.all([kinds(single), kinds(double)]);
    expect([singleKinds, doubleKinds].map((k) => count(k, 'approval_recorded'))).toEqual([1, 2]);
    expect([singleKinds, doubleKinds].map((k) => count(k, 'approved'))).toEqual([1, 1]);
    expect([singleKinds, doubleKinds].map((k) => count(k, 'executed'))).toEqual([1, 1]);
    refundedOnceAtTheAcquirer(single);
    refundedOnceAtTheAcquirer(double);
    expect(await store().pendingJobs()).toEqual([]);

    // each merchant, reloading the chat through the other instance (the conversation is in
    // Redis), reads once that it was approved and once that it was refunded, and sees it refunded
    for (const [m, number] of [
      [m1.via(two.url), single],
      [m2.via(one.url), double],
    ] as const) {
      expect(await m.toldTimes(`${number} 已审核通过`)).toBe(1);
      await eventually(`${number}'s merchant told of the refund`, async () =>
        (await m.toldTimes(`${number} 的退款已执行`)) > 0 ? true : undefined,
      );
      expect(await m.toldTimes(`${number} 的退款已执行`)).toBe(1);
      expect((await m.says(`${number} 到哪一步了`)).said).toContain('已退款');
    }
  });

  it('two instances draining one outbox execute every approved refund once', {
    timeout: 240_000,
  }, async () => {
    const paid = payments.slice(2, 8);
    expect(paid).toHaveLength(6);
    // six merchants' applications, submitted through either instance
    const merchants = paid.map((p, i) => new PortalMerchant(i % 2 ? two.url : one.url, p.merchantNo));
    const numbers = await Promise.all(merchants.map((m, i) => applyFor(m, paid[i]?.reference ?? '', 11)));

    const answer = holdRefundAnswers();
    try {
      // an operator approves all six at once: six jobs in the outbox together
      const decided = await Promise.all(
        numbers.map((n) => third.app.applications.approve(n, { id: 'ops-li', channel: 'cli' })),
      );
      expect(decided.map((d) => d.outcome)).toEqual(numbers.map(() => 'approved'));
    } finally {
      answer();
    }
    // from now on every acquirer answer takes a while, so both executors are busy at once
    acquirer.sandbox.faults = { delayMs: 150 };
    try {
      const done = await executed(numbers);
      expect(done.map((a) => a.refund?.amountFen)).toEqual(numbers.map(() => 1100));
    } finally {
      acquirer.sandbox.faults = {};
    }
    for (const number of numbers) {
      const recorded = (await store().events(number)).filter((e) => e.kind === 'executed');
      // executed once, by the first worker that took the job: nobody took it twice
      expect(recorded, number).toHaveLength(1);
      expect(recorded[0]?.data.attempts, number).toBe(1);
      refundedOnceAtTheAcquirer(number);
    }
    expect(await store().pendingJobs()).toEqual([]);
    // and every merchant reads of their refund once
    for (const [i, m] of merchants.entries()) {
      const elsewhere = m.via(i % 2 ? one.url : two.url);
      const told = `${numbers[i]} 的退款已执行`;
      await eventually(`merchant ${i} told of the refund`, async () =>
        (await elsewhere.toldTimes(told)) > 0 ? true : undefined,
      );
      expect(await elsewhere.toldTimes(told)).toBe(1);
    }
  });

  // The moment that once went wrong (bot/applications/service.ts, fixed on main in dbfbf1b): both
  // reviewers' approvals written before either command has told anyone. Each must tell of the
  // event it wrote, not the latest one: the first hears "recorded", the merchant reads "approved"
  // once. The commands are held at their audit record, after both decisions, to make it certain.
  it('four-eyes approvals landing together: the first hears "recorded", the merchant is told once', {
    timeout: 240_000,
  }, async () => {
    const paid = payments[8];
    if (!paid) throw new Error('the sandbox has too few refundable card payments');
    const m = new PortalMerchant(one.url, paid.merchantNo);
    const number = await applyFor(m, paid.reference, 25);

    const url = database?.url as string;
    const rows = await holdLock(url, applicationRows([number]));
    const audit = await holdLock(url, auditWrites);
    const answer = holdRefundAnswers();
    let results: CliResult[];
    try {
      const commands = ['ops-li', 'ops-wang'].map((reviewer) =>
        cli(['applications', 'approve', number, '--reviewer', reviewer], env),
      );
      await rows.waitForWaiters(2, commands);
      await rows.release();
      // both decisions written, neither told yet
      await audit.waitForWaiters(2, commands);
      await audit.release();
      results = await Promise.all(commands);
    } finally {
      answer();
      await Promise.all([rows.close(), audit.close()]);
    }
    expect(results.map((r) => `${r.code} ${r.stdout}`).sort()).toEqual([
      `0 ${number} approved\n`,
      `0 ${number}: approval recorded; 2 different reviewers must approve\n`,
    ]);
    const [done] = await executed([number]);
    expect(done?.approvals.map((x) => x.reviewer).sort()).toEqual(['ops-li', 'ops-wang']);
    const timeline = await kinds(number);
    expect([count(timeline, 'approval_recorded'), count(timeline, 'approved')]).toEqual([2, 1]);
    refundedOnceAtTheAcquirer(number);

    const back = m.via(two.url);
    await eventually('the merchant told of the refund', async () =>
      (await back.toldTimes(`${number} 的退款已执行`)) > 0 ? true : undefined,
    );
    expect(await back.toldTimes(`${number} 的退款已执行`)).toBe(1);
    expect(await back.toldTimes(`${number} 已审核通过`)).toBe(1);
  });
});
