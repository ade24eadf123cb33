import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { addDays, formatDate, isoWeekday, projectRoot, todayIn } from '../../knowledge/index.js';

// The command runs on the real clock: expected dates are worked out the same way.
const today = todayIn(new Date());
const yesterday = formatDate(addDays(today, -1));
const lastWednesday = formatDate(addDays(today, 1 - isoWeekday(today) - 7 + 2));

const run = promisify(execFile);
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ra-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** The real command, as `npm run --silent cli -- …` runs it (from source, so no build is needed). */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'app/cli/main.ts', ...args], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH, DATA_DIR: dataDir },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('cli', () => {
  it('ask prints the reply as a person reads it', async () => {
    const { code, stdout } = await cli('ask', '退款的手续费能退回来吗');
    expect(code).toBe(0);
    expect(stdout).toContain('1. ');
    expect(stdout).toContain('/kb/zh/refund-policy');
    expect(stdout).not.toContain('**');
  });

  it('ask --json prints the structured result', async () => {
    const { stdout } = await cli('ask', '--json', '尾号6688的卡昨天退的款还没到账');
    const result = JSON.parse(stdout);
    expect(result.intent.intent).toBe('refund_not_received');
    expect(result.entities).toMatchObject({ cardLast4: '6688', date: yesterday });
    expect(result.replies[0].type).toBe('text');
  });

  it('eval writes one JSON line per input line, in order, bad lines included', async () => {
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

  it('check validates the content', async () => {
    const { code, stdout } = await cli('check');
    expect(code).toBe(0);
    expect(stdout).toContain('content OK');
  });

  it('an unknown command explains the usage and fails', async () => {
    const { code, stderr } = await cli('frobnicate');
    expect(code).toBe(2);
    expect(stderr).toContain('Usage');
  });
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
