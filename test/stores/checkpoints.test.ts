import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../app/logger.js';
import { checkpointInThread } from '../../integrations/stores/checkpoints.js';
import { openStateFile } from '../../integrations/stores/sqlite-keyv.js';

// The server's SQLite files are checkpointed from a thread of their own, so that no turn's commit
// stops the event loop to copy the log into the file and sync it (integrations/stores/checkpoints.ts).
const logger = createLogger('silent');
const dir = mkdtempSync(path.join(os.tmpdir(), 'ra-checkpoints-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('checkpoints in a thread of their own', () => {
  it('copy what was written into the file while the writing connection leaves that to them', async () => {
    const file = path.join(dir, 'written.sqlite');
    const db = openStateFile(file);
    const checkpoints = checkpointInThread(db, { file, logger, everyMs: 100 });
    try {
      // the thread has started once the connection's own checkpoint moved to the backstop
      await expect.poll(() => db.pragma('wal_autocheckpoint', { simple: true })).toBe(10_000);
      const set = db.prepare('INSERT INTO keyv (key, value) VALUES (?, ?)');
      for (let i = 0; i < 1500; i++) set.run(`k${i}`, 'x'.repeat(3000)); // ≈ 1,500 pages in the log
      // under the backstop's 10,000 pages: only the thread copies them into the file
      await expect.poll(() => statSync(file).size, { timeout: 5000 }).toBeGreaterThan(4_000_000);
      // and a reader of the file sees it all
      const reader = new BetterSqlite(file, { readonly: true });
      expect(reader.prepare('SELECT count(*) FROM keyv').pluck().get()).toBe(1500);
      reader.close();
    } finally {
      await checkpoints.stop();
      db.close();
    }
  });

  it('stop whether the thread has started or not, and leave the file whole', async () => {
    const file = path.join(dir, 'stopped.sqlite');
    const db = openStateFile(file);
    await checkpointInThread(db, { file, logger, everyMs: 60_000 }).stop();
    const running = checkpointInThread(db, { file, logger, everyMs: 10 });
    await expect.poll(() => db.pragma('wal_autocheckpoint', { simple: true })).toBe(10_000);
    db.prepare('INSERT INTO keyv (key, value) VALUES (?, ?)').run('last', 'written');
    await running.stop();
    db.close();
    const reader = new BetterSqlite(file, { readonly: true });
    expect(reader.prepare('SELECT value FROM keyv WHERE key = ?').pluck().get('last')).toBe('written');
    reader.close();
  });
});
