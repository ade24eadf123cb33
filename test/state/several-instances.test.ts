import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED_SECRETS, startTestApp, TEST_NOW, type TestApp } from '../support/app.js';
import { freshPgDatabase } from '../support/postgres.js';
import { REDIS_KEY_PREFIX, REDIS_URL, redisAvailable } from '../support/redis.js';
import { pdf, upload } from '../support/uploads.js';

// Two instances of one deployment, each with a DATA_DIR of its own, sharing PostgreSQL, Redis and
// the configured secrets: whatever one of them hands out (a file link, a merchant token), the other
// honours. And two sharing only UPLOAD_DIR (each with its own SQLite file) serve each other's files.

/** Two apps start one after the other (each trains its classifier): more than one hook's default on a busy machine. */
const STARTING_TWO = 90_000;

const redisUp = await redisAvailable();
const database = redisUp ? await freshPgDatabase('ra_instances', { requiredInCi: true }) : undefined;

describe.skipIf(!database)('two instances sharing PostgreSQL, Redis and the secrets', () => {
  let now = TEST_NOW.getTime();
  const clock = () => new Date(now);
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    const env = {
      DATABASE_URL: database?.url ?? '',
      REDIS_URL,
      REDIS_KEY_PREFIX,
      ...SHARED_SECRETS,
      UPLOAD_CONVERSATION_MAX_FILES: '3',
    };
    a = await startTestApp(env, clock);
    b = await startTestApp(env, clock);
  }, STARTING_TWO);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await database?.drop();
  });

  it('an upload to A is served by B through the signed link A made, byte for byte', async () => {
    const bytes = pdf(1024 * 1024);
    const sent = await upload(a.server, bytes, { locale: 'zh' }, { name: '卡号6222021234567890123.pdf' });
    expect(sent.status).toBe(200);
    const id = sent.id ?? '';
    const link = a.app.fileLinks.path(id, a.app.clock());
    const served = await b.server.inject({ url: link });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('application/pdf');
    expect(served.rawPayload.equals(bytes)).toBe(true);
    // the record: in the conversation, the name masked, the bytes in the database, no file anywhere
    const row = await b.app.database.db
      .selectFrom('uploads')
      .select(['conversation_id', 'name', 'size', 'sha256'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ conversation_id: sent.conversationId, name: '卡号6222****0123.pdf' });
    expect(Number(row.size)).toBe(bytes.length);
    expect(row.sha256).toMatch(/^[0-9a-f]{64}$/);
    for (const t of [a, b]) expect(existsSync(path.join(t.dataDir, 'uploads'))).toBe(false);
    // a link altered to another file, or a signature from elsewhere, opens nothing
    const forged = link.replace(/sig=[^&]+/, 'sig=AAAA');
    expect((await b.server.inject({ url: forged })).statusCode).toBe(404);
  });

  it('a merchant token issued on A is accepted by B', async () => {
    const token = await a.app.tokens.issue('822100058120041');
    const res = await b.server.inject({
      method: 'POST',
      url: '/api/chat',
      payload: { text: '退款要手续费吗', token },
    });
    expect(res.statusCode).toBe(200);
    expect((await b.app.tokens.verify(token)).ok).toBe(true);
  });

  it('uploads at once to one conversation, half on each instance, never pass its quota', async () => {
    const first = await upload(a.server, pdf(), { locale: 'en' });
    const conversationId = first.conversationId;
    const results = await Promise.all(
      [a, b, a, b, a, b].map((t) => upload(t.server, pdf(), { conversationId, locale: 'en' })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(2);
    const refused = results.filter((r) => r.status !== 200);
    expect(refused).toHaveLength(4);
    for (const r of refused) expect(r.error?.code).toBe('UPLOAD_TOO_MANY');
    expect(await b.app.uploads.usage(conversationId ?? '')).toMatchObject({ files: 3 });
  });

  it('both instances sweeping at once delete every upload past retention once, and keep a recent one', async () => {
    const uploads = () => a.app.database.db.selectFrom('uploads').select('id').execute();
    const old = (await uploads()).length;
    expect(old).toBeGreaterThan(0);
    now = TEST_NOW.getTime() + 91 * 86_400_000;
    const recent = (await upload(b.server, pdf())).id as string;
    const [onA, onB] = await Promise.all([a.app.uploads.sweep(), b.app.uploads.sweep()]);
    expect(onA.deleted + onB.deleted).toBe(old);
    expect(await uploads()).toEqual([{ id: recent }]);
    const served = await a.server.inject({ url: b.app.fileLinks.path(recent, clock()) });
    expect(served.statusCode).toBe(200);
  });
});

describe('two instances with SQLite files of their own, sharing UPLOAD_DIR and FILE_LINK_SECRET', () => {
  const shared = mkdtempSync(path.join(os.tmpdir(), 'ra-upload-dir-'));
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    const env = { UPLOAD_DIR: shared, FILE_LINK_SECRET: SHARED_SECRETS.FILE_LINK_SECRET };
    a = await startTestApp(env);
    b = await startTestApp(env);
  }, STARTING_TWO);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    rmSync(shared, { recursive: true, force: true });
  });

  it('an upload to A is a file in UPLOAD_DIR that B serves through A’s link', async () => {
    const bytes = pdf(4096);
    const sent = await upload(a.server, bytes);
    expect(sent.status).toBe(200);
    expect(readdirSync(shared)).toEqual([sent.id]);
    const served = await b.server.inject({ url: a.app.fileLinks.path(sent.id ?? '', a.app.clock()) });
    expect(served.statusCode).toBe(200);
    expect(served.rawPayload.equals(bytes)).toBe(true);
  });
});
