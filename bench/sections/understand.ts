import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../app/app.js';
import { loadConfig } from '../../app/config.js';
import { createLogger } from '../../app/logger.js';
import { fmt, messages, percentile } from '../shared.js';

/** Per message in process: understanding and answer, with search, and a whole turn with its state. */
export async function understandSection(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ra-bench-'));
  const app = await createApp(loadConfig({ DATA_DIR: dataDir }), createLogger('silent'));
  const { assistant } = app;
  const timeEach = (fn: (m: string) => unknown, rounds: number): number[] => {
    for (const m of messages) fn(m); // warm up the JIT
    const times: number[] = [];
    for (let round = 0; round < rounds; round++) {
      for (const m of messages) {
        const t0 = performance.now();
        fn(m);
        times.push(performance.now() - t0);
      }
    }
    return times.sort((a, b) => a - b);
  };
  const respond = timeEach((m) => assistant.respond(m, 'zh'), 5);
  const withSearch = timeEach((m) => assistant.understand(m), 3);
  const turns: number[] = [];
  for (const m of messages) {
    const t0 = performance.now();
    await assistant.turn({ text: m, channel: 'bench' });
    turns.push(performance.now() - t0);
  }
  turns.sort((a, b) => a - b);
  const row = (name: string, t: number[]) =>
    console.log(
      `  ${name.padEnd(52)} p50 ${fmt(percentile(t, 50))}  p99 ${fmt(percentile(t, 99))}  max ${fmt(t.at(-1) ?? 0)}`,
    );
  console.log(`\nPer message, in process (${messages.length} labelled messages, zh and en)`);
  row('understand + answer (the replies a user gets)', respond);
  row('understand + top-3 search (what cli eval prints)', withSearch);
  row('whole turn (+ state load and save in SQLite)', turns);
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
}
