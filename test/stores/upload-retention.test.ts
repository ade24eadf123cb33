import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Application, outRefundNoOf } from '../../bot/applications/index.js';
import { startTestApp, TEST_NOW, type TestApp } from '../support/app.js';
import { pdf, upload } from '../support/uploads.js';

// Uploads older than UPLOAD_RETENTION_DAYS are deleted by a sweep (record and file), unless an
// application not finished yet still refers to them; files from before uploads had records go by
// their age on disk. The clock is the test's.

const DAY = 86_400_000;
let now = TEST_NOW.getTime();
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ UPLOAD_RETENTION_DAYS: '90' }, () => new Date(now));
});
afterAll(() => t.close());

function application(number: string, reference: string, status: Application['status'], proofId: string) {
  const at = new Date(now).toISOString();
  return {
    number,
    version: 1,
    status,
    merchantNo: '822100058120041',
    termNo: 'A1023456',
    reference,
    method: 'debit_card',
    tradeTime: at,
    originalAmountFen: 10_000,
    refundedBeforeFen: 0,
    amountFen: 5_000,
    reason: 'goods_returned',
    proof: [{ id: proofId, name: '小票.pdf', type: 'application/pdf', size: 64 }],
    lang: 'zh',
    channel: 'widget',
    conversationId: 'c1c1c1c1',
    precheck: [],
    approvals: [],
    outRefundNo: outRefundNoOf(number),
    createdAt: at,
    updatedAt: at,
  } satisfies Application;
}

const uploadsDir = () => path.join(t.dataDir, 'uploads');
const onDisk = (id: string) => existsSync(path.join(uploadsDir(), id));
const recorded = async (id: string) =>
  (await t.app.database.db.selectFrom('uploads').select('id').where('id', '=', id).executeTakeFirst()) !==
  undefined;

describe('the upload retention sweep', () => {
  it('deletes what is past retention, keeps what is recent or still needed by an open application', async () => {
    const old = (await upload(t.server, pdf())).id as string;
    const openProof = (await upload(t.server, pdf())).id as string;
    const rejectedProof = (await upload(t.server, pdf())).id as string;
    await t.app.applications.store.create(
      application('RA-20261125-0001', '100000000001', 'in_review', openProof),
      [],
    );
    await t.app.applications.store.create(
      application('RA-20261125-0002', '100000000002', 'rejected', rejectedProof),
      [],
    );
    // files from before uploads were recorded: one as old as the first uploads, one 90 days younger
    mkdirSync(uploadsDir(), { recursive: true });
    const legacyOld = '00000000-0000-4000-8000-000000000001.pdf';
    const legacyNew = '00000000-0000-4000-8000-000000000002.pdf';
    for (const [name, days] of [
      [legacyOld, 0],
      [legacyNew, 90],
    ] as const) {
      writeFileSync(path.join(uploadsDir(), name), pdf());
      const at = new Date(TEST_NOW.getTime() + days * DAY);
      utimesSync(path.join(uploadsDir(), name), at, at);
    }

    now = TEST_NOW.getTime() + 89 * DAY;
    expect((await t.app.uploads.sweep()).deleted).toBe(0);

    now = TEST_NOW.getTime() + 91 * DAY;
    const recent = (await upload(t.server, pdf())).id as string;
    const link = t.app.fileLinks.path(old, t.app.clock());
    expect((await t.app.uploads.sweep()).deleted).toBe(3);

    for (const id of [old, rejectedProof, legacyOld]) {
      expect(await recorded(id), id).toBe(false);
      expect(onDisk(id), id).toBe(false);
    }
    for (const id of [openProof, recent]) {
      expect(await recorded(id), id).toBe(true);
      expect(onDisk(id), id).toBe(true);
    }
    expect(onDisk(legacyNew)).toBe(true);
    // the link agents were given answers like any unknown file
    expect((await t.server.inject({ url: link })).statusCode).toBe(404);
    expect((await t.app.uploads.read(recent))?.type).toBe('application/pdf');
  });

  it('sweeps at once (every instance runs one) delete each upload once and fail on nothing', async () => {
    const before = now;
    const olds = await Promise.all(
      [1, 2, 3, 4].map(async () => (await upload(t.server, pdf())).id as string),
    );
    now = before + 91 * DAY;
    const results = await Promise.all([t.app.uploads.sweep(), t.app.uploads.sweep(), t.app.uploads.sweep()]);
    expect(results.reduce((n, r) => n + r.deleted, 0)).toBeGreaterThanOrEqual(olds.length);
    for (const id of olds) {
      expect(await recorded(id)).toBe(false);
      expect(onDisk(id)).toBe(false);
    }
  });
});
