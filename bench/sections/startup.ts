import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rssMb, startAssistant } from '../processes.js';
import { fmt, percentile } from '../shared.js';

/** Process start to ready, and resident memory after start. */
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
  rmSync(dataDir, { recursive: true, force: true });
  times.sort((a, b) => a - b);
  console.log(
    `  ready in: median ${fmt(percentile(times, 50))}, worst ${fmt(times.at(-1) ?? 0)} (5 restarts); first start on an empty DATA_DIR ${fmt(first)}`,
  );
  console.log(
    `  resident memory after start: ${Math.max(...rss).toFixed(0)} MB (assistant and embedded sandbox in one process)`,
  );
}
