import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { APP_TOKEN, BOT_TOKEN, SlackStandIn, SUPPORT_CHANNEL, TEAM } from '../support/slack.js';

// Socket Mode: no public URL; the app opens a WebSocket to Slack (here, the stand-in) and gets
// commands and events as envelopes it acknowledges.
let slack: SlackStandIn;
let t: TestApp;

beforeAll(async () => {
  slack = await SlackStandIn.start();
  t = await startTestApp({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_APP_TOKEN: APP_TOKEN,
    SLACK_SUPPORT_CHANNEL: SUPPORT_CHANNEL,
    SLACK_API_URL: slack.apiUrl,
  });
  const started = Date.now();
  while (!slack.socketConnected && Date.now() - started < 5000) await new Promise((r) => setTimeout(r, 20));
});
afterAll(async () => {
  await t.close();
  await slack.close();
});

describe('Slack in Socket Mode', () => {
  it('connects with the app token and serves no HTTP route', async () => {
    expect(slack.socketConnected).toBe(true);
    expect(slack.callsOf('apps.connections.open')).toHaveLength(1);
    const res = await t.server.inject({ method: 'POST', url: '/slack/events', payload: {} });
    expect(res.statusCode).toBe(404);
  });

  it('answers /kb in the envelope’s acknowledgement', async () => {
    const ack = (await slack.envelope('slash_commands', {
      team_id: TEAM,
      channel_id: 'C0GENERAL',
      user_id: 'U0WANG',
      command: '/kb',
      text: '撤销和退货有什么区别',
      response_url: slack.responseUrl(),
    })) as { response_type?: string; blocks?: unknown };
    expect(ack.response_type).toBe('ephemeral');
    expect(JSON.stringify(ack.blocks)).toContain('撤销');
  });

  it('answers a mention in its thread', async () => {
    await slack.envelope('events_api', {
      team_id: TEAM,
      type: 'event_callback',
      event_id: 'Ev1',
      event_time: 1,
      event: {
        type: 'app_mention',
        user: 'U0LI',
        channel: 'C0GENERAL',
        text: '<@U0BOT> 退款要手续费吗',
        ts: '1764043400.000001',
        event_ts: '1764043400.000001',
      },
    });
    const reply = await slack.waitFor('chat.postMessage', (a) => a.thread_ts === '1764043400.000001');
    expect(JSON.stringify(reply.blocks)).toContain('手续费');
  });
});
