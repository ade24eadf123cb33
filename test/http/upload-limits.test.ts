import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { pdf, upload } from '../support/uploads.js';

// POST /api/upload is limited per client address (a rate) and per conversation (files, bytes).
// Every refusal is our error shape with a message in the user's language, and keeps nothing.

const files = (t: TestApp) => {
  try {
    return readdirSync(path.join(t.dataDir, 'uploads')).length;
  } catch {
    return 0;
  }
};
const records = async (t: TestApp) =>
  (await t.app.database.db.selectFrom('uploads').select('id').execute()).length;
const transcript = async (t: TestApp, id: string) => (await t.app.store.load(id))?.messages.length;

describe('a conversation’s quota', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      UPLOAD_MAX_BYTES: '2048',
      UPLOAD_CONVERSATION_MAX_FILES: '3',
      UPLOAD_CONVERSATION_MAX_BYTES: '4000',
    });
  });
  afterAll(() => t.close());

  it('the file after the last one allowed gets 429 in the user’s language, and is not kept', async () => {
    const first = await upload(t.server, pdf(), { locale: 'en' });
    expect(first.status).toBe(200);
    const conversationId = first.conversationId as string;
    // a new conversation's first upload is counted in it once the conversation has its id
    expect(await t.app.uploads.usage(conversationId)).toMatchObject({ files: 1 });
    for (let i = 0; i < 2; i++)
      expect((await upload(t.server, pdf(), { conversationId, locale: 'en' })).status).toBe(200);
    const [before, stored, said] = [await records(t), files(t), await transcript(t, conversationId)];
    const fourth = await upload(t.server, pdf(), { conversationId, locale: 'en' });
    expect(fourth.status).toBe(429);
    expect(fourth.error).toEqual({
      code: 'UPLOAD_TOO_MANY',
      message: expect.stringContaining('already has 3 files'),
    });
    expect([await records(t), files(t), await transcript(t, conversationId)]).toEqual([before, stored, said]);
  });

  it('a file that would take the conversation past its bytes gets 413, in Chinese by default', async () => {
    const first = await upload(t.server, pdf(1500));
    const conversationId = first.conversationId as string;
    expect((await upload(t.server, pdf(1500), { conversationId })).status).toBe(200);
    const before = [await records(t), files(t), await transcript(t, conversationId)];
    const third = await upload(t.server, pdf(1500), { conversationId });
    expect(third.status).toBe(413);
    expect(third.error?.code).toBe('UPLOAD_QUOTA_EXCEEDED');
    expect(third.error?.message).toContain('这次对话上传的文件已接近上限');
    expect([await records(t), files(t), await transcript(t, conversationId)]).toEqual(before);
    // a smaller one still fits
    expect((await upload(t.server, pdf(900), { conversationId })).status).toBe(200);
    expect(await t.app.uploads.usage(conversationId)).toEqual({ files: 3, bytes: 3900 });
  });

  it('another conversation has a quota of its own', async () => {
    expect((await upload(t.server, pdf(1500))).status).toBe(200);
  });
});

describe('the upload rate per client address', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ UPLOAD_RATE_PER_MINUTE: '2' });
  });
  afterAll(() => t.close());

  it('past UPLOAD_RATE_PER_MINUTE an upload gets 429 in the browser’s language, and nothing is kept', async () => {
    const en = { headers: { 'accept-language': 'en-GB,en;q=0.9' } };
    const first = await upload(t.server, pdf(), {}, en);
    const conversationId = first.conversationId as string;
    expect((await upload(t.server, pdf(), { conversationId }, en)).status).toBe(200);
    const before = [await records(t), files(t), await transcript(t, conversationId)];
    const third = await upload(t.server, pdf(), { conversationId }, en);
    expect(third.status).toBe(429);
    expect(third.error).toEqual({ code: 'RATE_LIMITED', message: expect.stringContaining('wait a minute') });
    const zh = await upload(t.server, pdf(), { conversationId }, { headers: { 'accept-language': 'zh-CN' } });
    expect(zh.error?.message).toContain('上传太频繁');
    expect([await records(t), files(t), await transcript(t, conversationId)]).toEqual(before);
    // chatting is not an upload: the conversation carries on
    const chat = await t.server.inject({
      method: 'POST',
      url: '/api/chat',
      payload: { conversationId, text: '退款要手续费吗' },
    });
    expect(chat.statusCode).toBe(200);
  });
});
