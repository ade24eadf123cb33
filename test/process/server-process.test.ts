import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../knowledge/index.js';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ra-proc-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** The server as `npm start` runs it (from source here, so the test needs no build step). */
function start(env: Record<string, string>): {
  child: ChildProcess;
  lines: string[];
  ready: Promise<string>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', 'app/main.ts'], {
    cwd: projectRoot,
    env: {
      PATH: process.env.PATH,
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: '0',
      SANDBOX_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const ready = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      lines.push(line);
      const url = /"msg":"refund-assistant ready"/.test(line) ? /"url":"([^"]+)"/.exec(line)?.[1] : undefined;
      if (url) resolve(url);
    });
    createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) => lines.push(line));
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${lines.join('\n')}`)));
  });
  ready.catch(() => undefined); // a test that expects a failed start awaits the exit instead
  return { child, lines, ready };
}

const exitCode = (child: ChildProcess) =>
  new Promise<number | null>((r) => child.once('exit', (code) => r(code)));

describe('the server process', () => {
  it('starts with embedded defaults, answers, and stops cleanly on SIGTERM', async () => {
    const { child, lines, ready } = start({});
    const url = await ready;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const res = await fetch(`${url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: '退款失败怎么办，卡号6222021234567890123' }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { replies: Array<{ type: string }> };
    expect(body.replies[0]?.type).toBe('text');
    child.kill('SIGTERM');
    expect(await exitCode(child)).toBe(0);
    expect(lines.join('\n')).not.toContain('6222021234567890123');
    // a fresh DATA_DIR trains the classifier and makes the sandbox's keys: ~8 s alone, and past the
    // default 20 s on a machine busy with the other process and browser tests
  }, 90_000);

  it('refuses to start on invalid configuration, saying which variable is wrong', async () => {
    const { child, lines } = start({ PORT: 'not-a-port', LOG_LEVEL: 'loud' });
    expect(await exitCode(child)).toBe(1);
    const out = lines.join('\n');
    expect(out).toContain('PORT');
    expect(out).toContain('LOG_LEVEL');
  }, 60_000);
});
