import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../knowledge/index.js';
import { freshPgDatabase, type PgDatabase } from '../support/postgres.js';
import { APPLICATIONS, seedOperatorData, TICKET } from './operator-data.js';

// The commands that read or decide on the business database open that database and nothing they
// do not need: no model is trained (DATA_DIR/cache, where start-up keeps the trained model and the
// search index, stays absent — `ask` in the same directory makes it), no sandbox acquirer is started
// (DATA_DIR/sandbox, its keys, stays absent) and the configured acquirer is never opened (its key
// files do not exist, so opening it would fail). What they print is what they printed when they
// composed the whole app for every command (captured then, on this same data).

const run = promisify(execFile);

/** An acquirer that cannot be opened: its key files are missing. */
const NO_ACQUIRER = {
  LAKALA_BASE_URL: 'http://127.0.0.1:9',
  LAKALA_APP_ID: 'OP00000003',
  LAKALA_SERIAL_NO: '01',
  LAKALA_PRIVATE_KEY_FILE: '/nonexistent/merchant-key.pem',
  LAKALA_PLATFORM_CERT_FILE: '/nonexistent/platform-cert.pem',
};

const SHARED_SECRETS = {
  WIDGET_TOKEN_SECRET: 'test-widget-token-secret-shared-by-every-instance',
  FILE_LINK_SECRET: 'test-file-link-secret-shared-by-every-instance',
};

async function cli(
  env: Record<string, string>,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'app/cli/main.ts', ...args], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH, ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const [first, second] = APPLICATIONS;

const TICKETS_LIST = `${TICKET.number}  2026-11-20 02:30  open  widget  zh  138****5678  退款还没到账，请回电\n`;
const APPLICATIONS_LIST =
  `${second}  2026-11-20 03:00  in_review  ¥10.00  261118000005  822100058120041\n` +
  `${first}  2026-11-20 03:00  in_review  ¥10.00  261118000004  822100058120041\n`;
const SHOWN =
  `${first}  in_review  ¥10.00 of payment 261118000004 (merchant 822100058120041)\n` +
  '  ✓ 在退款期限内\n' +
  '  2026-11-20 03:00:00  submitted (822100058120041)\n' +
  '  2026-11-20 03:00:00  in_review\n';

let pgDatabase: PgDatabase | undefined;
beforeAll(async () => {
  pgDatabase = await freshPgDatabase('cli_operator', { quiet: true });
});
afterAll(async () => {
  await pgDatabase?.drop();
});

