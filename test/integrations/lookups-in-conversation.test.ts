import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRecords, startTestApp, type TestApp } from '../support/app.js';
import { ChatUser } from '../support/transcript.js';

// Today is Wednesday 25 November 2026 in Shanghai; the sandbox is seeded relative to it.
const TOKEN = 'portal-secret-token';
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({
    TRUSTED_CALLER_TOKEN: TOKEN,
    TRUST_PROXY: 'true',
    LOOKUP_MAX_FAILURES: '5',
    LOOKUP_LOCK_MINUTES: '15',
  });
});
afterAll(() => t.close());

const fixture = (scenario: string) => {
  const f = t.app.acquirer.sandbox?.instance.fixtures().find((x) => x.scenario === scenario);
  if (!f) throw new Error(scenario);
  return f;
};
const yuan = (fen: number) => `${fen / 100}元`;
let addressCounter = 1;
/** A consumer on the public help page, each from a new address unless told otherwise. */
const consumer = (locale?: string, address = `10.0.0.${addressCounter++}`) =>
  new ChatUser(t.server, locale, { 'x-forwarded-for': address });
const merchant = (merchantNo: string, locale?: string) =>
  new ChatUser(t.server, locale, { authorization: `Bearer ${TOKEN}`, 'x-merchant-no': merchantNo });

describe('a consumer looks a refund up', () => {
  it('zh: reference, then the amount as proof → the status card and the dated estimate', async () => {
    const f = fixture('refund_processing_card');
    const user = consumer();
    const proof = await user.says(`帮我查一下参考号 ${f.reference} 的退款`);
    expect(proof.said).toContain('请再告诉我这笔付款的金额，或付款卡号的后四位');
    const status = await user.says(yuan(f.amountFen));
    const card = status.replies.find((r) => r.type === 'card');
    expect(card?.type === 'card' && card.title).toBe('交易与退款状态');
    expect(status.said).toContain('付款: 11月20日（周五）');
    expect(status.said).toContain('¥268.00 · 借记卡');
    expect(status.said).toContain('退款: 11月24日（周二） 10:12 · ¥268.00 · 处理中');
    expect(status.said).toContain(`退回路径: 原路退回借记卡`);
    expect(status.said).toContain('预计到账: 11月27日（周五）');
    expect(status.said).toContain(`参考号: ${f.reference}`);
    expect(status.said).not.toContain('超期');
    expect(status.said).toContain('预计 **11月27日（周五）** 前到账，现在还不用做什么');
    expect(status.said).not.toMatch(/\d{16}/);
  });

  it('en: reference and card digits in one message → straight to the card', async () => {
    const f = fixture('refund_overdue_card');
    const status = await consumer('en').says(
      `where is the refund for ref ${f.reference}? card ending ${f.cardLast4}`,
    );
    expect(status.said).toContain('Payment and refund status');
    expect(status.said).toContain('Refund: Tue 17 Nov 11:40 · ¥1599.00 · Processing'); // six working days ago
    expect(status.said).toContain('should have arrived by Fri 20 Nov');
    expect(status.said).toContain(`Reference no.: ${f.reference}`);
    expect(status.said).toMatch(/Overdue: past Fri 20 Nov, \d+ working day\(s\) late/);
    expect(status.said).toContain('issuing bank');
    expect(status.buttons.map((b) => b.label)).toContain('Yes, a person please');
  });

  it('a failed refund says why and what happens next', async () => {
    const f = fixture('refund_failed_card_closed');
    const user = consumer();
    await user.says(`参考号${f.reference}的退款怎么样了`);
    const status = await user.says(`尾号${f.cardLast4}`);
    expect(status.said).toContain('失败原因: 原卡账户已注销');
    expect(status.said).toContain('这笔退款没有成功（原卡账户已注销）');
  });

  it('a wallet refund and a void read right', async () => {
    const qr = fixture('refund_succeeded_qr');
    const a = consumer();
    await a.says(`查询参考号 ${qr.reference}`);
    const done = await a.says(yuan(qr.amountFen));
    expect(done.said).toContain('退回微信支付余额');
    expect(done.said).toContain('退款已经成功');
    const v = fixture('void_same_day');
    const b = consumer();
    await b.says(`查一下这笔交易 参考号${v.reference}`);
    const voided = await b.says(`尾号${v.cardLast4}`);
    expect(voided.said).toContain('撤销: ');
    expect(voided.said).toContain('已当天撤销');
  });

  it('a payment still processing, and a failed payment', async () => {
    const p = fixture('payment_processing');
    const a = consumer();
    await a.says(`这笔付款成功了吗 参考号${p.reference}`);
    expect((await a.says(yuan(p.amountFen))).said).toContain('还在处理中');
    const f = fixture('payment_failed');
    const b = consumer('en');
    const failed = await b.says(`did payment ${f.reference} go through? it was ${f.amountFen / 100} yuan`);
    expect(failed.said).toContain('This payment failed, so there is no charge');
  });

  it('the wrong proof and an unknown reference get the same answer: nothing is revealed', async () => {
    const f = fixture('paid_not_refunded');
    const wrong = consumer();
    await wrong.says(`查一下参考号${f.reference}`);
    const a = await wrong.says('尾号0000');
    const unknown = consumer();
    await unknown.says('查一下参考号999999999999');
    const b = await unknown.says('尾号0000');
    expect(a.said).toBe(b.said);
    expect(a.replies.some((r) => r.type === 'card')).toBe(false);
    expect(a.said).not.toContain(f.merchantNo);
  });
});

