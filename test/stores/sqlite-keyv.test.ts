import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite from 'better-sqlite3';
import Keyv from 'keyv';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { deleteExpired, openStateFile, SqliteKeyv } from '../../integrations/stores/sqlite-keyv.js';

// The Keyv adapter of the embedded state store, through Keyv as StateStore uses it. Expiry is
// tested on a fake clock (Keyv reads Date.now()), never by waiting.
const dir = mkdtempSync(path.join(os.tmpdir(), 'ra-sqlite-keyv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
const opened: BetterSqlite.Database[] = [];
/** A fresh state file (or another connection to `file`), closed after the test. */
function open(file = path.join(dir, `state-${++files}.sqlite`), busyTimeoutMs?: number) {
  const db = openStateFile(file, busyTimeoutMs === undefined ? {} : { busyTimeoutMs });
  opened.push(db);
  return { db, file };
}
function keyv<T>(db: BetterSqlite.Database, namespace = 'test'): Keyv<T> {
  const store = new Keyv<T>({ store: new SqliteKeyv(db), namespace });
  store.on('error', () => undefined); // each test that expects one listens for it itself
  return store;
}
afterEach(() => {
  vi.useRealTimers();
  for (const db of opened.splice(0)) if (db.open) db.close();
});

describe('SQLite storage adapter for Keyv', () => {
  it('gives back what was set, and nothing once deleted', async () => {
    const kv = keyv<{ a: number; list: string[] }>(open().db);
    expect(await kv.get('one')).toBeUndefined();
    expect(await kv.set('one', { a: 1, list: ['x'] })).toBe(true);
    await kv.set('one', { a: 2, list: [] }); // a second set replaces the first
    expect(await kv.get('one')).toEqual({ a: 2, list: [] });
    expect(await kv.has('one')).toBe(true);
    expect(await kv.delete('one')).toBe(true);
    expect(await kv.delete('one')).toBe(false);
    expect(await kv.get('one')).toBeUndefined();
    expect(await kv.has('one')).toBe(false);
  });

  it('reads and deletes many keys at once, in the order asked', async () => {
    const kv = keyv<string>(open().db);
    await kv.set('a', 'A');
    await kv.set('c', 'C');
    expect(await kv.get(['c', 'b', 'a'])).toEqual(['C', undefined, 'A']);
    expect(await kv.delete(['a', 'b'])).toBe(true);
    expect(await kv.delete(['a', 'b'])).toBe(false);
    expect(await kv.get(['a', 'c'])).toEqual([undefined, 'C']);
  });

  it('forgets a record after its time to live: on read, in has(), and by the sweep', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-25T08:00:00Z') });
    const { db } = open();
    const kv = keyv<string>(db);
    await kv.set('short', 's', 1000);
    await kv.set('unread', 'u', 1000);
    await kv.set('long', 'l', 60_000);
    await kv.set('forever', 'f');
    vi.setSystemTime(Date.now() + 1000);
    expect(await kv.has('short')).toBe(true); // expiring at this very millisecond is still live
    vi.setSystemTime(Date.now() + 1);
    expect(await kv.has('short')).toBe(false);
    expect(await kv.get('short')).toBeUndefined();
    expect(await kv.get(['unread', 'long'])).toEqual([undefined, 'l']);
    // Keyv drops what it read expired; the sweep takes the ones nobody reads again
    await kv.set('unread', 'u', 1000);
    vi.setSystemTime(Date.now() + 2000);
    expect(deleteExpired(db)).toBe(1);
    const left = db.prepare('SELECT key FROM keyv ORDER BY key').pluck().all();
    expect(left).toEqual(['test:forever', 'test:long']);
  });

  it('keeps namespaces apart, and clear() empties only its own', async () => {
    const { db } = open();
    // `_` is a LIKE wildcard and LIKE ignores case: neither may widen a clear
    const mine = keyv<string>(db, 'a_b');
    const lookalike = keyv<string>(db, 'aXb');
    const upper = keyv<string>(db, 'A_B');
    const other = keyv<string>(db, 'other');
    for (const [i, kv] of [mine, lookalike, upper, other].entries()) await kv.set('same', `v${i}`);
    expect(await mine.get('same')).toBe('v0');
    expect(await other.get('same')).toBe('v3');
    await mine.clear();
    expect(await mine.get('same')).toBeUndefined();
    const left = await Promise.all([lookalike, upper, other].map((kv) => kv.get('same')));
    expect(left).toEqual(['v1', 'v2', 'v3']);
  });

  it('a key with colons in it stays whole', async () => {
    const kv = keyv<string>(open().db, 'registry');
    await kv.set('thread:T1:C2', 'conversation-9');
    expect(await kv.get('thread:T1:C2')).toBe('conversation-9');
  });

  it('keeps a huge value, and emoji, control characters, lone surrogates and bytes exactly', async () => {
    const kv = keyv<unknown>(open().db);
    const huge = '退款'.repeat(2_000_000) + 'x'.repeat(4_000_000); // 16 MB of UTF-8
    await kv.set('huge', huge);
    expect(await kv.get('huge')).toBe(huge);

    const odd = {
      emoji: '👍🏽 👨‍👩‍👧 ¥12.50 尾号1234',
      control: 'a\u0000b\u0001\n\r\t"\\',
      surrogates: 'lone \ud800 and \udfff',
      colon: ':base64:not bytes',
      bytes: Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
    };
    await kv.set('odd', odd);
    const back = (await kv.get('odd')) as typeof odd;
    expect(back).toEqual(odd);
    expect(Buffer.isBuffer(back.bytes)).toBe(true);
  });

  it('two connections on one file, as two processes have: each sees the other’s writes', async () => {
    const { db: first, file } = open();
    const { db: second } = open(file);
    expect(first.pragma('journal_mode', { simple: true })).toBe('wal');
    const a = keyv<string>(first, 'conversations');
    const b = keyv<string>(second, 'conversations');
    await a.set('c1', 'from a');
    expect(await b.get('c1')).toBe('from a');
    await b.set('c1', 'from b');
    expect(await a.get('c1')).toBe('from b');
    await b.clear();
    expect(await a.get('c1')).toBeUndefined();
  });

  it('reads a file that @keyv/sqlite wrote', async () => {
    const file = path.join(dir, 'keyv-sqlite.sqlite');
    const old = new BetterSqlite(file);
    // @keyv/sqlite 4's table and a row as Keyv serialised it
    old.exec('CREATE TABLE IF NOT EXISTS keyv(key VARCHAR(255) PRIMARY KEY, value TEXT )');
    old
      .prepare('INSERT INTO keyv (key, value) VALUES (?, ?)')
      .run('conversations:c7', '{"value":{"turns":3,"lang":"zh"},"expires":null}');
    old.close();
    expect(await keyv(open(file).db, 'conversations').get('c7')).toEqual({ turns: 3, lang: 'zh' });
  });

  it('reports a failed read as an error, not only as "not found"', async () => {
    const { db } = open();
    const kv = new Keyv<string>({ store: new SqliteKeyv(db), namespace: 'test' });
    const errors: unknown[] = [];
    kv.on('error', (err) => errors.push(err));
    db.close();
    expect(await kv.get('k')).toBeUndefined();
    expect(await kv.set('k', 'v')).toBe(false);
    expect(errors).toHaveLength(2);
    expect(String(errors[0])).toContain('not open');
  });
});

/**
 * Another process that takes the file's write lock and holds it until it is told (a line on its
 * stdin) to commit, or for `holdMs`.
 */
async function lockHolder(file: string, options: { holdMs?: number } = {}): Promise<ChildProcess> {
  const script = `
    const db = new (require('better-sqlite3'))(process.argv[1]);
    db.exec('BEGIN IMMEDIATE');
    db.prepare('INSERT INTO keyv (key, value) VALUES (?, ?)').run('test:other', '{"value":"theirs"}');
    const done = () => { db.exec('COMMIT'); db.close(); process.exit(0); };
    process.stdin.once('data', done);
    ${options.holdMs === undefined ? '' : `setTimeout(done, ${options.holdMs});`}
    process.stdout.write('locked\\n');`;
  const child = spawn(process.execPath, ['-e', script, file], { stdio: ['pipe', 'pipe', 'inherit'] });
  const [said] = (await once(child.stdout, 'data')) as [Buffer];
  expect(String(said)).toBe('locked\n');
  return child;
}

describe('two processes on one state file', () => {
  it('a write waits for the other process’s write instead of failing with SQLITE_BUSY', async () => {
    const { db, file } = open();
    const kv = keyv<string>(db);
    const errors: unknown[] = [];
    kv.on('error', (err) => errors.push(err));
    const other = await lockHolder(file, { holdMs: 200 });
    const exited = once(other, 'exit');
    expect(await kv.set('mine', 'ours')).toBe(true);
    expect(await exited).toEqual([0, null]);
    expect(errors).toEqual([]);
    expect(await kv.get(['mine', 'other'])).toEqual(['ours', 'theirs']);
  });

  it('without a busy timeout the same write fails (what the timeout is for)', async () => {
    const { file } = open();
    const { db } = open(file, 0);
    const kv = new Keyv<string>({ store: new SqliteKeyv(db), namespace: 'test' });
    const errors: Array<{ code?: string }> = [];
    kv.on('error', (err) => errors.push(err));
    const other = await lockHolder(file);
    try {
      expect(await kv.set('mine', 'ours')).toBe(false);
      expect(errors.map((e) => e.code)).toEqual(['SQLITE_BUSY']);
      // reading is never blocked by a writer in WAL mode
      expect(await kv.get('mine')).toBeUndefined();
    } finally {
      other.stdin?.end('commit\n');
      await once(other, 'exit');
    }
    expect(await kv.get('other')).toBe('theirs');
  });
});
