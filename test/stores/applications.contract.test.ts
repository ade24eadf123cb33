import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Application, outRefundNoOf } from '../../bot/applications/index.js';
import { Database, MigrationError, SqlApplicationStore } from '../../integrations/stores/db/index.js';
import { freshPgDatabase } from '../support/postgres.js';

// One contract for the applications store, run on the SQLite file and on PostgreSQL (a database of
// its own per run): numbers, the one-open-application rule, decisions under concurrency, the outbox.

const pgDb = await freshPgDatabase('ra_test');
const havePg = pgDb !== undefined;

function draft(number: string, reference: string, at = new Date()): Application {
  const iso = at.toISOString();
  return {
    number,
    version: 1,
    status: 'in_review',
    merchantNo: '822100058120041',
    termNo: 'A1023456',
    reference,
    method: 'debit_card',
    tradeTime: iso,
    originalAmountFen: 10_000,
    refundedBeforeFen: 0,
    amountFen: 5_000,
    reason: 'goods_returned',
    proof: [],
    lang: 'zh',
    channel: 'widget',
    conversationId: 'c1',
    precheck: [],
    approvals: [],
    outRefundNo: outRefundNoOf(number),
    createdAt: iso,
    updatedAt: iso,
  };
}

const backends = [
  { name: 'SQLite', open: (dir: string) => Database.open({ dataDir: dir }), run: true },
  { name: 'PostgreSQL', open: () => Database.open({ dataDir: '', url: pgDb?.url as string }), run: havePg },
];

for (const backend of backends) {
  describe.skipIf(!backend.run)(`applications store on ${backend.name}`, () => {
    let dir: string;
    let database: Database;
    let store: SqlApplicationStore;
    beforeAll(async () => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'ra-db-'));
      database = await backend.open(dir);
      store = new SqlApplicationStore(database);
    });
    afterAll(async () => {
      await database?.close();
      rmSync(dir, { recursive: true, force: true });
      if (backend.name === 'PostgreSQL') {
        await pgDb?.drop();
      }
    });

    it('hands out numbers once, even when asked at once', async () => {
      const now = new Date('2026-12-01T04:00:00Z');
      const numbers = await Promise.all(Array.from({ length: 30 }, () => store.nextNumber(now)));
      expect(new Set(numbers).size).toBe(30);
      expect(numbers.every((n) => /^RA-20261201-\d{4}$/.test(n))).toBe(true);
    });

    it('keeps one open application per payment: 20 submissions at once make one', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, async () =>
          store.create(draft(await store.nextNumber(new Date()), '100000000001'), [
            { at: new Date().toISOString(), kind: 'submitted', role: 'merchant', data: {} },
          ]),
        ),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(await store.list({ reference: '100000000001' })).toHaveLength(1);
    });

    it('decides once when two approvals race, and enqueues one refund job', async () => {
      const number = await store.nextNumber(new Date());
      await store.create(draft(number, '100000000002'), []);
      const approve = () =>
        store.update(number, (a) =>
          a.status !== 'in_review'
            ? undefined
            : {
                application: { ...a, status: 'approved', updatedAt: new Date().toISOString() },
                events: [{ at: new Date().toISOString(), kind: 'approved', role: 'reviewer', data: {} }],
                job: 'enqueue',
              },
        );
      const [a, b] = await Promise.all([approve(), approve()]);
      expect([a.outcome, b.outcome].sort()).toEqual(['unchanged', 'updated']);
      expect((await store.events(number)).filter((e) => e.kind === 'approved')).toHaveLength(1);
      expect((await store.pendingJobs()).filter((j) => j.application === number)).toHaveLength(1);
    });

    it('gives a job to one worker at a time, again after its lease, and ends it with the result', async () => {
      const number = await store.nextNumber(new Date());
      await store.create(draft(number, '100000000003'), []);
      await store.update(number, (a) => ({
        application: { ...a, status: 'approved' },
        events: [],
        job: 'enqueue',
      }));
      await store.update(number, (a) => ({ application: a, events: [], job: 'enqueue' }));
      const now = new Date(Date.now() + 1000);
      const claims = await Promise.all(Array.from({ length: 6 }, () => store.claimJob(now, 60_000)));
      const mine = claims.filter((c) => c?.application === number);
      expect(mine).toHaveLength(1);
      // (an earlier test's job is pending too: it may be the one handed out)
      const again = await store.claimJob(now, 60_000);
      expect(again?.application).not.toBe(number);
      const after = new Date(now.getTime() + 61_000);
      let later = await store.claimJob(after, 60_000);
      while (later && later.application !== number) later = await store.claimJob(after, 60_000);
      expect(later).toMatchObject({ application: number, attempts: 2 });
      await store.update(number, (a) => ({
        application: { ...a, status: 'executed' },
        events: [{ at: new Date().toISOString(), kind: 'executed', role: 'system', data: {} }],
        job: 'done',
      }));
      expect((await store.pendingJobs()).filter((j) => j.application === number)).toHaveLength(0);
      // decided: the payment is free for another application
      expect(
        (await store.create(draft(await store.nextNumber(new Date()), '100000000003'), [])).created,
      ).toBe(true);
    });
  });
}

describe('migrations', () => {
  it('a failed migration stops the start and names it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ra-db-'));
    try {
      const broken = {
        '0001_broken': {
          async up() {
            throw new Error('boom');
          },
        },
      };
      await expect(Database.open({ dataDir: dir, migrations: broken })).rejects.toThrow(MigrationError);
      await expect(Database.open({ dataDir: dir, migrations: broken })).rejects.toThrow(/0001_broken/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