describe('a merchant looks its own transactions up', () => {
  it('zh: signed in, no proof asked, its own transaction', async () => {
    const f = fixture('refund_partial');
    const status = await merchant(f.merchantNo).says(`帮我查一下参考号 ${f.reference}`);
    expect(status.said).not.toContain('金额，或付款卡号的后四位');
    expect(status.said).toContain('付款状态: 已部分退款');
    expect(status.said).toContain('¥120.00');
  });

  it('en: another merchant’s reference is not found, exactly like an unknown one', async () => {
    const other = fixture('refund_partial');
    const mine = fixture('paid_not_refunded');
    expect(mine.merchantNo).not.toBe(other.merchantNo);
    const a = await merchant(mine.merchantNo, 'en').says(`check payment ${other.reference}`);
    const b = await merchant(mine.merchantNo, 'en').says('check payment 999999999999');
    expect(a.said).toBe(b.said);
    expect(a.said).toContain("couldn't find");
  });

  it('a merchant number without the trusted token is refused', async () => {
    const res = await t.server.inject({
      method: 'POST',
      url: '/api/chat',
      headers: { 'x-merchant-no': '822100058120041' },
      payload: { text: 'hi' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('UNAUTHORIZED');
  });
});

describe('inside the refund-not-arrived tree', () => {
  it('a reference is looked up instead of asking how it was paid', async () => {
    const f = fixture('refund_overdue_card');
    const user = consumer();
    const proof = await user.says(`参考号${f.reference}的退款还没到账`);
    expect(proof.said).toContain('请告诉我原付款的金额，或付款卡号的后四位');
    const status = await user.says(`尾号${f.cardLast4}`);
    expect(status.said).toContain('交易与退款状态');
    expect(status.said).not.toContain('怎么付款的');
    // late while the acquirer still processes it: the acquirer's side, not "ask your bank"
    expect(status.said).toContain('应在 11月20日（周五） 前到账，但收单系统里它还是“处理中”');
    expect(status.said).not.toContain('联系发卡行，请他们查入账情况');
  });

  it('a payment with no refund on record says so', async () => {
    const f = fixture('paid_not_refunded');
    const user = consumer('en');
    await user.says(`my refund for reference ${f.reference} hasn't arrived`);
    const status = await user.says(`${f.amountFen / 100} yuan`);
    expect(status.said).toContain('There is no refund recorded for this payment yet');
  });
});

describe('when the acquirer is down', () => {
  it('says so plainly, gives the knowledge answer and offers a person — no hang, no stack trace', async () => {
    const sandbox = t.app.acquirer.sandbox?.instance;
    if (!sandbox) throw new Error('no sandbox');
    sandbox.faults = { status: 503 };
    try {
      const f = fixture('refund_twice');
      const user = consumer();
      await user.says(`查一下参考号${f.reference}的退款进度`);
      const down = await user.says(yuan(f.amountFen));
      expect(down.said).toContain('现在查不到实时状态');
      expect(down.articles).toEqual(['follow-up-refund']);
      expect(down.said).toContain('需要我帮您转人工客服吗');
      expect(down.said).not.toMatch(/Error|at .*\.ts|stack/);
    } finally {
      sandbox.faults = {};
    }
  });
});

describe('audit', () => {
  it('every look-up leaves a record: who, channel, what, outcome — and no card numbers', async () => {
    const f = fixture('paid_not_refunded');
    const user = consumer(undefined, '10.7.7.7');
    await user.says(`查一下参考号${f.reference}`);
    await user.says(`尾号${f.cardLast4}`);
    const mine = (await auditRecords(t.app, 'lookups')).filter(
      (r) => r.conversationId === user.conversationId,
    );
    expect(mine).toEqual([
      expect.objectContaining({
        role: 'consumer',
        channel: 'api',
        address: '10.7.7.7',
        what: 'transaction',
        query: { reference: f.reference, verifiedBy: 'card' },
        outcome: 'found',
      }),
    ]);
    expect(JSON.stringify(await auditRecords(t.app))).not.toMatch(/\d{16}/);
  });
});
