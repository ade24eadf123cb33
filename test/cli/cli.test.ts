import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { sandboxKeys, seed } from '../../integrations/connectors/sandbox/index.js';
import { addDays, formatDate, isoWeekday, projectRoot, todayIn } from '../../knowledge/index.js';

// The command runs on the real clock: expected dates are worked out the same way.
const today = todayIn(new Date());
const yesterday = formatDate(addDays(today, -1));
const lastWednesday = formatDate(addDays(today, 1 - isoWeekday(today) - 7 + 2));

const run = promisify(execFile);
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ra-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** The real command, as `npm run --silent cli -- …` runs it (from source, so no build is needed). */
async function cli(
  ...input: Array<string | Record<string, string>>
): Promise<{ code: number; stdout: string; stderr: string }> {
  const args = input.filter((a) => typeof a === 'string');
  const env = Object.assign({}, ...input.filter((a) => typeof a !== 'string'));
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'app/cli/main.ts', ...args], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH, DATA_DIR: dataDir, ...env },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('cli', () => {
  it('ask prints the reply as a person reads it', { timeout: 120_000 }, async () => {
    const { code, stdout } = await cli('ask', '退款的手续费能退回来吗');
    expect(code).toBe(0);
    expect(stdout).toContain('1. ');
    expect(stdout).toContain('/kb/zh/refund-policy');
    expect(stdout).not.toContain('**');
  });

  it('ask --json prints the structured result', { timeout: 120_000 }, async () => {
    const { stdout } = await cli('ask', '--json', '尾号6688的卡昨天退的款还没到账');
    const result = JSON.parse(stdout);
    expect(result.intent.intent).toBe('refund_not_received');
    expect(result.entities).toMatchObject({ cardLast4: '6688', date: yesterday });
    expect(result.replies[0].type).toBe('text');
  });

  it('eval writes one JSON line per input line, in order, bad lines included', {
    timeout: 120_000,
  }, async () => {
    const file = path.join(dataDir, 'in.jsonl');
    writeFileSync(
      file,
      [
        JSON.stringify({ text: '上周三刷卡退的88元还没到，尾号6688' }),
        'not json',
        JSON.stringify({ text: 'what documents do I need?', intent: 'ignored' }),
        JSON.stringify({ nope: 1 }),
        JSON.stringify({ text: '12306退票多久到账' }),
      ].join('\n'),
    );
    const { code, stdout } = await cli('eval', file);
    expect(code).toBe(0);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatchObject({
      text: '上周三刷卡退的88元还没到，尾号6688',
      intent: 'refund_not_received',
      entities: { amount: 88, date: lastWednesday, card_last4: '6688' },
    });
    expect(lines[0].articles[0]).toBe('refund-not-received');
    expect(lines[1]).toEqual({ text: null, error: 'line 2: not valid JSON' });
    expect(lines[2].intent).toBe('required_documents');
    expect(lines[3].error).toContain('"text" must be a string');
    expect(lines[4]).toMatchObject({ intent: 'out_of_scope', articles: [] });
  });

  it('check validates the content', { timeout: 120_000 }, async () => {
    const { code, stdout } = await cli('check');
    expect(code).toBe(0);
    expect(stdout).toContain('content OK');
  });

  it('an unknown command explains the usage and fails', { timeout: 120_000 }, async () => {
    const { code, stderr } = await cli('frobnicate');
    expect(code).toBe(2);
    expect(stderr).toContain('Usage');
  });
});

