import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRecords, startTestApp, type TestApp } from '../support/app.js';
import { applyFor, MERCHANT_TOKEN, merchantUser, payment } from '../support/apply.js';
import { type ApiCall, SlackStandIn, SUPPORT_CHANNEL, slackEnv, slackSender } from '../support/slack.js';
import { ChatUser } from '../support/transcript.js';
import { upload } from '../support/uploads.js';
import { SocketUser } from '../support/widget-socket.js';

// Refund applications reviewed in Slack, as the people involved live it: the merchant applies in the
// widget (over its WebSocket), a card opens in the review channel, a reviewer decides there, the
// refund is executed once at the (sandbox) acquirer, and the merchant hears of every step live.

const PUBLIC = 'https://assist.example.com';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
let slack: SlackStandIn;

beforeAll(async () => {
  slack = await SlackStandIn.start({ U0WANG: '小王', U0LI: '小李', U0ZHAO: '小赵' });
});
afterAll(() => slack.close());

interface Desk {
  t: TestApp;
  ws: string;
  sender: ReturnType<typeof slackSender>;
}

async function withDesk(env: Record<string, string>, run: (d: Desk) => Promise<void>) {
  // each app numbers its applications from RA-…-0001: only this app's calls count
  slack.calls.splice(0);
  const t = await startTestApp({
    ...slackEnv(slack),
    WIDGET_TOKEN_SECRET: 'widget-token-secret-for-tests-0123456789',
    APPLICATION_REVIEWERS: 'U0WANG,U0LI',
    PUBLIC_BASE_URL: PUBLIC,
    ...env,
  });
  try {
    const base = await t.server.listen({ port: 0, host: '127.0.0.1' });
    await slack.waitFor('auth.test');
    await run({ t, ws: `${base.replace('http', 'ws')}/api/ws`, sender: slackSender(base) });
  } finally {
    await t.close();
  }
}

async function merchantOnSocket(d: Desk, merchantNo: string, locale = 'zh') {
  return SocketUser.open(d.ws, { token: await d.t.app.tokens.issue(merchantNo), locale });
}

/** A proof document uploaded into the merchant's conversation, as the widget's 📎 does. */
async function uploadProof(d: Desk, conversationId: string, name: string, bytes: Buffer) {
  const res = await upload(d.t.server, bytes, { conversationId }, { name });
  expect(res.status, JSON.stringify(res.error)).toBe(200);
}

/** The review card Slack shows now for an application: the first post, then its latest update. */
async function card(number: string, test: (shown: string) => boolean = () => true) {
  const posted = await slack.waitFor(
    'chat.postMessage',
    (a) => !a.thread_ts && String(a.text).includes(number),
  );
  const ts = slack.tsOf(posted);
  const latest = () => {
    const updates = slack.callsOf('chat.update').filter((c) => c.args.ts === ts && c.result?.ok);
    return (updates.at(-1) ?? ({ args: posted } as ApiCall)).args;
  };
  await expect.poll(() => test(JSON.stringify(latest())), { timeout: 10_000 }).toBe(true);
  const shown = latest();
  const buttons = JSON.stringify(shown.blocks).match(/"action_id":"review_\w+","value":"[^"]+"/g) ?? [];
  return { ts, shown: JSON.stringify(shown), buttons, channel: String(posted.channel) };
}

const threadLine = (ts: string, text: string) =>
  slack.waitFor('chat.postMessage', (a) => a.thread_ts === ts && String(a.text).includes(text), 10_000);

const ephemeral = (user: string, text: string) =>
  slack.waitFor('chat.postEphemeral', (a) => a.user === user && String(a.text).includes(text), 10_000);

const click = (d: Desk, action: string, value: string, user: string, messageTs: string) =>
  d.sender.click(action, value, slack.responseUrl(), { user, messageTs });

/** The modal the app opened for `user` after they pressed a card's button. */
const modalFor = async (callbackId: string) =>
  (
    await slack.waitFor(
      'views.open',
      (a) => (a.view as { callback_id?: string }).callback_id === callbackId && !opened.has(a),
    )
  ).view as Record<string, unknown>;
const opened = new Set<unknown>();

/** How many refunds the acquirer has under this refund id for the payment. */
async function refundsFor(d: Desk, paid: { reference: string; merchantNo: string }, outRefundNo?: string) {
  const gateway = d.t.app.acquirer.gateway;
  const found = await gateway.findTransaction(paid);
  if (found.outcome !== 'found') throw new Error('payment not found');
  const refunds = await gateway.listRefunds(found.value);
  return refunds.outcome === 'found' ? refunds.value.filter((r) => r.refundNo === outRefundNo).length : 0;
}

