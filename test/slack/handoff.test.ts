import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../contracts/messages.js';
import { auditRecords, startTestApp, TEST_NOW, type TestApp } from '../support/app.js';
import { eventBody, SlackStandIn, SUPPORT_CHANNEL, slackEnv, slackSender } from '../support/slack.js';
import { type WidgetSocket, widgetSocket } from '../support/widget-socket.js';

// A user in the widget (over the real WebSocket), agents in Slack (through the real Bolt app,
// talking to a local stand-in of Slack's Web API): the whole handoff, as both sides see it.

let slack: SlackStandIn;
let t: TestApp;
let base: string;
let ws: string;
let now = TEST_NOW;
let agents: ReturnType<typeof slackSender>;

beforeAll(async () => {
  slack = await SlackStandIn.start();
  t = await startTestApp(
    {
      ...slackEnv(slack),
      PUBLIC_BASE_URL: 'https://assistant.example.com',
      HANDOFF_CLAIM_TIMEOUT_MINUTES: '5',
    },
    () => now,
  );
  base = await t.server.listen({ port: 0, host: '127.0.0.1' });
  ws = `${base.replace('http', 'ws')}/api/ws`;
  agents = slackSender(base);
});
afterAll(async () => {
  await t.close();
  await slack.close();
});

const fixture = (scenario: string) => {
  const f = t.app.acquirer.sandbox?.instance.fixtures().find((x) => x.scenario === scenario);
  if (!f) throw new Error(scenario);
  return f;
};
const said = (m: ChatMessage) => m.text ?? m.replies?.map((r) => ('text' in r ? r.text : '')).join(' ') ?? '';
const threadOf = async (conversationId: string) => {
  const root = await slack.waitFor(
    'chat.postMessage',
    (a) => a.channel === SUPPORT_CHANNEL && !a.thread_ts && JSON.stringify(a.blocks).includes(conversationId),
  );
  const ts = slack.tsOf(root);
  // and the conversation knows its thread (saved once the desk answered)
  await expect.poll(async () => (await t.app.store.load(conversationId))?.handoff?.ticket?.thread).toBe(ts);
  return ts;
};
const inThread = (ts: string) => slack.callsOf('chat.postMessage').filter((c) => c.args.thread_ts === ts);

/** A user opens the widget and starts a conversation. */
async function user(): Promise<WidgetSocket & { say(text: string): void; press(action: string): void }> {
  const s = await widgetSocket(ws);
  s.send({ type: 'hello' });
  await s.until((f) => f.type === 'welcome');
  let n = 0;
  return Object.assign(s, {
    say: (text: string) => s.send({ type: 'message', clientId: `m${++n}`, text }),
    press: (action: string) => s.send({ type: 'message', clientId: `m${++n}`, action }),
  });
}
const conversationOf = async (u: WidgetSocket) =>
  (await u.until((f) => f.type === 'ack')).conversationId as string;