describe.each([{ store: 'SQLite' }, { store: 'PostgreSQL' }])(
  'database-only commands on $store',
  ({ store }) => {
    it('answer from the database alone: same output as before, no model trained, no acquirer opened', {
      timeout: 240_000,
    }, async (ctx) => {
      if (store === 'PostgreSQL' && !pgDatabase) ctx.skip('PostgreSQL does not answer at 127.0.0.1:5432');
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ra-cli-db-'));
      try {
        const url = store === 'PostgreSQL' ? pgDatabase?.url : undefined;
        await seedOperatorData(dataDir, url);
        const env = {
          DATA_DIR: dataDir,
          ...NO_ACQUIRER,
          ...(url && { DATABASE_URL: url, ...SHARED_SECRETS }),
        };
        const untouched = () => {
          expect(existsSync(path.join(dataDir, 'cache')), 'a model was trained or loaded').toBe(false);
          expect(existsSync(path.join(dataDir, 'sandbox')), 'a sandbox acquirer was started').toBe(false);
        };

        expect(await cli(env, 'tickets', 'list')).toEqual({ code: 0, stdout: TICKETS_LIST, stderr: '' });
        const ticket = await cli(env, 'tickets', 'show', TICKET.number);
        expect(ticket.stdout).toContain('contact:       13812345678 (phone)');
        expect(await cli(env, 'applications', 'list')).toEqual({
          code: 0,
          stdout: APPLICATIONS_LIST,
          stderr: '',
        });
        expect(await cli(env, 'applications', 'show', first)).toEqual({ code: 0, stdout: SHOWN, stderr: '' });
        const json = JSON.parse((await cli(env, 'applications', 'show', first, '--json')).stdout);
        expect(json).toMatchObject({ number: first, status: 'in_review', refunds: [], amountFen: 1000 });
        untouched();
        // nothing but the business database and, outside PostgreSQL, nothing but its file
        if (!url) expect(readdirSync(dataDir)).toEqual(['refund-assistant.sqlite']);

        // decisions: the same rules as ever (decided once, the second reviewer hears who decided)
        expect(await cli(env, 'applications', 'approve', first, '--reviewer', 'ops-li')).toMatchObject({
          code: 0,
          stdout: `${first} approved\n`,
        });
        const twice = await cli(env, 'applications', 'approve', first, '--reviewer', 'ops-wang');
        expect(twice).toMatchObject({
          code: 5,
          stderr: `${first} was already decided (approved by ops-li)\n`,
        });
        expect(
          await cli(env, 'applications', 'reject', second, '--reviewer', 'ops-li', '--reason', '顾客撤回'),
        ).toMatchObject({ code: 0, stdout: `${second} rejected\n` });
        const rejected = JSON.parse((await cli(env, 'applications', 'show', second, '--json')).stdout);
        expect(rejected).toMatchObject({ status: 'rejected', decidedBy: 'ops-li', rejectReason: '顾客撤回' });
        expect((await cli(env, 'applications', 'show', 'RA-20000101-0001')).code).toBe(3);

        // each decision audited with who made it
        const audit = await cli(env, 'audit', 'export', '--from', '2026-01-01', '--to', '2099-12-31');
        expect(audit.code).toBe(0);
        const records = audit.stdout
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l));
        expect(records).toEqual([
          expect.objectContaining({ actor: 'ops-li', what: 'application.review', outcome: 'approved' }),
          expect.objectContaining({ actor: 'ops-li', what: 'application.review', outcome: 'rejected' }),
        ]);
        // the insights review queue: empty here, and an export of nothing writes nothing
        expect(await cli(env, 'insights', 'queue')).toEqual({
          code: 0,
          stdout: 'the review queue is empty\n',
          stderr: '',
        });
        const exported = await cli(env, 'insights', 'export', '--out', path.join(dataDir, 'reviewed'));
        expect(exported.code).toBe(0);
        expect(exported.stdout).toContain('the review queue is empty: nothing to export');
        expect(existsSync(path.join(dataDir, 'reviewed'))).toBe(false);
        untouched();

        // the observable is real: the assistant does make the cache
        const asked = await cli({ ...env, LAKALA_BASE_URL: '' }, 'ask', '退款多久到账');
        expect(asked.code).toBe(0);
        // and closes cleanly: nothing on stderr but the conversation to carry on
        expect(asked.stderr).toMatch(/^\(conversation [\w-]+\)\n$/);
        expect(existsSync(path.join(dataDir, 'cache'))).toBe(true);
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  },
);

describe('content commands', () => {
  it('check validates content and flows and help lists every command, neither touching DATA_DIR', {
    timeout: 120_000,
  }, async () => {
    const dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'ra-cli-content-')), 'never-made');
    try {
      const checked = await cli({ DATA_DIR: dataDir, ...NO_ACQUIRER }, 'check');
      expect(checked).toMatchObject({ code: 0, stdout: expect.stringMatching(/^content OK: \d+ articles/) });
      expect(existsSync(dataDir), 'check opened something in DATA_DIR').toBe(false);
      const help = await cli({ DATA_DIR: dataDir }, 'help');
      expect(help.code).toBe(0);
      for (const command of ['ask', 'eval', 'check', 'lookup', 'graph', 'tickets', 'applications', 'audit'])
        expect(help.stdout).toContain(`\n  ${command} `);
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      rmSync(path.dirname(dataDir), { recursive: true, force: true });
    }
  });
});
