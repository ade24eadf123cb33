import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { ChannelUser, ConnectorStandIn, readable } from '../support/botframework.js';
import { SlackStandIn, SUPPORT_CHANNEL, slackEnv, slackSender } from '../support/slack.js';

// A Web Chat user asks for a person; an agent answers from Slack; the answer is delivered
// proactively to the channel's connector (no socket is held open on Bot Framework channels).
let slack: SlackStandIn;
let connector: ConnectorStandIn;
let t: TestApp;
let base: string;

beforeAll(async () => {
  slack = await SlackStandIn.start();
  connector = await ConnectorStandIn.start();
  t = await startTestApp({
    ...slackEnv(slack),
  });
  base = await t.server.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await t.close();
  await slack.close();
  await connector.close();
});

describe('handoff from a Bot Framework channel', () => {
  it('the agent’s replies arrive proactively, and the user’s messages reach the thread', async () => {
    const user = new ChannelUser(base, { connector });
    const asked = await user.say('我要转人工客服');
    expect(asked.replies.map(readable).join(' ')).toContain('正在为您转接人工客服');
    const root = await slack.waitFor(
      'chat.postMessage',
      (a) =>
        a.channel === SUPPORT_CHANNEL &&
        !a.thread_ts &&
        JSON.stringify(a.blocks).includes('botframework/webchat'),
    );
    const thread = slack.tsOf(root);
    const agents = slackSender(base);

    await agents.reply(thread, '您好，我是小王，请问参考号是多少？');
    const pushed = await connector.until((p) =>
      p.some(
        (x) => x.conversationId === user.conversationId && (x.activity.text ?? '').includes('请问参考号'),
      ),
    );
    const texts = pushed
      .filter((p) => p.conversationId === user.conversationId)
      .map((p) => p.activity.text ?? '');
    expect(texts).toContain('_客服小王已加入对话_');
    expect(texts).toContain('**小王**：您好，我是小王，请问参考号是多少？');

    // while agents own it the bot is silent: no reply to the user's message, which goes to the thread
    const said = await user.say('261120000001');
    expect(said.replies.filter((r) => r.type === 'message')).toHaveLength(0);
    await slack.waitFor(
      'chat.postMessage',
      (a) => a.thread_ts === thread && String(a.text).includes('261120000001'),
    );

    await agents.click(
      'handoff_resolve',
      (await t.app.state.keyValue<string>('bf-conversation').get(`webchat:${user.conversationId}`)) ?? '',
      slack.responseUrl(),
      { threadTs: thread },
    );
    await connector.until((p) =>
      p.some((x) => x.conversationId === user.conversationId && readable(x.activity).includes('问题了吗')),
    );
    const question = connector.posted.filter((x) => x.conversationId === user.conversationId).at(-1);
    expect(question?.activity.suggestedActions?.actions.map((a) => a.title)).toContain('解决了');
    const solved = await user.press('solved:yes', '解决了');
    expect(solved.replies.map(readable).join(' ')).toContain('太好了');
  });
});

describe('a Bot Framework conversation across a restart', () => {
  it('continues where it was, from the same store', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ra-bf-'));
    try {
      let app = await startTestApp({ DATA_DIR: dataDir });
      let url = await app.server.listen({ port: 0, host: '127.0.0.1' });
      const user = new ChannelUser(url);
      const first = await user.say('我的退款还没到账');
      expect(first.replies.map(readable).join(' ')).toContain('借记卡');
      await app.close();

      app = await startTestApp({ DATA_DIR: dataDir });
      url = await app.server.listen({ port: 0, host: '127.0.0.1' });
      const again = new ChannelUser(url);
      Object.assign(again, {
        conversationId: user.conversationId,
        userId: (user as unknown as { userId: string }).userId,
      });
      const next = await again.say('借记卡');
      expect(next.replies.map(readable).join(' ')).toMatch(/什么时候|哪天|日期/);
      await app.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