describe('handing a conversation over to agents in Slack', () => {
  it('from the widget to a thread, claimed, answered live, resolved, and the bot is back', async () => {
    // the user looks a refund up, then asks for a person
    const u = await user();
    const f = fixture('refund_processing_card');
    u.say(`帮我查一下参考号 ${f.reference} 的退款`);
    const id = await conversationOf(u);
    await u.message((m) => said(m).includes('后四位'));
    u.say(`${f.amountFen / 100}元`);
    await u.message((m) => m.replies?.some((r) => r.type === 'card') === true);
    u.say('我要转人工');
    await u.message((m) => said(m).includes('正在为您转接人工客服'));

    // agents see a thread: why, what the user gave, the looked-up status, the recent transcript
    const thread = await threadOf(id);
    const root = slack.callsOf('chat.postMessage').find((c) => c.result?.ts === thread);
    const summary = JSON.stringify(root?.args.blocks);
    expect(summary).toContain('等待认领');
    expect(summary).toContain(f.reference);
    expect(summary).toContain('交易与退款状态');
    expect(summary).toMatch(/handoff_claim.*handoff_resolve.*handoff_lookup/);
    await slack.waitFor('chat.postMessage', (a) => a.thread_ts === thread);
    const transcript = JSON.stringify(inThread(thread)[0]?.args.blocks);
    expect(transcript).toContain('帮我查一下参考号');
    expect(transcript).toContain('我要转人工');

    // 小王 claims it: the user sees them join, the thread says who has it
    await agents.click('handoff_claim', id, slack.responseUrl(), { user: 'U0WANG', threadTs: thread });
    await u.message((m) => m.from === 'system' && said(m) === '客服小王已加入对话');
    await slack.waitFor('chat.update', (a) => JSON.stringify(a.blocks).includes('已由 小王 认领'));

    // 小王 replies in the thread: the user gets it live, in our Markdown, and the thread shows ✅
    await agents.reply(
      thread,
      '您好，我是小王。这笔退款*正在处理*，我帮您跟进 <https://example.com/faq|说明>',
    );
    const reply = await u.message((m) => m.from === 'agent');
    expect(reply).toMatchObject({ author: '小王' });
    expect(reply.text).toBe(
      '您好，我是小王。这笔退款**正在处理**，我帮您跟进 [说明](https://example.com/faq)',
    );
    await slack.waitFor('reactions.add', (a) => a.name === 'white_check_mark');

    // a note stays among the agents
    await agents.reply(thread, 'note: 已联系发卡行的王经理，等回电');
    await slack.waitFor('reactions.add', (a) => a.name === 'lock');
    expect(u.messages().some((m) => said(m).includes('王经理'))).toBe(false);

    // the user writes; it appears in the thread, with the bot's suggestion for the agents; the bot says nothing
    const before = u.messages().filter((m) => m.from === 'bot').length;
    u.say('好的，那一般几个工作日能到账？');
    await slack.waitFor(
      'chat.postMessage',
      (a) => a.thread_ts === thread && String(a.text).includes('几个工作日'),
    );
    const suggestion = await slack.waitFor(
      'chat.postMessage',
      (a) => a.thread_ts === thread && JSON.stringify(a.blocks ?? '').includes('handoff_send_suggestion'),
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(u.messages().filter((m) => m.from === 'bot')).toHaveLength(before);

    // "Send": the suggestion reaches the user as 小王's answer
    const value = /"value":"([^"]+\|[^"]+)"/.exec(JSON.stringify(suggestion.blocks))?.[1] ?? '';
    await agents.click('handoff_send_suggestion', value, slack.responseUrl(), { threadTs: thread });
    const sent = await u.message((m) => m.from === 'agent' && m.replies !== undefined);
    expect(sent.author).toBe('小王');
    expect(sent.replies?.some((r) => r.type === 'article')).toBe(true);

    // resolved: the bot is back and asks whether it was solved
    await agents.click('handoff_resolve', id, slack.responseUrl(), { threadTs: thread });
    await u.message((m) => m.from === 'system' && said(m).includes('已结束本次服务'));
    await u.message((m) => said(m).includes('解决了您的问题吗') || said(m).includes('解决'));
    await slack.waitFor('chat.update', (a) => JSON.stringify(a.blocks).includes('已由 小王 解决'));
    u.press('solved:yes');
    await u.message((m) => m.from === 'bot' && said(m).startsWith('太好了'));
    expect(u.messages().find((m) => m.action === 'solved:yes')?.label).toBe('解决了');
    const saved = await t.app.store.load(id);
    expect(saved?.handoff).toBeUndefined();
    expect(saved?.feedback.at(-1)).toMatchObject({ flow: 'handoff', solved: true });

    u.say('退款要手续费吗');
    await u.message((m) => m.from === 'bot' && said(m).includes('手续费'));
    u.close();

    // every agent action is in the audit trail with the Slack user id
    const audit = (
      (await auditRecords(t.app, 'handoffs')) as unknown as Array<{
        what: string;
        actor: string;
        conversationId: string;
        channel: string;
      }>
    ).filter((r) => r.conversationId === id);
    expect(audit.map((r) => r.what)).toEqual([
      'handoff.claim',
      'handoff.reply',
      'handoff.note',
      'handoff.send_suggestion',
      'handoff.resolve',
    ]);
    expect(audit.every((r) => r.actor === 'U0WANG' && r.channel === 'slack')).toBe(true);
  });

  it('nobody claims it in time: the user is told honestly, leaves a message, and nothing is lost', async () => {
    const u = await user();
    u.say('转人工');
    const id = await conversationOf(u);
    await u.message((m) => said(m).includes('正在为您转接人工客服'));
    const thread = await threadOf(id);

    now = new Date(TEST_NOW.getTime() + 4 * 60_000);
    expect(await t.app.handoffs.sweep()).toBe(0);
    now = new Date(TEST_NOW.getTime() + 6 * 60_000);
    expect(await t.app.handoffs.sweep()).toBe(1);
    expect(await t.app.handoffs.sweep()).toBe(0); // told once
    await u.message((m) => said(m).includes('现在没有客服能马上接入'));
    // the lead sees it among the hand-overs nobody claimed in time
    await t.app.insights.flush();
    const claims = await t.app.insightsStore.claimTimes({ from: '2026-11-25', to: '2026-11-25' });
    expect(claims.unclaimed).toBe(1);
    await slack.waitFor(
      'chat.postMessage',
      (a) => a.thread_ts === thread && String(a.text).includes('无人认领'),
    );

    u.press('handoff:message');
    await u.message((m) => said(m).includes('请写下您的问题和联系方式'));
    u.say('退款三周了还没到，电话13812345678，下午都在');
    const left = await slack.waitFor(
      'chat.postMessage',
      (a) => a.thread_ts === thread && String(a.text).includes('退款三周了'),
    );
    expect(String(left.text)).not.toContain('13812345678'); // masked on its way to Slack too
    const saved = await t.app.store.load(id);
    expect(saved?.messages.some((m) => m.text?.includes('退款三周了'))).toBe(true);
    expect(saved?.handoff?.status).toBe('waiting');

    // an agent can still pick it up later
    await agents.reply(thread, '您好，我是小李，我来处理', 'U0LI');
    await u.message((m) => m.from === 'agent' && m.author === '小李');
    u.close();
    now = TEST_NOW;
  });

  it('the user can go back to the assistant; the thread is told', async () => {
    const u = await user();
    u.say('能帮我转人工吗');
    const id = await conversationOf(u);
    await u.message((m) => said(m).includes('正在为您转接人工客服'));
    const thread = await threadOf(id);
    u.press('handoff:leave');
    await u.message((m) => said(m).includes('已回到智能助手'));
    await slack.waitFor(
      'chat.postMessage',
      (a) => a.thread_ts === thread && String(a.text).includes('用户已回到智能助手'),
    );
    u.say('退款要手续费吗');
    await u.message((m) => m.from === 'bot' && said(m).includes('手续费'));

    // a late reply in that thread does not reach the user, and the agent is told so
    await agents.reply(thread, '您好还在吗', 'U0LI');
    await slack.waitFor(
      'chat.postEphemeral',
      (a) => a.user === 'U0LI' && String(a.text).includes('没有发给用户'),
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(u.messages().some((m) => said(m).includes('您好还在吗'))).toBe(false);
    u.close();
  });

  it('a second agent pressing Claim is told who has it', async () => {
    const u = await user();
    u.say('转人工');
    const id = await conversationOf(u);
    const thread = await threadOf(id);
    await agents.click('handoff_claim', id, slack.responseUrl(), { user: 'U0WANG', threadTs: thread });
    await u.message((m) => said(m) === '客服小王已加入对话');
    await agents.click('handoff_claim', id, slack.responseUrl(), { user: 'U0LI', threadTs: thread });
    await slack.waitFor(
      'chat.postEphemeral',
      (a) => a.user === 'U0LI' && String(a.text).includes('小王 已经认领'),
    );
    expect(u.messages().filter((m) => m.from === 'system')).toHaveLength(1);
    u.close();
  });

  it('two messages in a row the bot cannot follow bring in a person', async () => {
    const u = await user();
    u.say('那个单子弄一下');
    const id = await conversationOf(u);
    await u.message((m) => said(m).includes('没能理解'));
    u.say('那个东西再弄一下');
    await u.message((m) => said(m).includes('为您转接人工客服'));
    const root = await slack.waitFor('chat.postMessage', (a) => JSON.stringify(a.blocks ?? '').includes(id));
    expect(JSON.stringify(root.blocks)).toContain('not understood twice');
    u.close();
  });

  it('a file the user sends to the agents arrives as a signed, expiring link', async () => {
    const u = await user();
    u.say('转人工');
    const id = await conversationOf(u);
    const thread = await threadOf(id);
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    const body = new FormData();
    body.append('conversationId', id);
    body.append('file', new Blob([pdf], { type: 'application/pdf' }), '发票.pdf');
    expect((await fetch(`${base}/api/upload`, { method: 'POST', body })).status).toBe(200);
    const posted = await slack.waitFor(
      'chat.postMessage',
      (a) => a.thread_ts === thread && String(a.text).includes('发票.pdf'),
    );
    const link = /<(https:\/\/assistant\.example\.com\/files\/[^|>]+)\|/.exec(String(posted.text))?.[1];
    expect(link).toBeDefined();
    const local = (link ?? '').replace('https://assistant.example.com', base);
    const file = await fetch(local);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await file.arrayBuffer()).equals(pdf)).toBe(true);
    expect((await fetch(local.replace(/sig=[^&]+/, 'sig=forged'))).status).toBe(404);
    expect((await fetch(local.replace(/exp=\d+/, 'exp=9999999999'))).status).toBe(404);
    // while agents own the conversation the receipt is a notice, not the bot talking
    await u.message((m) => m.from === 'system' && said(m).includes('发票.pdf'));
    u.close();
  });

  it('Slack down when a person is asked for: the user is told how to reach one, and the bot carries on', async () => {
    slack.fail('chat.postMessage', 2);
    const u = await user();
    u.say('转人工');
    const id = await conversationOf(u);
    await u.message((m) => said(m).includes('现在连不上人工客服'));
    expect((await t.app.store.load(id))?.handoff).toBeUndefined();
    u.say('退款要手续费吗');
    await u.message((m) => m.from === 'bot' && said(m).includes('手续费'));
    u.close();
  });

  it('a reply or a button in an older, resolved thread reaches nobody', async () => {
    const u = await user();
    u.say('转人工');
    const id = await conversationOf(u);
    const first = await threadOf(id);
    await agents.click('handoff_resolve', id, slack.responseUrl(), { threadTs: first });
    await u.message((m) => said(m).includes('已结束本次服务'));
    u.say('还是要找人工');
    await u.message((m) => said(m).includes('正在为您转接人工客服') && m.id > 4);
    const second = await slackThreadAfter(id, first);
    await agents.reply(first, '这条发在旧线程里', 'U0LI');
    await slack.waitFor('chat.postEphemeral', (a) => a.user === 'U0LI' && a.thread_ts === first);
    await agents.click('handoff_claim', id, slack.responseUrl(), { user: 'U0LI', threadTs: first });
    await slack.waitFor(
      'chat.postEphemeral',
      (a) => a.user === 'U0LI' && String(a.text).includes('不在人工处理中'),
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(u.messages().some((m) => said(m).includes('旧线程'))).toBe(false);
    expect((await t.app.store.load(id))?.handoff).toMatchObject({
      status: 'waiting',
      ticket: { thread: second },
    });
    u.close();
  });

  it('what the user writes while Slack is down waits, and reaches the thread in order once it is back', async () => {
    const u = await user();
    u.say('转人工');
    const id = await conversationOf(u);
    const thread = await threadOf(id);
    slack.fail('chat.postMessage', 1000);
    u.say('第一条：退款还没到');
    u.say('第二条：尾号8223');
    await u.until((f) => f.type === 'ack' && f.clientId === 'm3');
    await new Promise((r) => setTimeout(r, 300));
    expect(inThread(thread).some((c) => c.result?.ok && String(c.args.text).includes('第一条'))).toBe(false);
    slack.fail('chat.postMessage', 0);
    await t.app.handoffs.sweep();
    await slack.waitFor(
      'chat.postMessage',
      (a) => a.thread_ts === thread && String(a.text).includes('第二条'),
    );
    const order = inThread(thread)
      .filter((c) => c.result?.ok)
      .map((c) => String(c.args.text))
      .filter((x) => x.includes('第一条') || x.includes('第二条'));
    expect(order).toHaveLength(2);
    expect(order[0]).toContain('第一条');
    u.close();
  });

  it('someone from another organisation in a shared channel cannot answer the user', async () => {
    const u = await user();
    u.say('转人工');
    const id = await conversationOf(u);
    const thread = await threadOf(id);
    await agents.post(
      eventBody({
        type: 'message',
        channel: SUPPORT_CHANNEL,
        user: 'U0OUTSIDER',
        user_team: 'T0STRANGER',
        text: '我是外部的人',
        ts: '1764043999.000001',
        thread_ts: thread,
        event_ts: '1764043999.000001',
      }),
      'application/json',
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(u.messages().some((m) => said(m).includes('外部'))).toBe(false);
    u.close();
  });

  it('typing the "back to the assistant" button’s words works, even after writing to the agents', async () => {
    const u = await user();
    u.say('转人工');
    const id = await conversationOf(u);
    await threadOf(id);
    u.say('有人吗');
    await u.until((f) => f.type === 'ack' && f.clientId === 'm2');
    u.say('回到智能助手');
    await u.message((m) => said(m).includes('已回到智能助手'));
    expect((await t.app.store.load(id))?.handoff).toBeUndefined();
    u.close();
  });
});

/** The thread opened for a conversation after `previous`. */
async function slackThreadAfter(conversationId: string, previous: string): Promise<string> {
  const root = await slack.waitFor(
    'chat.postMessage',
    (a) =>
      !a.thread_ts && JSON.stringify(a.blocks ?? '').includes(conversationId) && slack.tsOf(a) !== previous,
  );
  const ts = slack.tsOf(root);
  await expect.poll(async () => (await t.app.store.load(conversationId))?.handoff?.ticket?.thread).toBe(ts);
  return ts;
}
