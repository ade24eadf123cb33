import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRecords, startTestApp, type TestApp } from '../support/app.js';
import {
  actionBody,
  commandBody,
  eventBody,
  OTHER_TEAM,
  SlackStandIn,
  sign,
  slackEnv,
  slackSender,
} from '../support/slack.js';

let slack: SlackStandIn;
let t: TestApp;
let base: string;

beforeAll(async () => {
  slack = await SlackStandIn.start();
  t = await startTestApp({
    ...slackEnv(slack),
  });
  base = await t.server.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await t.close();
  await slack.close();
});

const FORM = 'application/x-www-form-urlencoded';
/** Posts to /slack/events as Slack does: signed, unless the test forges it. */
const post = (body: string, type = FORM, headers?: Record<string, string>) =>
  slackSender(base).post(body, type, headers);

const fixture = (scenario: string) => {
  const f = t.app.acquirer.sandbox?.instance.fixtures().find((x) => x.scenario === scenario);
  if (!f) throw new Error(scenario);
  return f;
};
const blocksText = (body: Record<string, unknown>) => JSON.stringify(body.blocks ?? []);

describe('/refund: the live status for the agent who asked', () => {
  it('shows the transaction, its refunds, the path and the expected arrival, only to the agent', async () => {
    const f = fixture('refund_processing_card');
    const url = slack.responseUrl();
    const res = await post(commandBody('/refund', ` ${f.reference} `, url));
    expect(res.status).toBe(200);
    const answer = await slack.waitForResponse(() => true);
    expect(answer.response_type).toBe('ephemeral');
    const text = blocksText(answer);
    expect(text).toContain('交易与退款状态');
    expect(text).toContain('预计到账');
    expect(text).toMatch(/\d{4}\*{4}\d{4}/); // the card, masked
    expect(text).not.toMatch(/\d{16}/);
    expect(text).toContain('status_share');
  });

  it('shares the card with the channel when the agent presses "share"', async () => {
    const f = fixture('refund_processing_card');
    const url = slack.responseUrl();
    await post(actionBody('status_share', f.reference, url, { channel: 'C0GENERAL' }));
    const shared = await slack.waitForResponse((b) => b.response_type === 'in_channel');
    expect(blocksText(shared)).toContain('交易与退款状态');
    expect(blocksText(shared)).toContain('<@U0WANG>');
  });

  it('an unknown reference, a malformed one, and an acquirer that is down get a clear word', async () => {
    const before = slack.responses.length;
    await post(commandBody('/refund', '999999999999', slack.responseUrl()));
    const unknown = await slack.waitForResponse((b) => String(b.text).includes('999999999999'));
    expect(unknown.text).toContain('没有找到');

    const usage = await post(commandBody('/refund', 'abc <script>', slack.responseUrl()));
    expect(usage.json().text).toContain('用法');
    expect(slack.responses.length).toBe(before + 1);

    const sandbox = t.app.acquirer.sandbox?.instance;
    if (!sandbox) throw new Error('no sandbox');
    sandbox.faults = { status: 503 };
    try {
      await post(commandBody('/refund', fixture('refund_partial').reference, slack.responseUrl()));
      const unavailable = await slack.waitForResponse((b) => String(b.text).includes('暂时无法查询'), 10_000);
      expect(unavailable.response_type).toBe('ephemeral');
    } finally {
      sandbox.faults = {};
    }
  });

  it('audits every look-up with the Slack user id', async () => {
    const lines = (await auditRecords(t.app, 'lookups')) as unknown as Array<{
      channel: string;
      role: string;
      actor?: string;
      outcome: string;
    }>;
    const mine = lines.filter((l) => l.channel === 'slack');
    expect(mine.length).toBeGreaterThanOrEqual(3);
    expect(mine.every((l) => l.role === 'agent' && l.actor === 'U0WANG')).toBe(true);
    expect(mine.map((l) => l.outcome)).toEqual(expect.arrayContaining(['found', 'not_found', 'unavailable']));
  });
});