describe('cli lookup: a status report for an operator', () => {
  // the CLI's own sandbox seeds the same scenarios from the real clock
  const scenario = (name: string) => {
    const t = seed({ now: new Date() }).find((x) => x.scenario === name);
    if (!t) throw new Error(name);
    return t;
  };

  it('reports the payment, each refund with its amount, state and dates, and the next step', async () => {
    const t = scenario('refund_overdue_card');
    const { code, stdout } = await cli('lookup', t.reference);
    expect(code).toBe(0);
    expect(stdout).toContain(`交易 ${t.reference} 的状态`);
    expect(stdout).toContain('付款: ');
    expect(stdout).toContain('¥1599.00 · 处理中 · 申请于 ');
    expect(stdout).toContain('已退合计: ¥0.00 / ¥1599.00');
    expect(stdout).toMatch(/下一步: 已超过预计到账日 \d{4}-\d{2}-\d{2}（晚了 \d+ 个工作日）/);
    // an operator's report, not the consumer's flow
    expect(stdout).not.toContain('请问');
    expect(stdout).toMatch(/\d{4}\*{4}\d{4}/); // the card, masked; never whole
    expect(stdout).not.toMatch(/\b\d{16,19}\b/);
    const en = await cli('lookup', t.reference, '--locale', 'en');
    expect(en.stdout).toContain('Refunds and voids:');
    expect(en.stdout).toContain('Next step: Overdue since');
  }, 60_000);

  it('--json sums the refunds: refundedFen is what succeeded, and every refund has its amount in fen', async () => {
    const t = scenario('refund_twice');
    const { code, stdout } = await cli('lookup', t.reference, '--json');
    expect(code).toBe(0);
    const record = JSON.parse(stdout);
    expect(record.outcome).toBe('found');
    expect(record.transaction.refundedFen).toBe(25000);
    expect(record.refunds).toEqual([
      expect.objectContaining({
        kind: 'refund',
        amountFen: 10000,
        status: 'succeeded',
        requestedAt: expect.any(String),
      }),
      expect.objectContaining({ kind: 'refund', amountFen: 15000, status: 'succeeded' }),
    ]);
    expect(record.refunds[0].refundNo).toMatch(/^RF\d+/);
    const voided = JSON.parse((await cli('lookup', scenario('void_same_day').reference, '--json')).stdout);
    expect(voided.transaction.refundedFen).toBe(voided.transaction.amountFen);
    const overdue = JSON.parse(
      (await cli('lookup', scenario('refund_overdue_card').reference, '--json')).stdout,
    );
    expect(overdue.arrival).toMatchObject({
      overdue: true,
      expectedBy: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
  }, 60_000);

  it('exits 3 for a reference the acquirer does not know, 2 for one that is not a reference', async () => {
    const missing = await cli('lookup', '000000000000');
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('没有查到参考号为 000000000000 的交易');
    const json = await cli('lookup', '000000000000', '--json');
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout)).toEqual({ outcome: 'not_found', reference: '000000000000' });
    expect((await cli('lookup', '12345')).code).toBe(2);
  }, 60_000);

  it('exits 4 when the acquirer does not answer', async () => {
    const keys = sandboxKeys(path.join(dataDir, 'keys'));
    const down = await cli('lookup', '261120000001', '--locale', 'en', {
      LAKALA_BASE_URL: 'http://127.0.0.1:9',
      LAKALA_APP_ID: 'OP00000003',
      LAKALA_SERIAL_NO: '01',
      LAKALA_PRIVATE_KEY_FILE: keys.merchantKeyFile,
      LAKALA_PLATFORM_CERT_FILE: keys.platformCertFile,
      LAKALA_TIMEOUT_MS: '300',
    });
    expect(down.code).toBe(4);
    expect(down.stderr).toContain('is not answering');
  }, 60_000);
});

describe('flow diagrams', () => {
  it('docs/flows has an up-to-date Mermaid page per tree (npm run --silent cli -- graph)', async () => {
    const { readFileSync } = await import('node:fs');
    const { flowToMarkdown, loadFlows } = await import('../../flows/engine/index.js');
    const { loadContent } = await import('../../knowledge/index.js');
    const flows = loadFlows({ articleIds: new Set(loadContent().articles.map((a) => a.id)) });
    for (const flow of flows) {
      const file = path.join(projectRoot, 'docs', 'flows', `${flow.id.replace(/_/g, '-')}.md`);
      expect(readFileSync(file, 'utf8'), `${file} is stale: run npm run --silent cli -- graph`).toBe(
        flowToMarkdown(flow),
      );
    }
  });
});
