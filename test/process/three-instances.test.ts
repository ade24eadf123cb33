import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from '@redis/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../contracts/messages.js';
import { SHARED_SECRETS } from '../support/app.js';
import { Balancer } from '../support/balancer.js';
import { ChannelUser, ConnectorStandIn, readable } from '../support/botframework.js';
import {
  eventually,
  freshProcessDatabase,
  PortalMerchant,
  type RunningSandbox,
  type ServerProcess,
  startSandbox,
  startServer,
} from '../support/process.js';
import { REDIS_KEY_PREFIX, REDIS_URL, redisAvailable } from '../support/redis.js';
import { SlackStandIn, SUPPORT_CHANNEL, slackEnv, slackSender } from '../support/slack.js';
import { flatten } from '../support/transcript.js';
import { SocketUser } from '../support/widget-socket.js';

// A deployment of three instances — three server processes — on one Redis and one PostgreSQL
// database, behind a load balancer that sends each connection to the next instance and skips a
// dead one. Read as the users would notice it: a conversation outlives the instance it was on, and
// whatever instance Slack or a Bot Framework channel calls, the message reaches its user. The
// tests run in order: the last one kills two of the instances.

const database = (await redisAvailable()) ? await freshProcessDatabase('three') : undefined;

// generous: on a busy 2-core machine three processes share it with the test
const WAIT = 30_000;