describe('/kb and mentions: answers from the knowledge base', () => {
  it('/kb lists the best articles, each with "post to channel"', async () => {
    const res = await post(commandBody('/kb', '退款多久到账', slack.responseUrl()));
    const body = res.json();
    expect(body.response_type).toBe('ephemeral');
    expect(blocksText(body)).toContain('到账');
    expect(blocksText(body)).toContain('kb_post');
  });

  it('"post to channel" posts the whole answer for everyone', async () => {
    await post(
      actionBody('kb_post', 'zh:refund-arrival-times', slack.responseUrl(), { channel: 'C0GENERAL' }),
    );
    const posted = await slack.waitForResponse(
      (b) => b.response_type === 'in_channel' && blocksText(b).includes('到账'),
    );
    expect(blocksText(posted)).toContain('<@U0WANG>');
  });

  it('/kb with nothing to ask says how to use it', async () => {
    expect((await post(commandBody('/kb', '  ', slack.responseUrl()))).json().text).toContain('用法');
  });

  it('a mention is answered in its thread', async () => {
    await post(
      eventBody({
        type: 'app_mention',
        user: 'U0LI',
        text: '<@U0BOT> how long does a refund to a credit card take?',
        ts: '1764043300.000100',
        channel: 'C0GENERAL',
        event_ts: '1764043300.000100',
      }),
      'application/json',
    );
    const reply = await slack.waitFor('chat.postMessage', (a) => a.thread_ts === '1764043300.000100');
    expect(reply.channel).toBe('C0GENERAL');
    expect(JSON.stringify(reply.blocks)).toMatch(/working days|business days/i);
  });
});

describe('App Home', () => {
  it('shows what is waiting and today’s counts', async () => {
    await post(
      eventBody({ type: 'app_home_opened', user: 'U0WANG', channel: 'D0HOME', tab: 'home', event_ts: '1.2' }),
      'application/json',
    );
    const published = await slack.waitFor('views.publish', (a) => a.user_id === 'U0WANG');
    const view = JSON.stringify(published.view);
    expect(view).toContain('人工服务台');
    expect(view).toContain('今天');
  });
});

describe('who may talk to the app', () => {
  it('a forged signature, a stale timestamp, a bad body: refused, nothing happens', async () => {
    const calls = slack.calls.length;
    const responses = slack.responses.length;
    const body = commandBody('/refund', fixture('refund_processing_card').reference, slack.responseUrl());
    expect((await post(body, FORM, sign(body, undefined, 'not-the-secret'))).status).toBe(401);
    expect((await post(body, FORM, sign(body, Math.floor(Date.now() / 1000) - 600))).status).toBe(401);
    expect((await post(body, FORM, {})).status).toBe(401);
    const tampered = body.replace('refund', 'kb');
    expect((await post(tampered, FORM, sign(body))).status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(slack.calls.length).toBe(calls);
    expect(slack.responses.length).toBe(responses);
  });

  it('another workspace is refused politely and has no effect', async () => {
    const responses = slack.responses.length;
    const calls = slack.calls.length;
    const res = await post(
      commandBody('/refund', fixture('refund_processing_card').reference, slack.responseUrl(), {
        team: OTHER_TEAM,
      }),
    );
    expect(res.status).toBe(200);
    expect(res.text).toContain('没有开通');
    await post(
      eventBody(
        { type: 'app_mention', user: 'U0X', text: '<@U0BOT> hi', ts: '9.1', channel: 'C0X', event_ts: '9.1' },
        OTHER_TEAM,
      ),
      'application/json',
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(slack.responses.length).toBe(responses);
    expect(slack.calls.length).toBe(calls);
  });

  it('answers Slack’s URL verification', async () => {
    const body = JSON.stringify({ type: 'url_verification', challenge: 'abc123', token: 'x' });
    const res = await post(body, 'application/json');
    expect(res.json()).toEqual({ challenge: 'abc123' });
  });
});
