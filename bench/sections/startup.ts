import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../knowledge/index.js';
import { APPLICATIONS, seedOperatorData, TICKET } from '../../test/cli/operator-data.js';
import { rssMb, startAssistant } from '../processes.js';
import { fmt, percentile } from '../shared.js';

/** Process start to ready, and resident memory after start; then each operator command start to exit. */
export async function startupSection(): Promise<void> {
  console.log('\nProcess start to ready (node dist/app/main.js; index and model built; listening)');
  const times: number[] = [];
  const rss: number[] = [];
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ra-bench-'));
  let first = 0;
  // the first start on an empty DATA_DIR also makes the sandbox's key pairs; later starts reuse them
  for (let i = 0; i < 6; i++) {
    const child = await startAssistant(dataDir, 39_000 + i);
    if (i === 0) first = child.readyMs;
    else times.push(child.readyMs);
    await new Promise((r) => setTimeout(r, 300));
    rss.push(rssMb(child.proc.pid as number));
    child.proc.kill('SIGTERM');
    await new Promise((r) => child.proc.once('exit', r));
  }
  times.sort((a, b) => a - b);
  console.log(
    `  ready in: median ${fmt(percentile(times, 50))}, worst ${fmt(times.at(-1) ?? 0)} (5 restarts); first start on an empty DATA_DIR ${fmt(first)}`,
  );
  console.log(
    `  resident memory after start: ${Math.max(...rss).toFixed(0)} MB (assistant and embedded sandbox in one process)`,
  );
  await operatorCommands(dataDir);
  rmSync(dataDir, { recursive: true, force: true });
}

/**
 * Each `npm run cli` command as `node dist/app/cli/main.js …` (npm adds its own start, ~0.3 s, and
 * the build check), on a DATA_DIR the server has used (its model cached, its sandbox keys made):
 * start to exit, median of 3. Each opens only what it needs; only ask and eval load the model.
 */
async function operatorCommands(dataDir: string): Promise<void> {
  await seedOperatorData(dataDir);
  const commands = [
    ['help'],
    ['check'],
    ['tickets', 'list'],
    ['tickets', 'show', TICKET.number],
    ['applications', 'list'],
    ['applications', 'show', APPLICATIONS[0]],
    ['audit', 'export', '--from', '2026-01-01', '--to', '2099-12-31'],
    ['lookup', '000000000000'],
    ['ask', '退款多久到账'],
  ];
  console.log('\nOperator commands, start to exit (node dist/app/cli/main.js …; median of 3)');
  for (const args of commands) {
    const ms: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      spawnSync(process.execPath, ['dist/app/cli/main.js', ...args], {
        cwd: projectRoot,
        env: { PATH: process.env.PATH, DATA_DIR: dataDir, SANDBOX_PORT: '0' },
        stdio: 'ignore',
      });
      ms.push(performance.now() - t0);
    }
    ms.sort((a, b) => a - b);
    console.log(`  ${args.join(' ').slice(0, 44).padEnd(44)} ${fmt(percentile(ms, 50))}`);
  }
}
