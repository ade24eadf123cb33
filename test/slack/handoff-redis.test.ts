import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../contracts/messages.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { REDIS_KEY_PREFIX, REDIS_URL, redisAvailable } from '../support/redis.js';
import { SlackStandIn, slackEnv, slackSender } from '../support/slack.js';
import { widgetSocket } from '../support/widget-socket.js';

// Two instances sharing Redis: the user's widget holds a socket to one, Slack calls the other.
const available = await redisAvailable();

describe.skipIf(!available)('a handoff across two instances sharing Redis', () => {
  let slack: SlackStandIn;
  let a: TestApp;
  let b: TestApp;
  let baseA: string;
  let baseB: string;

  beforeAll(async () => {
    slack = await SlackStandIn.start();
    const env = {
      REDIS_URL,
      REDIS_KEY_PREFIX,
      ...slackEnv(slack),
    };
    a = await startTestApp(env);
    b = await startTestApp(env);
    baseA = await a.server.listen({ port: 0, host: '127.0.0.1' });
    baseB = await b.server.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await slack?.close();
  });

  const said = (m: ChatMessage) =>
    m.text ?? m.replies?.map((r) => ('text' in r ? r.text : '')).join(' ') ?? '';

  it('the agent acts through instance B; the user on instance A sees it all live, and vice versa', async () => {
    const u = await widgetSocket(`${baseA.replace('http', 'ws')}/api/ws`);
    u.send({ type: 'hello' });
    await u.until((f) => f.type === 'welcome');
    u.send({ type: 'message', clientId: '1', text: '请帮我转人工客服' });
    const id = (await u.until((f) => f.type === 'ack')).conversationId as string;
    await u.message((m) => said(m).includes('正在为您转接人工客服'));
    const root = await slack.waitFor('chat.postMessage', (x) => JSON.stringify(x.blocks ?? '').includes(id));
    const thread = slack.tsOf(root);

    const agents = slackSender(baseB);
    // B's App Home sees the handoff A opened (the desk's list is written beside the thread, not
    // before it: an agent who opens Home in that instant sees it on the next look)
    await expect
      .poll(async () => {
        const ts = `1.${Math.random().toString().slice(2, 8)}`;
        await agents.event({
          type: 'app_home_opened',
          user: 'U0LI',
          channel: 'D0',
          tab: 'home',
          event_ts: ts,
        });
        const home = await slack.waitFor('views.publish', (x) => x.user_id === 'U0LI');
        slack.forget('views.publish');
        return JSON.stringify(home.view);
      })
      .toContain('等待中');

    await agents.click('handoff_claim', id, slack.responseUrl(), { user: 'U0WANG', threadTs: thread });
    await u.message((m) => m.from === 'system' && said(m) === '客服小王已加入对话');
    await agents.reply(thread, '您好，我是小王');
    await u.message((m) => m.from === 'agent' && m.text === '您好，我是小王');

    u.send({ type: 'message', clientId: '2', text: '参考号261120000001，还没到账' });
    await slack.waitFor(
      'chat.postMessage',
      (x) => x.thread_ts === thread && String(x.text).includes('还没到账'),
    );

    await agents.click('handoff_resolve', id, slack.responseUrl(), { user: 'U0WANG', threadTs: thread });
    await u.message((m) => m.from === 'system' && said(m).includes('已结束本次服务'));
    expect((await a.app.store.load(id))?.handoff).toBeUndefined();
    // nothing doubled on the way through Redis
    const ids = u.messages().map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    u.close();
  });
});
