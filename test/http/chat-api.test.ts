import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../contracts/replies.js';
import { startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ MAX_MESSAGE_CHARS: '2000' });
});
afterAll(() => t.close());

const chat = (payload: unknown, headers: Record<string, string> = {}) =>
  t.server.inject({
    method: 'POST',
    url: '/api/chat',
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });

const texts = (replies: Reply[]) => replies.flatMap((r) => (r.type === 'text' ? [r.text] : [])).join('\n');

describe('POST /api/chat', () => {
  it('answers with a conversation id and typed replies', async () => {
    const res = await chat({ text: '清算和结算有什么区别' });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { conversationId: string; replies: Reply[] };
    expect(body.conversationId).toMatch(/^[0-9a-f-]{36}$/);
    const types = body.replies.map((r) => r.type);
    expect(types).toEqual(['text', 'article', 'choices']);
    const article = body.replies[1] as Extract<Reply, { type: 'article' }>;
    expect(article).toMatchObject({ id: 'clearing-settlement', url: '/kb/zh/clearing-settlement' });
    expect(article.title.length).toBeGreaterThan(0);
    // the card is the link: the bubble has the short answer, the card does not say it again
    expect(article.snippet).toBe('');
    expect((body.replies[0] as Extract<Reply, { type: 'text' }>).text).toMatch(/\n1\. /);
  });

  it('serves the full article at the url a reply gives', async () => {
    const res = await t.server.inject({ method: 'GET', url: '/kb/zh/void-vs-refund' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('<h2>');
    expect(res.body).toContain('撤销');
    const en = await t.server.inject({ method: 'GET', url: '/kb/en/void-vs-refund' });
    expect(en.body).toContain('Void');
  });

  it('continues the conversation when a choice action is posted back', async () => {
    const first = (await chat({ text: 'when do I get my card takings in my bank account?' })).json() as {
      conversationId: string;
      replies: Reply[];
    };
    const choices = first.replies.find((r) => r.type === 'choices');
    if (choices?.type !== 'choices') throw new Error('no choices');
    const action = choices.choices[0]?.action;
    const next = await chat({ conversationId: first.conversationId, action });
    expect(next.statusCode).toBe(200);
    expect(next.json().conversationId).toBe(first.conversationId);
    expect((next.json().replies as Reply[]).some((r) => r.type === 'article')).toBe(true);
  });

  it('starts a fresh conversation for an unknown conversation id', async () => {
    const res = await chat({ conversationId: 'no-such-conversation-123', text: '你好' });
    expect(res.statusCode).toBe(200);
    expect(res.json().conversationId).not.toBe('no-such-conversation-123');
  });

  it('answers an unknown action politely', async () => {
    const res = await chat({ action: 'article:does-not-exist' });
    expect(res.statusCode).toBe(200);
    expect(texts(res.json().replies)).toContain('按钮已经失效');
  });

  it('GET /healthz answers 200 when ready', async () => {
    const res = await t.server.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });
});

describe('bad input gets a clear, polite answer', () => {
  it.each([
    ['empty', ''],
    ['whitespace only', ' \n\t　 '],
  ])('%s text → asks for a question', async (_what, text) => {
    const res = await chat({ text });
    expect(res.statusCode).toBe(200);
    expect(texts(res.json().replies)).toContain('请输入您的问题');
  });

  it('a 100,000-character message → the limit, politely', async () => {
    const res = await chat({ text: '退'.repeat(100_000) });
    expect(res.statusCode).toBe(200);
    expect(texts(res.json().replies)).toContain('最多 2000 个字');
  });

  it('emoji only → asks for words', async () => {
    const res = await chat({ text: '😀🙏💳' });
    expect(texts(res.json().replies)).toContain('请用文字描述');
  });

  it('binary and control characters → no crash, a readable answer', async () => {
    const res = await chat({ text: '\u0000\u0001\u0002\uFFFD\u001b[31m退款\u0007' });
    expect(res.statusCode).toBe(200);
    expect(JSON.stringify(res.json())).not.toContain('\u0000');
  });

  it('HTML and script are never reflected', async () => {
    const res = await chat({ text: '<script>alert(1)</script><img src=x onerror=alert(2)> 退款失败' });
    expect(res.statusCode).toBe(200);
    // the user's own words come back in the message history, but never as markup
    expect(res.body).not.toMatch(/<script|<img/i);
    expect(JSON.parse(res.body).messages[0].text).toContain('<script>');
  });

  it('malformed JSON → 400 with a clear message', async () => {
    const res = await chat('{"text": "退款', {});
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: { code: 'BAD_JSON', message: 'The request body is not valid JSON.' },
    });
  });

  it.each([
    ['text of the wrong type', { text: 123 }, 'text'],
    ['neither text nor action', { locale: 'zh' }, 'give "text" or "action"'],
    ['an unknown locale', { text: 'hi', locale: 'fr' }, 'locale'],
    ['an array body', [1, 2], 'JSON object'],
    ['a null body', null, 'JSON object'],
  ])('%s → 400 naming the problem', async (_what, payload, mentions) => {
    const res = await chat(payload);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('BAD_REQUEST');
    expect(res.json().error.message).toContain(mentions);
  });

  it('a body that is not JSON → 415', async () => {
    const res = await chat('text=hello', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('an unknown route → 404 in the same error shape', async () => {
    const res = await t.server.inject({ method: 'GET', url: '/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
  });

  it('an unknown article → 404', async () => {
    const res = await t.server.inject({ method: 'GET', url: '/kb/zh/<script>' });
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('<script>');
  });
});

describe('rate limit (opt-in)', () => {
  it('answers 429 RATE_LIMITED past the limit per client address', async () => {
    const limited = await startTestApp({ RATE_LIMIT_PER_MINUTE: '2' });
    try {
      const send = () =>
        limited.server.inject({ method: 'POST', url: '/api/chat', payload: { text: '你好' } });
      expect((await send()).statusCode).toBe(200);
      expect((await send()).statusCode).toBe(200);
      const third = await send();
      expect(third.statusCode).toBe(429);
      expect(third.json().error.code).toBe('RATE_LIMITED');
    } finally {
      await limited.close();
    }
  });
});
