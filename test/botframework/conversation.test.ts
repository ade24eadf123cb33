import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { type Activity, ChannelUser, ConnectorStandIn, readable } from '../support/botframework.js';

// Real HTTP posts of Bot Framework activities to /api/messages, answered by the Agents SDK's
// CloudAdapter in anonymous (Emulator) mode: replies in the response (expectReplies) or posted to
// a local stand-in of the channel's connector service.
let t: TestApp;
let base: string;
let connector: ConnectorStandIn;

beforeAll(async () => {
  connector = await ConnectorStandIn.start();
  t = await startTestApp();
  base = await t.server.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await t.close();
  await connector.close();
});

const words = (replies: Activity[]) => replies.map(readable).join('\n');
const fixture = (scenario: string) => {
  const f = t.app.acquirer.sandbox?.instance.fixtures().find((x) => x.scenario === scenario);
  if (!f) throw new Error(scenario);
  return f;
};
const buttons = (replies: Activity[]) =>
  replies.flatMap((r) => r.suggestedActions?.actions ?? []) as Array<{
    title: string;
    value: { action: string };
  }>;

describe('a Bot Framework channel', () => {
  it('welcomes a user who joins, with the main topics as suggested actions', async () => {
    const user = new ChannelUser(base, { locale: 'zh-CN' });
    const { status, replies } = await user.join();
    expect(status).toBe(200);
    expect(words(replies)).toContain('我是POS退款助手');
    expect(buttons(replies).map((b) => b.title)).toContain('退款没到账');
  });

  it('answers a knowledge question in Chinese, with the article as an Adaptive Card', async () => {
    const user = new ChannelUser(base);
    const { replies } = await user.say('清算和结算是什么意思？');
    expect(replies[0]).toMatchObject({ type: 'message', textFormat: 'markdown', locale: 'zh-CN' });
    expect(replies[0]?.text).toContain('结算');
    const card = replies.flatMap((r) => r.attachments ?? [])[0];
    expect(card?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card?.content).toMatchObject({ type: 'AdaptiveCard', fallbackText: expect.any(String) });
  });

  it('answers in English, posting to the connector service', async () => {
    const user = new ChannelUser(base, { connector, locale: 'en-US' });
    const sent = user.activity({ text: 'Is there a fee for a refund?' });
    const { status, replies } = await user.post(sent);
    expect(status).toBe(200);
    expect(replies[0]?.text).toMatch(/fee/i);
    expect(replies[0]?.locale).toBe('en-US');
    expect(replies.every((r) => r.replyToId === sent.id)).toBe(true);
  });

  it('shows typing while a slow look-up runs', async () => {
    const f = fixture('refund_succeeded_qr');
    const user = new ChannelUser(base, { connector });
    await user.say(`查一下参考号 ${f.reference}`);
    const sandbox = t.app.acquirer.sandbox?.instance;
    if (!sandbox) throw new Error('no sandbox');
    sandbox.faults = { delayMs: 600 };
    try {
      const { replies } = await user.say(`${(f.amountFen / 100).toFixed(2)}元`);
      expect(replies[0]?.type).toBe('typing');
      expect(JSON.stringify(replies.slice(1))).toContain('交易与退款状态');
    } finally {
      sandbox.faults = {};
    }
  });

  it('walks a troubleshooting tree with suggested actions and with Adaptive Card submits', async () => {
    const user = new ChannelUser(base);
    let r = await user.say('我的退款还没到账');
    const debit = buttons(r.replies).find((b) => b.title.includes('借记卡'));
    expect(debit?.value.action).toBeDefined();
    r = await user.press(debit?.value.action ?? '', debit?.title);
    expect(words(r.replies)).toMatch(/什么时候|哪天|日期/);

    // Teams renders the same choices as a card of Action.Submit buttons; a submit carries {action}
    const teams = new ChannelUser(base, { channelId: 'msteams' });
    r = await teams.say('退款没到账');
    const card = r.replies
      .flatMap((x) => x.attachments ?? [])
      .find((a) => JSON.stringify(a).includes('Action.Submit'));
    const submit = ((card?.content.actions ?? []) as Array<{ title: string; data: { action: string } }>).find(
      (a) => a.title.includes('微信'),
    );
    expect(submit).toBeDefined();
    r = await teams.press(submit?.data.action ?? '');
    expect(words(r.replies)).toContain('零钱');
  });

  it('a button label sent back as text (imBack) counts as the press', async () => {
    const user = new ChannelUser(base);
    await user.say('我的退款还没到账');
    const r = await user.say('信用卡');
    expect(words(r.replies)).toMatch(/什么时候|哪天|日期/);
  });

  it('a consumer looks a refund up after proving the payment, and sees the status card', async () => {
    const f = fixture('refund_processing_card');
    const user = new ChannelUser(base);
    let r = await user.say(`帮我查一下参考号 ${f.reference} 的退款`);
    expect(words(r.replies)).toContain('后四位');
    r = await user.say(`${f.cardLast4}`);
    const card = r.replies
      .flatMap((x) => x.attachments ?? [])
      .find((a) => JSON.stringify(a).includes('FactSet'));
    expect(JSON.stringify(card)).toContain('交易与退款状态');
    expect(JSON.stringify(card)).toContain('预计到账');
  });

  it('a wrong proof gets the same words as an unknown reference, and no data', async () => {
    const f = fixture('refund_processing_card');
    const user = new ChannelUser(base);
    await user.say(`查一下参考号 ${f.reference}`);
    const r = await user.say('0000');
    expect(JSON.stringify(r.replies)).not.toContain('FactSet');
  });

  it('an activity resent by the channel (same id) is answered once', async () => {
    const user = new ChannelUser(base);
    const a = user.activity({ text: '你好' });
    await user.post(a);
    await user.post(a);
    const id = await t.app.state.keyValue<string>('bf-conversation').get(`webchat:${user.conversationId}`);
    const conversation = await t.app.store.load(id ?? '');
    expect(conversation?.messages.filter((m) => m.from === 'user')).toHaveLength(1);
  });

  it('anonymous (the Emulator), replies go to this machine only: another serviceUrl is refused', async () => {
    const user = new ChannelUser(base);
    const r = await user.post(
      user.activity({ text: '你好', serviceUrl: 'http://192.0.2.10/steal', deliveryMode: 'normal' }),
    );
    expect(r.status).toBe(400);
  });

  it('two first messages at once make one conversation', async () => {
    const user = new ChannelUser(base);
    await Promise.all([user.say('你好'), user.say('退款要手续费吗')]);
    const id = await t.app.state.keyValue<string>('bf-conversation').get(`webchat:${user.conversationId}`);
    const conversation = await t.app.store.load(id ?? '');
    expect(conversation?.messages.filter((m) => m.from === 'user')).toHaveLength(2);
  });

  it('refuses what is not an activity, and carries on', async () => {
    const bad = await fetch(`${base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"type": "message", ',
    });
    expect(bad.status).toBe(400);
    const user = new ChannelUser(base);
    expect((await user.post({ type: 'message', text: 'hi' } as Activity)).status).toBe(400);
    expect((await user.say('你好')).status).toBe(200);
  });

  it('emoji only, HTML and a huge message get a polite answer', async () => {
    const user = new ChannelUser(base);
    expect(words((await user.say('🙂🙂🙂')).replies)).toMatch(/没看懂|换个说法|请/);
    const html = await user.say('<script>alert(1)</script> 退款多久到账');
    expect(html.status).toBe(200);
    expect(words((await user.say('退'.repeat(5000))).replies)).toMatch(/太长|2000/);
  });
});