describe.skipIf(!database)('three instances behind a load balancer, on one Redis and one PostgreSQL', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ra-three-'));
  const prefix = `${REDIS_KEY_PREFIX}three:`;
  let acquirer: RunningSandbox;
  let slack: SlackStandIn;
  let connector: ConnectorStandIn;
  const servers: ServerProcess[] = [];
  let balancer: Balancer;

  beforeAll(async () => {
    acquirer = await startSandbox(path.join(dataDir, 'acquirer'));
    slack = await SlackStandIn.start();
    connector = await ConnectorStandIn.start();
    const env = {
      DATA_DIR: dataDir,
      DATABASE_URL: database?.url as string,
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      // one deployment: every instance the same secrets
      ...SHARED_SECRETS,
      ...acquirer.env,
      ...slackEnv(slack),
      // the tests are the Bot Framework Emulator on this machine
      BOTFRAMEWORK_ANONYMOUS: 'true',
      // every look-up asks the acquirer (none answered from an instance's cache)
      LOOKUP_CACHE_SECONDS: '0',
    };
    // each kept as soon as it is up, so that afterAll stops it whatever else fails
    await Promise.all(
      [0, 1, 2].map(async (i) => {
        servers[i] = await startServer(env);
      }),
    );
    balancer = await Balancer.start(servers.map((s) => s.url));
  }, 240_000);

  afterAll(async () => {
    await balancer?.close();
    await Promise.all(servers.map((s) => s?.stop()));
    const redis = createClient({ url: REDIS_URL });
    await redis.connect();
    for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 }))
      if (keys.length) await redis.del(keys);
    await redis.quit();
    await slack?.close();
    await connector?.close();
    await acquirer?.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);

  /** The instance that served the last request through the balancer. */
  const servedBy = () => balancer.lastServed as number;
  const other = (...not: number[]) => [0, 1, 2].find((i) => !not.includes(i)) as number;
  const said = (m: ChatMessage) => m.text ?? flatten(m.replies ?? []);

  it('a hand-over: the agent in Slack reaches the widget user whose socket is on another instance', {
    timeout: 120_000,
  }, async () => {
    const user = await SocketUser.open(balancer.wsUrl, { locale: 'zh' });
    const asked = await user.says('请帮我转人工客服');
    const socketOn = servedBy();
    expect(asked.said).toContain('正在为您转接人工客服');
    const id = user.conversationId as string;
    const root = await slack.waitFor(
      'chat.postMessage',
      (x) => !x.thread_ts && JSON.stringify(x.blocks ?? '').includes(id),
      WAIT,
    );
    const thread = slack.tsOf(root);

    // Slack's calls reach the two instances the socket is not on: one the claim, one the reply
    const claimedOn = other(socketOn);
    const repliedOn = other(socketOn, claimedOn);
    const claim = await slackSender(servers[claimedOn]?.url as string).click(
      'handoff_claim',
      id,
      slack.responseUrl(),
      { user: 'U0WANG', threadTs: thread },
    );
    expect(claim.status).toBe(200);
    expect(await user.told((s) => s === '客服小王已加入对话', WAIT)).toBe('客服小王已加入对话');
    const reply = await slackSender(servers[repliedOn]?.url as string).reply(
      thread,
      '您好，我是小王，请问参考号是多少？',
    );
    expect(reply.status).toBe(200);
    await user.socket.message(
      (m) => m.from === 'agent' && m.text === '您好，我是小王，请问参考号是多少？',
      WAIT,
    );

    // the user's answer, on their own instance, reaches the agent's thread
    user.socket.send({ type: 'message', clientId: 'ref', text: '参考号261120000001' });
    await slack.waitFor(
      'chat.postMessage',
      (x) => x.thread_ts === thread && String(x.text).includes('261120000001'),
      WAIT,
    );
    // each message once, in order
    const ids = user.socket.messages().map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(
      user.socket
        .messages()
        .filter((m) => m.from !== 'user')
        .map(said),
    ).toEqual(expect.arrayContaining(['客服小王已加入对话', '您好，我是小王，请问参考号是多少？']));
    user.close();
  });

  it('a Bot Framework user: each activity on another instance, the flow goes on; the agent’s reply arrives whichever instance Slack calls', {
    timeout: 120_000,
  }, async () => {
    const bf = new ChannelUser(servers[0]?.url as string, { connector });
    // one conversation, each activity posted to a different instance
    const first = await bf.say('退款还没到账');
    expect(first.replies.map(readable).join(' ')).toContain('这笔当初是怎么付款的');
    const second = await bf.via(servers[1]?.url as string).say('信用卡');
    expect(second.replies.map(readable).join(' ')).toContain('退款是哪天办理的');
    const third = await bf.via(servers[2]?.url as string).say('昨天');
    expect(third.replies.map(readable).join(' ')).toContain('按信用卡退款的通常时间');

    // a hand-over asked on instance 2; the agents answer in the thread through instance 1, then 0:
    // each answer is posted, once, to the user's conversation at the channel's connector
    const asked = await bf.via(servers[2]?.url as string).say('我要转人工客服');
    expect(asked.replies.map(readable).join(' ')).toContain('正在为您转接人工客服');
    const root = await slack.waitFor(
      'chat.postMessage',
      (a) =>
        a.channel === SUPPORT_CHANNEL &&
        !a.thread_ts &&
        JSON.stringify(a.blocks).includes('botframework/webchat'),
      WAIT,
    );
    const thread = slack.tsOf(root);
    await slackSender(servers[1]?.url as string).reply(thread, '您好，我是小李');
    const mine = () =>
      connector.posted
        .filter((p) => p.conversationId === bf.conversationId)
        .map((p) => p.activity.text ?? '');
    await connector.until(() => mine().some((t) => t.includes('您好，我是小李')), WAIT);
    await slackSender(servers[0]?.url as string).reply(thread, '请稍等，我帮您查', 'U0LI');
    await connector.until(() => mine().some((t) => t.includes('请稍等，我帮您查')), WAIT);
    expect(mine().filter((t) => t.includes('您好，我是小李'))).toHaveLength(1);
    expect(mine().filter((t) => t.includes('请稍等，我帮您查'))).toHaveLength(1);
  });

  /** Resolves when an instance asks the acquirer something, which then answers only 20 s later. */
  function holdAtTheAcquirer(): Promise<void> {
    return new Promise<void>((asking) => {
      acquirer.sandbox.faults = {
        get delayMs() {
          asking();
          return 20_000;
        },
      };
    });
  }

  it('an instance killed mid-turn: the widget (and an HTTP client) goes on through the balancer on another, where the conversation was', {
    timeout: 180_000,
  }, async () => {
    const trade = acquirer.sandbox.fixtures().find((f) => f.scenario === 'refund_processing_card');
    if (!trade) throw new Error('the sandbox has no refund_processing_card scenario');
    const user = await SocketUser.open(balancer.wsUrl, { locale: 'zh' });
    const asked = await user.says(`退款还没到账，参考号${trade.reference}`);
    expect(asked.said).toContain('请告诉我原付款的金额');
    const id = user.conversationId as string;
    const acknowledged = user.socket.messages().map((m) => `${m.from}: ${said(m)}`);

    // the answer goes to the acquirer, which holds it: the instance is killed while it waits
    const atTheAcquirer = holdAtTheAcquirer();
    const amount = `${trade.amountFen / 100}元`;
    user.socket.send({ type: 'message', clientId: 'in-flight', text: amount });
    await atTheAcquirer;
    const on = servedBy();
    await servers[on]?.stop('SIGKILL');
    acquirer.sandbox.faults = {};
    // the socket is cut with its instance; the message in flight was never acknowledged
    expect(user.socket.frames.some((f) => f.type === 'ack' && f.clientId === 'in-flight')).toBe(false);

    // the widget reconnects (the balancer skips the dead instance) and resumes the conversation
    const back = await SocketUser.open(balancer.wsUrl, { locale: 'zh', conversationId: id, after: 0 });
    const welcome = await back.socket.until((f) => f.type === 'welcome');
    expect(welcome.conversationId).toBe(id);
    // nothing it had acknowledged is lost
    expect(
      back.socket
        .messages()
        .map((m) => `${m.from}: ${said(m)}`)
        .slice(0, acknowledged.length),
    ).toEqual(acknowledged);
    // It sends the unacknowledged message again: answered once, at the look-up, not from the start.
    // The dead instance's lock on the conversation lasts its lease (10 s): until then the turn waits,
    // and should it be refused meanwhile (an error frame with the clientId), the widget sends it again.
    const ack = await eventually(
      'the message sent again answered',
      async () => {
        const from = back.socket.frames.length;
        back.socket.send({ type: 'message', clientId: 'in-flight', text: amount });
        const f = await back.socket.until(
          (x) =>
            back.socket.frames.indexOf(x) >= from &&
            (x.type === 'ack' || x.type === 'error') &&
            x.clientId === 'in-flight',
          WAIT,
        );
        return f.type === 'ack' ? f : undefined;
      },
      { ms: 90_000, everyMs: 500 },
    );
    expect(ack.conversationId).toBe(id);
    expect(servedBy()).not.toBe(on);
    const status = await back.told((s) => s.includes('交易与退款状态'), WAIT);
    expect(status).toContain(trade.reference);
    expect(status).not.toContain('这笔当初是怎么付款的');
    // the message sent twice is in the conversation once
    expect(back.socket.messages().filter((m) => m.from === 'user' && m.text === amount)).toHaveLength(1);
    // and the next turn knows the flow it is in: the question it asked
    const solved = await back.says('解决了');
    expect(solved.said).toContain('太好了');

    // Over HTTP: a merchant asks to look a payment up, through the balancer; the instance that
    // has the reference number is killed while it asks the acquirer, and the request fails. The
    // merchant sends the number again: another instance answers it as the reference it asked for.
    const merchant = new PortalMerchant(balancer.url, trade.merchantNo);
    const first = await merchant.says('帮我查一笔退款');
    expect(first.said).toContain('请告诉我这笔交易的参考号');
    const httpHeld = holdAtTheAcquirer();
    const inFlight = merchant.says(trade.reference).then(
      () => 'answered',
      () => 'cut',
    );
    await httpHeld;
    const httpOn = servedBy();
    await servers[httpOn]?.stop('SIGKILL');
    acquirer.sandbox.faults = {};
    expect(await inFlight).toBe('cut');
    const next = await eventually('the reference number answered after the kill', async () =>
      merchant.says(trade.reference).catch(() => undefined),
    );
    expect(next.conversationId).toBe(first.conversationId);
    expect(next.said).toContain('交易与退款状态');
    expect(next.said).toContain('处理中');
    // once each: the question, and the number (the killed instance's half turn left nothing)
    const lines = (await merchant.history()).split('\n');
    expect(lines.filter((l) => l.includes('请告诉我这笔交易的参考号'))).toHaveLength(1);
    expect(lines.filter((l) => l === trade.reference)).toHaveLength(1);
    back.close();
  });
});
