import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InsightEvent } from '../../bot/insights/index.js';
import { SlackDigest } from '../../integrations/channels/slack/digest.js';
import { wordsFor } from '../../integrations/channels/slack/words.js';
import { startTestApp, TEST_NOW, type TestApp } from '../support/app.js';
import { BOT_TOKEN, SlackStandIn, SUPPORT_CHANNEL, slackEnv } from '../support/slack.js';

// The support lead's morning: yesterday's numbers and the five questions the assistant could not
// answer, once in the support channel, whichever instance gets there first.
const YESTERDAY = '2026-11-24';

function yesterday(): InsightEvent[] {
  const at = new Date(`${YESTERDAY}T03:00:00Z`);
  const e: InsightEvent[] = [];
  for (let i = 0; i < 4; i++)
    e.push({ kind: 'conversation', at, channel: 'widget', lang: 'zh', conversationId: `y${i}` });
  e.push({ kind: 'handoff_asked', at, channel: 'widget', conversationId: 'y0', outcome: 'desk' });
  e.push({ kind: 'handoff_claimed', at, channel: 'widget', conversationId: 'y0', durationMs: 120_000 });
  e.push({ kind: 'rating', at, conversationId: 'y1', outcome: 'up', article: 'refund-policy' });
  e.push({
    kind: 'rating',
    at,
    conversationId: 'y2',
    outcome: 'down',
    article: 'refund-policy',
    text: '手续费怎么还收',
  });
  e.push({ kind: 'lookup', at, channel: 'widget', outcome: 'found' });
  e.push({ kind: 'lookup', at, channel: 'widget', outcome: 'proof_failed' });
  const asked = (id: string, text: string) =>
    e.push({
      kind: 'turn',
      at,
      channel: 'widget',
      lang: 'zh',
      conversationId: id,
      decision: 'not_understood',
      text,
    });
  asked('y0', '那个单子弄一下');
  asked('y1', '那个单子弄一下');
  asked('y3', '<!channel> 看这里 <https://evil.example|点我>');
  // today's questions wait for tomorrow's digest
  e.push({
    kind: 'turn',
    at: TEST_NOW,
    channel: 'widget',
    conversationId: 'z',
    decision: 'not_understood',
    text: '今天的问题',
  });
  return e;
}

let slack: SlackStandIn;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ra-digest-'));
beforeAll(async () => {
  slack = await SlackStandIn.start();
  // the events of yesterday, recorded by the deployment before this morning
  const before = await startTestApp({ DATA_DIR: dataDir });
  for (const e of yesterday()) before.app.insights.record(e);
  await before.close();
}, 60_000);
afterAll(async () => {
  await slack.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const digests = () =>
  slack
    .callsOf('chat.postMessage')
    .filter((c) => c.args.channel === SUPPORT_CHANNEL && String(c.args.text).includes('每日简报'));

describe('the daily digest in Slack', () => {
  let t: TestApp;
  afterAll(() => t?.close());
  /** Another instance's digest, on the same database and Slack, at its own clock (no retries). */
  const digestOn = (clock: () => Date) =>
    new SlackDigest({
      client: new webApi.WebClient(BOT_TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }),
      channel: SUPPORT_CHANNEL,
      words: wordsFor('zh'),
      source: t.app.insightsStore,
      hour: 9,
      clock,
      logger: t.app.logger,
    });

  it('at noon, yesterday’s digest is in the support channel: its numbers, its top unanswered, escaped, and the page’s link', async () => {
    t = await startTestApp({
      ...slackEnv(slack),
      DATA_DIR: dataDir,
      SLACK_DIGEST_HOUR: '9',
      INSIGHTS_SECRET: 'lead-secret',
      PUBLIC_BASE_URL: 'https://assist.example.com',
    });
    const posted = await slack.waitFor('chat.postMessage', (a) => String(a.text).includes('每日简报'));
    expect(posted.channel).toBe(SUPPORT_CHANNEL);
    expect(posted.text).toBe(`📊 每日简报 · ${YESTERDAY}`);
    const shown = JSON.stringify(posted.blocks);
    expect(shown).toContain('*对话* 4 · *自助解决* 75%');
    expect(shown).toContain('*人工接入* 1 · 平均用时 2 min');
    expect(shown).toContain('👍 1 · 👎 1');
    expect(shown).toContain('*查询* 2（查到 1 · 核验未通过 1）');
    expect(shown).toContain('1. 那个单子弄一下 ×2');
    expect(shown).toContain('手续费怎么还收 ×1');
    expect(shown).not.toContain('今天的问题');
    // a user's words cannot ping the channel or hide a link
    expect(shown).toContain('&lt;!channel&gt;');
    expect(shown).not.toContain('<!channel>');
    // and no bare URL in a question becomes a link: Slack is told to link nothing by itself
    const texts: Array<{ verbatim?: boolean }> = [];
    JSON.stringify(posted.blocks, (_k, v) => {
      if (v && typeof v === 'object' && (v as { type?: unknown }).type === 'mrkdwn') texts.push(v);
      return v;
    });
    expect(texts.length).toBeGreaterThan(0);
    expect(texts.every((t) => t.verbatim === true)).toBe(true);
    expect(shown).toContain('<https://assist.example.com/insights?lang=zh|打开洞察页面>');
  }, 60_000);

  it('once: a second instance (or a restart) the same morning posts nothing more', async () => {
    const instance = (now: Date) => digestOn(() => now);
    const [a, b] = await Promise.all([instance(TEST_NOW).tick(), instance(TEST_NOW).tick()]);
    expect([a, b]).toEqual([undefined, undefined]);
    expect(digests()).toHaveLength(1);
  });

  it('not before its hour; the next day’s at its hour; a failed post is tried again at the next tick', async () => {
    let now = new Date('2026-11-26T00:30:00Z'); // 08:30 in China
    const digest = digestOn(() => now);
    expect(await digest.tick()).toBeUndefined();
    now = new Date('2026-11-26T01:00:00Z'); // 09:00
    slack.fail('chat.postMessage');
    await expect(digest.tick()).rejects.toThrow();
    expect(await digest.tick()).toBe('2026-11-25');
    const last = digests().at(-1);
    expect(last?.args.text).toBe('📊 每日简报 · 2026-11-25');
    expect(JSON.stringify(last?.args.blocks)).toContain('今天的问题 ×1');
    expect(await digest.tick()).toBeUndefined();
    expect(digests()).toHaveLength(3); // the 24th's, the failed try, the 25th's
  });
});
