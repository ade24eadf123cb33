import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../contracts/messages.js';
import { startTestApp, TEST_NOW, type TestApp } from '../support/app.js';
import { SlackStandIn, SUPPORT_CHANNEL, slackEnv } from '../support/slack.js';
import { widgetSocket } from '../support/widget-socket.js';

// With an agent desk nobody answers: the user leaves a message, and the ticket reaches the support
// channel with the contact masked, while the thread still waits for an agent.
let slack: SlackStandIn;
let t: TestApp;
let ws: string;
let now = TEST_NOW;

beforeAll(async () => {
  slack = await SlackStandIn.start();
  t = await startTestApp({ ...slackEnv(slack), HANDOFF_CLAIM_TIMEOUT_MINUTES: '5' }, () => now);
  const base = await t.server.listen({ port: 0, host: '127.0.0.1' });
  ws = `${base.replace('http', 'ws')}/api/ws`;
});
afterAll(async () => {
  await t.close();
  await slack.close();
});

const said = (m: ChatMessage) => m.text ?? m.replies?.map((r) => ('text' in r ? r.text : '')).join(' ') ?? '';

describe('nobody claims in time: a ticket for the desk', () => {
  it('unclaimed → leave a message → the ticket is posted to the support channel, contact masked', async () => {
    const u = await widgetSocket(ws);
    u.send({ type: 'hello' });
    await u.until((f) => f.type === 'welcome');
    u.send({ type: 'message', clientId: 'm1', text: '转人工' });
    const id = (await u.until((f) => f.type === 'ack')).conversationId as string;
    await expect.poll(async () => (await t.app.store.load(id))?.handoff?.ticket?.thread).toBeDefined();
    now = new Date(TEST_NOW.getTime() + 6 * 60_000);
    expect(await t.app.handoffs.sweep()).toBe(1);
    await u.message((m) => said(m).includes('现在没有客服能马上接入'));

    u.send({ type: 'message', clientId: 'm2', action: 'handoff:message' });
    await u.message((m) => said(m).includes('手机号或邮箱'));
    u.send({ type: 'message', clientId: 'm3', text: '138 1234 567' });
    await u.message((m) => said(m).includes('这个号码是 10 位数字'));
    u.send({ type: 'message', clientId: 'm4', text: '13812345678，退款三周了还没到' });
    const reply = await u.message((m) => /TK-\d{8}-\d{4}/.test(said(m)));
    expect(said(reply)).toContain('138****5678');
    expect(said(reply)).toContain('客服接入后也会直接在这里回复您');
    const number = /TK-\d{8}-\d{4}/.exec(said(reply))?.[0] ?? '';

    const posted = await slack.waitFor(
      'chat.postMessage',
      (a) => a.channel === SUPPORT_CHANNEL && !a.thread_ts && String(a.text).includes(number),
    );
    expect(JSON.stringify(posted)).toContain('138****5678');
    expect(JSON.stringify(posted)).toContain('退款三周了还没到');
    expect(JSON.stringify(slack.calls)).not.toContain('13812345678');
    expect((await t.app.tickets.get(number))?.contact.value).toBe('13812345678');
    // the handoff is back, still waiting: an agent can pick it up, and what the user wrote reached the thread
    const saved = await t.app.store.load(id);
    expect(saved?.handoff?.status).toBe('waiting');
    expect(saved?.ticketDraft).toBeUndefined();
    await slack.waitFor(
      'chat.postMessage',
      (a) => a.thread_ts === saved?.handoff?.ticket?.thread && String(a.text).includes('退款三周了'),
    );
    u.close();
    now = TEST_NOW;
  });
});
