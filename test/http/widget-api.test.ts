import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../contracts/replies.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { type Frame, widgetSocket } from '../support/widget-socket.js';

let t: TestApp;
let ws: string;
beforeAll(async () => {
  t = await startTestApp({ UPLOAD_MAX_BYTES: '2048', WIDGET_ALLOWED_ORIGINS: 'https://portal.example.com' });
  ws = `${(await t.server.listen({ port: 0, host: '127.0.0.1' })).replace('http', 'ws')}/api/ws`;
});
afterAll(() => t.close());

/** A widget's socket to this app. */
const socket = (headers: Record<string, string> = {}) => widgetSocket(ws, headers);

const botMessages = (frames: Frame[]) =>
  frames
    .flatMap((f) => (f.type === 'messages' ? (f.messages as Array<{ id: number; from: string }>) : []))
    .filter((m) => m.from === 'bot');

describe('the WebSocket at /api/ws', () => {
  it('answers, acknowledges, and resumes after a reconnect from the last message seen', async () => {
    const a = await socket();
    a.send({ type: 'hello' });
    expect(await a.until((f) => f.type === 'welcome')).toMatchObject({
      conversationId: null,
      messages: [],
      mode: 'consumer',
    });
    a.send({ type: 'message', clientId: 'c1', text: '退款要手续费吗' });
    const ack = await a.until((f) => f.type === 'ack');
    const id = ack.conversationId as string;
    await a.until(() => botMessages(a.frames).length === 1);
    const lastSeen = Math.max(
      ...a.frames.flatMap((f) =>
        f.type === 'messages' ? (f.messages as Array<{ id: number }>).map((m) => m.id) : [],
      ),
    );
    a.send({ type: 'message', clientId: 'c2', text: '谢谢' });
    await a.until(() => botMessages(a.frames).length === 2);
    // each message once, although the turn and the bus both carry it
    const ids = a.frames.flatMap((f) => (f.type === 'messages' ? (f.messages as Array<{ id: number }>) : []));
    expect(ids.map((m) => m.id)).toEqual([1, 2, 3, 4]);
    a.close();

    // a new socket that saw up to `lastSeen` gets exactly what came after
    const b = await socket();
    b.send({ type: 'hello', conversationId: id, after: lastSeen });
    const welcome = await b.until((f) => f.type === 'welcome');
    const missed = welcome.messages as Array<{ id: number; from: string; text?: string }>;
    expect(missed.map((m) => m.from)).toEqual(['user', 'bot']);
    expect(missed[0]?.text).toBe('谢谢');
    expect(missed.every((m) => m.id > lastSeen)).toBe(true);
    b.close();
  });

  it('a message resent with the same clientId (after a lost ack) is answered once', async () => {
    const a = await socket();
    a.send({ type: 'hello' });
    await a.until((f) => f.type === 'welcome');
    a.send({ type: 'message', clientId: 'same', text: '你好' });
    const ack = await a.until((f) => f.type === 'ack');
    a.send({ type: 'message', clientId: 'same', text: '你好' });
    await a.until(() => a.frames.filter((f) => f.type === 'ack').length === 2);
    const saved = await t.app.store.load(ack.conversationId as string);
    expect(saved?.messages.filter((m) => m.from === 'user')).toHaveLength(1);
    expect(saved?.turns).toBe(1);
    a.close();
  });

  it('a clientId that carries a card number is stored masked, and its resend is still answered once', async () => {
    const chat = (conversationId?: string) =>
      t.server.inject({
        method: 'POST',
        url: '/api/chat',
        payload: { conversationId, clientId: 'card-6222021234567813', text: '你好' },
      });
    const first = (await chat()).json();
    const again = (await chat(first.conversationId)).json();
    expect(again.conversationId).toBe(first.conversationId);
    const saved = await t.app.store.load(first.conversationId);
    expect(saved?.messages.filter((m) => m.from === 'user')).toHaveLength(1);
    expect(JSON.stringify(saved)).not.toContain('6222021234567813');
  });

  it('pushes what happens in the conversation elsewhere (another tab, an agent) to every open socket', async () => {
    const a = await socket();
    a.send({ type: 'hello' });
    await a.until((f) => f.type === 'welcome');
    a.send({ type: 'message', clientId: 'x', text: '你好' });
    const id = (await a.until((f) => f.type === 'ack')).conversationId as string;
    const b = await socket();
    b.send({ type: 'hello', conversationId: id, after: 999 });
    await b.until((f) => f.type === 'welcome');
    const res = await t.server.inject({
      method: 'POST',
      url: '/api/chat',
      payload: { conversationId: id, text: '谢谢' },
    });
    expect(res.statusCode).toBe(200);
    await b.until(
      (f) => f.type === 'messages' && (f.messages as Array<{ text?: string }>).some((m) => m.text === '谢谢'),
    );
    a.close();
    b.close();
  });

  it('refuses a page from an origin that may not embed the widget, and lets an allowed one in', async () => {
    await expect(socket({ origin: 'https://evil.example' })).rejects.toThrow('HTTP 403');
    const ok = await socket({ origin: 'https://portal.example.com' });
    ok.close();
  });

  it('answers frames it cannot read with an error, and carries on', async () => {
    const a = await socket();
    a.sendRaw('not json');
    await a.until((f) => f.type === 'error' && f.code === 'BAD_FRAME');
    a.send({ type: 'teleport' });
    a.send({ type: 'hello' });
    await a.until((f) => f.type === 'welcome');
    a.close();
  });

  it('a forged merchant token: a notice, and the conversation goes on as a guest', async () => {
    const a = await socket();
    a.send({ type: 'hello', token: 'eyJhbGciOiJIUzI1NiJ9.eyJtZXJjaGFudF9ubyI6IjEyMzQ1NiJ9.forged' });
    expect(await a.until((f) => f.type === 'notice')).toMatchObject({ code: 'TOKEN_REFUSED' });
    expect(await a.until((f) => f.type === 'welcome')).toMatchObject({ mode: 'consumer' });
    a.close();
    const good = await socket();
    good.send({ type: 'hello', token: await t.app.tokens.issue('822100058120041') });
    expect(await good.until((f) => f.type === 'welcome')).toMatchObject({ mode: 'merchant' });
    good.close();
  });
});

