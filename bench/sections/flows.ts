import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../app/app.js';
import { loadConfig } from '../../app/config.js';
import { createLogger } from '../../app/logger.js';
import { fmt, percentile, SHARED_SECRETS } from '../shared.js';

/** Per-turn latency of a whole troubleshooting flow (four turns) with the state in SQLite or Redis. */
export async function flowsSection(): Promise<void> {
  console.log(
    '\nTroubleshooting flow turns (refund not arrived: 4 turns each, 200 conversations), state store round trip included',
  );
  for (const store of ['sqlite', 'redis'] as const) {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ra-bench-'));
    const env =
      store === 'redis'
        ? {
            DATA_DIR: dataDir,
            REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
            ...SHARED_SECRETS,
          }
        : { DATA_DIR: dataDir };
    let app: Awaited<ReturnType<typeof createApp>>;
    try {
      app = await createApp(loadConfig(env), createLogger('silent'));
    } catch (e) {
      console.log(`  ${store}: skipped (${(e as Error).message})`);
      continue;
    }
    const times: number[] = [];
    const script = ['我的退款还没到账', '借记卡', '昨天', '解决了'];
    for (let i = 0; i < 200; i++) {
      let id: string | undefined;
      for (const text of script) {
        const t0 = performance.now();
        const r = await app.assistant.turn({ conversationId: id, text, channel: 'bench' });
        times.push(performance.now() - t0);
        id = r.conversationId;
      }
    }
    times.sort((a, b) => a - b);
    console.log(
      `  ${store.padEnd(6)} p50 ${fmt(percentile(times, 50))}  p99 ${fmt(percentile(times, 99))}  (${times.length} turns)`,
    );
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
