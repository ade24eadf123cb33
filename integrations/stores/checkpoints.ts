import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type BetterSqlite from 'better-sqlite3';
import type { Logger } from '../../contracts/logger.js';

// A SQLite file in WAL mode is written to its log, and the log is copied back into the file now and
// then (a checkpoint), with an fsync. SQLite does that itself in the commit that fills the log past
// 1,000 pages: on our one thread, so every few seconds under load the event loop stood still for as
// long as the disk took to sync (300–400 ms here: every turn waiting behind it saw it). A thread of
// its own, with its own connection, checkpoints the file every second instead; SQLite's own stays as
// a backstop far above it, should that thread ever stop.

/** The worker: plain JavaScript (it runs as it is, built or not), better-sqlite3 passed by path. */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file, { timeout: 5000 });
const checkpoint = () => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (err) { parentPort.postMessage({ failed: String(err && err.message) }); } };
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.postMessage({ stopped: true });
});
`;

/** The log may grow to this many pages (4 KB each) before the committing connection checkpoints itself. */
const BACKSTOP_PAGES = 10_000;

export interface Checkpoints {
  stop(): Promise<void>;
}

/**
 * Checkpoints `file` (opened by `db` on this thread) from a worker thread every `everyMs`; `db`'s
 * own automatic checkpoint moves back to the backstop, and returns to SQLite's default if the worker
 * fails. The thread starts after the first `everyMs` (no checkpoint is due before): a process that
 * is done sooner (a test, a quick restart) never starts one.
 */
export function checkpointInThread(
  db: BetterSqlite.Database,
  options: { file: string; logger: Logger; everyMs?: number },
): Checkpoints {
  const everyMs = options.everyMs ?? 1000;
  let worker: Worker | undefined;
  let exited = false;
  const start = () => {
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    const w = new Worker(WORKER, { eval: true, workerData: { module, file: options.file, everyMs } });
    // never what keeps the process alive: a store left open must not hang the exit
    w.unref();
    db.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
    let failedOnce = false;
    w.on('message', (m: { failed?: string }) => {
      // a busy file now and then is normal (another process writing); say it once
      if (m.failed && !failedOnce) {
        failedOnce = true;
        options.logger.debug({ file: options.file, reason: m.failed }, 'checkpoint skipped');
      }
    });
    w.on('error', (err) => {
      options.logger.warn({ err, file: options.file }, 'checkpoints back on the main thread');
      if (db.open) db.pragma('wal_autocheckpoint = 1000');
    });
    w.once('exit', () => {
      exited = true;
    });
    worker = w;
  };
  const later = setTimeout(start, everyMs).unref();
  return {
    stop: () => {
      clearTimeout(later);
      const w = worker;
      if (!w || exited) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(cut);
          resolve();
        };
        // a worker that does not answer in time is stopped all the same
        const cut = setTimeout(() => void w.terminate().then(done, done), 2000);
        w.once('exit', done);
        w.on('message', (m: { stopped?: boolean }) => {
          if (m.stopped) void w.terminate().then(done, done);
        });
        w.postMessage('stop');
      });
    },
  };
}