describe('history, feedback and uploads over HTTP', () => {
  it('history after n, feedback on an answer, and an unknown conversation is empty', async () => {
    const first = await t.server.inject({
      method: 'POST',
      url: '/api/chat',
      payload: { text: '退款要手续费吗' },
    });
    const { conversationId, messages } = first.json() as {
      conversationId: string;
      messages: Array<{ id: number; from: string }>;
    };
    const history = await t.server.inject({ url: `/api/conversations/${conversationId}/messages?after=0` });
    expect(history.json().messages.map((m: { from: string }) => m.from)).toEqual(['user', 'bot']);
    const answer = messages.find((m) => m.from === 'bot');
    const rated = await t.server.inject({
      method: 'POST',
      url: `/api/conversations/${conversationId}/messages/${answer?.id}/feedback`,
      payload: { value: 'down' },
    });
    expect(rated.statusCode).toBe(204);
    const saved = await t.app.store.load(conversationId);
    expect(saved?.messages.find((m) => m.id === answer?.id)?.feedback).toBe('down');
    expect(saved?.feedback.at(-1)).toMatchObject({ message: answer?.id, solved: false });
    const nothing = await t.server.inject({ url: '/api/conversations/no-such-conversation-1/messages' });
    expect(nothing.json()).toEqual({ conversationId: null, seq: 0, messages: [] });
  });

  const multipart = (name: string, bytes: Buffer, fields: Record<string, string> = {}) => {
    const boundary = 'xXx';
    const parts = Object.entries(fields).map(
      ([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
    );
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
    return {
      payload: Buffer.concat([
        Buffer.from(parts.join('') + head),
        bytes,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]),
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    };
  };
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

  it('a PDF is stored under a random name and recorded in the conversation', async () => {
    const res = await t.server.inject({
      method: 'POST',
      url: '/api/upload',
      ...multipart('发票.pdf', pdf, { locale: 'zh' }),
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      conversationId: string;
      messages: Array<{ attachment?: { id: string; name: string; type: string } }>;
    };
    const attachment = body.messages[0]?.attachment;
    expect(attachment).toMatchObject({ name: '发票.pdf', type: 'application/pdf' });
    expect(attachment?.id).toMatch(/^[0-9a-f-]{36}\.pdf$/);
    expect((await t.app.uploads.read(attachment?.id ?? ''))?.bytes.equals(pdf)).toBe(true);
  });

  it('a file that is too large or not a photo or PDF gets a clear message in the user’s language', async () => {
    const big = await t.server.inject({
      method: 'POST',
      url: '/api/upload',
      ...multipart('big.pdf', Buffer.concat([pdf, Buffer.alloc(4096)]), { locale: 'en' }),
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().error).toMatchObject({
      code: 'UPLOAD_TOO_LARGE',
      message: expect.stringContaining('too large'),
    });
    const exe = await t.server.inject({
      method: 'POST',
      url: '/api/upload',
      ...multipart('receipt.jpg', Buffer.from('MZ\x90\x00 definitely not a jpeg')),
    });
    expect(exe.statusCode).toBe(415);
    expect(exe.json().error.message).toContain('只能上传照片');
  });

  it('a forged merchant token on /api/chat is refused with TOKEN_INVALID', async () => {
    const res = await t.server.inject({
      method: 'POST',
      url: '/api/chat',
      payload: { text: 'hi', token: 'a.b.c' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('TOKEN_INVALID');
  });

  it('CORS answers only for allowed origins', async () => {
    const allowed = await t.server.inject({
      method: 'OPTIONS',
      url: '/api/chat',
      headers: { origin: 'https://portal.example.com', 'access-control-request-method': 'POST' },
    });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://portal.example.com');
    const other = await t.server.inject({
      method: 'OPTIONS',
      url: '/api/chat',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('GET /api/welcome: the greeting and the main topics, in the page language, without a conversation', async () => {
    const zh = await t.server.inject({ url: '/api/welcome?locale=zh-CN' });
    expect(zh.statusCode).toBe(200);
    const body = zh.json() as { locale: string; replies: Reply[] };
    expect(body.locale).toBe('zh');
    expect(body.replies.map((r) => r.type)).toEqual(['text', 'choices']);
    expect(body.replies[0]).toMatchObject({ text: expect.stringContaining('POS退款助手') });
    const topics = body.replies[1] as Extract<Reply, { type: 'choices' }>;
    expect(topics.choices.length).toBeGreaterThanOrEqual(3);
    expect(topics.choices.every((c) => c.action.startsWith('intent:'))).toBe(true);
    const en = (await t.server.inject({ url: '/api/welcome?locale=en' })).json() as { replies: Reply[] };
    expect(en.replies[0]).toMatchObject({ text: expect.stringContaining('refund assistant') });
    // a topic button starts the conversation, as if the user had asked
    const first = await t.server.inject({
      method: 'POST',
      url: '/api/chat',
      payload: { action: topics.choices[0]?.action },
    });
    expect(first.statusCode).toBe(200);
    expect((first.json() as { replies: Reply[] }).replies.length).toBeGreaterThan(0);
  });

  it('the article page carries the widget and says where to type', async () => {
    const zh = await t.server.inject({ url: '/kb/zh/follow-up-refund' });
    expect(zh.headers['content-security-policy']).toContain("script-src 'self'");
    expect(zh.body).toContain('<script src="/widget.js" data-locale="zh" async></script>');
    expect(zh.body).toContain('右下角的“在线客服”');
    const en = await t.server.inject({ url: '/kb/en/follow-up-refund' });
    expect(en.body).toContain('data-locale="en"');
    expect(en.body).toContain('Open “Chat with us”');
  });

  it('our pages carry a Content-Security-Policy', async () => {
    const page = await t.server.inject({ url: '/demo/help' });
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
  });
});