describe('refund applications reviewed in Slack', { timeout: 60_000 }, () => {
  it('zh: widget → card with live status and signed proof → a non-reviewer and a forged click change nothing → approved → one refund → the merchant hears it live → the consumer sees the refund', async () => {
    await withDesk({}, async (d) => {
      const paid = payment(d.t, 'paid_not_refunded');
      const m = await merchantOnSocket(d, paid.merchantNo);
      const found = await m.says(`客人要退款，参考号 ${paid.reference}`);
      expect(found.said).toContain(paid.reference);
      const amount = await m.says('退100元');
      const reason = await m.presses(amount, '服务取消');
      expect(reason.said).toContain('证明材料');
      await uploadProof(d, m.conversationId as string, '小票.pdf', PDF);
      const uploaded = await m.says('传好了');
      expect(uploaded.said).toContain('联系');
      const summary = await m.says('王经理 13812345678');
      expect(summary.said).toContain('¥100.00');
      const submitted = await m.presses(summary, '提交');
      const number = /RA-\d{8}-\d{4}/.exec(submitted.said)?.[0] as string;
      expect(number, submitted.said).toBeDefined();

      // the card: merchant, payment with its live status, amount and what remains, reason, the proof
      // as a signed link, the pre-check, and the three decisions
      const c = await card(number);
      expect(c.channel).toBe(SUPPORT_CHANNEL);
      expect(c.shown).toContain(paid.reference);
      expect(c.shown).toContain('¥100.00');
      expect(c.shown).toContain('¥235.00');
      expect(c.shown).toContain('服务取消');
      expect(c.shown).toMatch(new RegExp(`<${PUBLIC}/[^|]+\\|小票\\.pdf>`));
      expect(c.shown).toContain('系统初审');
      expect(c.shown).toContain('138****5678');
      expect(c.shown).not.toContain('13812345678');
      expect(c.buttons).toEqual([
        `"action_id":"review_approve","value":"${number}|1"`,
        `"action_id":"review_reject","value":"${number}|1"`,
        `"action_id":"review_ask","value":"${number}|1"`,
      ]);

      // 小赵 is not a reviewer: told so, nothing decided, and the attempt is audited with his Slack id
      expect((await click(d, 'review_approve', `${number}|1`, 'U0ZHAO', c.ts)).status).toBe(200);
      await ephemeral('U0ZHAO', '审核名单');
      // a request Slack did not sign is refused before anything runs
      const forged = await d.sender.post(
        new URLSearchParams({ payload: '{"type":"block_actions"}' }).toString(),
        'application/x-www-form-urlencoded',
        { 'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)), 'x-slack-signature': 'v0=00' },
      );
      expect(forged.status).toBe(401);
      expect((await d.t.app.applications.store.get(number))?.status).toBe('in_review');
      const audits = await auditRecords(d.t.app, 'applications');
      expect(audits).toContainEqual(expect.objectContaining({ actor: 'U0ZHAO', outcome: 'denied' }));

      // 小王 approves: the card says so, its thread records it, the merchant hears it at once
      await click(d, 'review_approve', `${number}|1`, 'U0WANG', c.ts);
      await card(number, (s) => s.includes('已批准') && !s.includes('review_approve'));
      await threadLine(c.ts, '<@U0WANG> 批准了申请');
      await m.told((s) => s.includes(number) && s.includes('已审核通过'));
      // the same click again (a double click, a replay) decides nothing and says who decided
      await click(d, 'review_approve', `${number}|1`, 'U0LI', c.ts);
      await ephemeral('U0LI', '<@U0WANG>');
      expect(audits.length).toBeLessThan((await auditRecords(d.t.app, 'applications')).length);

      // the outbox executes it once at the acquirer
      expect(await d.t.app.executor.drain()).toBe(1);
      const executed = await card(number, (s) => s.includes('退款已执行'));
      const done = await d.t.app.applications.store.get(number);
      expect(done?.status).toBe('executed');
      expect(executed.shown).toContain(done?.refund?.refundNo);
      await threadLine(c.ts, '退款已执行');
      await m.told((s) => s.includes(number) && s.includes('的退款已执行'));
      expect(await refundsFor(d, paid, done?.outRefundNo)).toBe(1);
      // the arrival date the merchant was just told is kept, to be checked against the arrival
      await d.t.app.insights.flush();
      const estimates = await d.t.app.database.db
        .selectFrom('insight_events')
        .selectAll()
        .where('kind', '=', 'estimate')
        .where('outcome', '=', 'executed')
        .execute();
      expect(estimates).toHaveLength(1);
      expect(estimates[0]?.date_to).toMatch(/^2026-1[12]-\d\d$/);

      // the cardholder looking the payment up sees the refund
      const consumer = new ChatUser(d.t.server);
      const asked = await consumer.says(`退款到哪了？参考号 ${paid.reference}`);
      expect(asked.said).toContain('金额'); // who they are: the payment's amount, as on the slip
      const lookup = await consumer.says('235元');
      expect(lookup.said).toContain('¥100.00');
      m.close();
    });
  });

  it('en: Reject opens a modal; the merchant reads the listed reason in their language with the note; "another reason" needs a note', async () => {
    await withDesk({ SLACK_LANG: 'en' }, async (d) => {
      const paid = payment(d.t, 'refund_partial');
      const m = await merchantOnSocket(d, paid.merchantNo, 'en');
      const number = await applyOnSocketEn(m, paid.reference, '40');
      const c = await card(number);
      expect(c.shown).toContain('Refund application');
      expect(c.shown).toContain('Service cancelled or not provided');

      await click(d, 'review_reject', `${number}|1`, 'U0LI', c.ts);
      const modal = await modalFor('review_reject_modal');
      expect(JSON.stringify(modal)).toContain('The customer withdrew the request');
      // "another reason" alone says nothing: the modal asks for the note and nothing is decided
      const bare = await d.sender.submit(
        modal,
        { reason: { selected: 'other' }, note: '' },
        { user: 'U0LI' },
      );
      expect(bare.json()).toMatchObject({ response_action: 'errors', errors: { note: expect.any(String) } });
      expect((await d.t.app.applications.store.get(number))?.status).toBe('in_review');

      const sent = await d.sender.submit(
        modal,
        { reason: { selected: 'customer_withdrew' }, note: 'Called the shop on Monday' },
        { user: 'U0LI' },
      );
      expect(sent.status).toBe(200);
      await card(number, (s) => s.includes('rejected') && !s.includes('review_approve'));
      await threadLine(c.ts, '<@U0LI> rejected: The customer withdrew the request');
      const told = await m.told((s) => s.includes(number) && s.includes('not approved'));
      expect(told).toContain('The customer withdrew the request. Called the shop on Monday');
      // nothing reaches the acquirer for a rejected application
      expect(await d.t.app.executor.drain()).toBe(0);
      const done = await d.t.app.applications.store.get(number);
      expect(await refundsFor(d, paid, done?.outRefundNo)).toBe(0);
      m.close();
    });
  });

  it('zh: Ask for more → the merchant answers in the widget with a new upload → the thread and the card show it → approved', async () => {
    await withDesk({}, async (d) => {
      const paid = payment(d.t, 'refund_twice');
      const m = await merchantOnSocket(d, paid.merchantNo);
      const number = await applyOnSocketZh(m, paid.reference, '退30元');
      const c = await card(number);

      await click(d, 'review_ask', `${number}|1`, 'U0WANG', c.ts);
      const modal = await modalFor('review_ask_modal');
      await d.sender.submit(modal, { question: '请上传顾客取消订单的截图' }, { user: 'U0WANG' });
      await threadLine(c.ts, '<@U0WANG> 要求补充：请上传顾客取消订单的截图');
      await card(number, (s) => s.includes('等待商户回复'));
      await m.told((s) => s.includes('请上传顾客取消订单的截图'));

      await uploadProof(d, m.conversationId as string, '取消截图.pdf', PDF);
      const answered = await m.says('截图已上传，顾客周一取消的');
      expect(answered.said).toContain('已把您的回复转给审核员');
      await threadLine(c.ts, '商户回复：截图已上传，顾客周一取消的（新材料 1 份）');
      const after = await card(number, (s) => s.includes('取消截图.pdf') && !s.includes('等待商户回复'));
      expect(after.buttons).toHaveLength(3);

      await click(d, 'review_approve', `${number}|1`, 'U0WANG', c.ts);
      await m.told((s) => s.includes(number) && s.includes('已审核通过'));
      expect(await d.t.app.executor.drain()).toBe(1);
      m.close();
    });
  });

  it('four eyes: above the limit one approval waits for a second reviewer; the same one twice and a card older than an amendment decide nothing; one refund', async () => {
    await withDesk({ APPLICATION_FOUR_EYES_FEN: '20000' }, async (d) => {
      const paid = payment(d.t, 'refund_twice'); // ¥500.00, ¥250.00 refunded before
      const m = await merchantOnSocket(d, paid.merchantNo);
      const number = await applyOnSocketZh(m, paid.reference, '退240元');
      const c = await card(number);
      expect(c.shown).toContain('需要两位不同的审核员批准');

      await click(d, 'review_approve', `${number}|1`, 'U0WANG', c.ts);
      await ephemeral('U0WANG', '已记录你的批准（1/2）');
      await threadLine(c.ts, '<@U0WANG> 批准（1/2）');
      await click(d, 'review_approve', `${number}|1`, 'U0WANG', c.ts);
      await ephemeral('U0WANG', '需要另一位审核员');

      // the merchant changes the amount: approvals start again, and the old card's button is stale
      const amended = await m.says(`${number} 金额改成230元`);
      expect(amended.said).toContain('¥230.00');
      const v2 = await card(number, (s) => s.includes(`${number}|2`));
      expect(v2.shown).toContain('¥240.00');
      await click(d, 'review_approve', `${number}|1`, 'U0LI', c.ts);
      await ephemeral('U0LI', '第 2 版');
      expect((await d.t.app.applications.store.get(number))?.approvals).toEqual([]);

      await click(d, 'review_approve', `${number}|2`, 'U0LI', c.ts);
      await ephemeral('U0LI', '已记录你的批准（1/2）');
      await click(d, 'review_approve', `${number}|2`, 'U0WANG', c.ts);
      await m.told((s) => s.includes(number) && s.includes('已审核通过'));
      expect(await d.t.app.executor.drain()).toBe(1);
      const done = await d.t.app.applications.store.get(number);
      expect(done).toMatchObject({ status: 'executed', amountFen: 23000 });
      expect(await refundsFor(d, paid, done?.outRefundNo)).toBe(1);
      m.close();
    });
  });
});

describe('a review channel that missed applications', { timeout: 60_000 }, () => {
  it('applications submitted before Slack was connected get their cards when it connects; the acquirer down at execution is said in the thread', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ra-review-'));
    let number = '';
    let paid: { reference: string; merchantNo: string } = { reference: '', merchantNo: '' };
    // first without Slack: the merchant applies, nobody is told
    const before = await startTestApp({ DATA_DIR: dataDir, TRUSTED_CALLER_TOKEN: MERCHANT_TOKEN });
    try {
      paid = payment(before, 'refund_partial');
      number = await applyFor(merchantUser(before, paid.merchantNo), paid.reference, 20);
    } finally {
      await before.close();
    }
    slack.calls.splice(0);
    await withDesk({ DATA_DIR: dataDir }, async (d) => {
      const c = await card(number);
      expect(c.buttons).toHaveLength(3);
      await click(d, 'review_approve', `${number}|1`, 'U0WANG', c.ts);
      await card(number, (s) => s.includes('已批准'));
      // the acquirer does not answer: the reviewers read that it is retried, and that nothing doubles
      const sandbox = d.t.app.acquirer.sandbox?.instance;
      if (!sandbox) throw new Error('no sandbox');
      sandbox.faults = { refundsDown: true };
      expect(await d.t.app.executor.drain()).toBe(1);
      await threadLine(c.ts, '系统会自动重试（不会重复退款）');
      expect((await d.t.app.applications.store.get(number))?.status).toBe('approved');
    });
    rmSync(dataDir, { recursive: true, force: true });
  });
});

/** A zh application with no documents, typed as a merchant does; its RA number. */
async function applyOnSocketZh(m: SocketUser, reference: string, amount: string): Promise<string> {
  await m.says(`客人要退款，参考号 ${reference}`);
  const reason = await m.presses(await m.says(amount), '服务取消');
  const contact = await m.presses(reason, '没有材料');
  expect(contact.said).toContain('联系');
  const summary = await m.says('王经理');
  const submitted = await m.presses(summary, '提交');
  const number = /RA-\d{8}-\d{4}/.exec(submitted.said)?.[0];
  expect(number, submitted.said).toBeDefined();
  return number as string;
}

async function applyOnSocketEn(m: SocketUser, reference: string, amount: string): Promise<string> {
  await m.says(`I need to refund a customer, reference ${reference}`);
  const reason = await m.presses(await m.says(amount), 'Service cancelled');
  const contact = await m.presses(reason, 'No documents');
  expect(contact.said).toContain('reach you');
  const submitted = await m.presses(await m.says('Ms Chen at the front desk'), 'Submit');
  const number = /RA-\d{8}-\d{4}/.exec(submitted.said)?.[0];
  expect(number, submitted.said).toBeDefined();
  return number as string;
}
