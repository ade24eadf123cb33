import { describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { ChatUser } from '../support/transcript.js';

// The whole path of a refund application, as a merchant and an operator live it: the merchant
// asks in the widget, the pre-check answers, the application is decided with the CLI's rules,
// the outbox executes it at the (sandbox) acquirer once, and the merchant is told.

const TOKEN = 'trusted-caller-token-for-tests-0123456789';

async function withApp(env: Record<string, string>, run: (t: TestApp) => Promise<void>) {
  const t = await startTestApp({ TRUSTED_CALLER_TOKEN: TOKEN, ...env });
  try {
    await run(t);
  } finally {
    await t.close();
  }
}

function fixture(t: TestApp, scenario: string) {
  const f = t.app.acquirer.sandbox?.instance.fixtures().find((x) => x.scenario === scenario);
  if (!f) throw new Error(scenario);
  return f;
}

const merchant = (t: TestApp, merchantNo: string, locale?: string) =>
  new ChatUser(t.server, locale, { authorization: `Bearer ${TOKEN}`, 'x-merchant-no': merchantNo });

describe('a refund application, from the widget to the refund', { timeout: 60_000 }, () => {
  it('zh: finds the payment, collects amount, reason and contact, submits, is approved and executed once', async () => {
    await withApp({}, async (t) => {
      const paid = fixture(t, 'paid_not_refunded');
      const m = merchant(t, paid.merchantNo);
      const first = await m.says(`客人要退款，参考号 ${paid.reference}`);
      expect(first.said).toContain(paid.reference);
      expect(first.said).toMatch(/全部退|All of it/);
      const part = await m.presses(first, '退一部分');
      expect(part.said).toContain('退多少');
      const amount = await m.says('10');
      expect(amount.said).toContain('退款原因');
      const reason = await m.presses(amount, '服务取消');
      expect(reason.said).toContain('证明材料');
      const proof = await m.presses(reason, '没有材料');
      expect(proof.said).toContain('联系');
      const contact = await m.says('王经理 13812345678');
      expect(contact.said).toContain('¥10.00');
      expect(contact.said).toContain('初审通过');
      expect(contact.said).not.toContain('13812345678');
      const submitted = await m.presses(contact, '提交');
      const number = /RA-\d{8}-\d{4}/.exec(submitted.said)?.[0];
      expect(number, submitted.said).toBeDefined();

      const status = await m.says('我的退款申请到哪一步了');
      expect(status.said).toContain(number);
      expect(status.said).toContain('审核中');

      // another merchant's number reveals nothing
      const stranger = merchant(t, '822999999999999');
      expect((await stranger.says(`${number} 到哪一步了`)).said).toContain('没有找到');

      const approved = await t.app.applications.approve(number as string, { id: 'ops-li', channel: 'cli' });
      expect(approved.outcome).toBe('approved');
      const again = await t.app.applications.approve(number as string, { id: 'ops-wang', channel: 'cli' });
      expect(again).toMatchObject({ outcome: 'already_decided', by: 'ops-li' });

      expect(await t.app.executor.drain()).toBe(1);
      expect(await t.app.executor.drain()).toBe(0);
      const done = await t.app.applications.store.get(number as string);
      expect(done?.status).toBe('executed');
      expect(done?.refund?.amountFen).toBe(1000);

      // the acquirer has exactly one refund for it, and the payment's look-up lists it
      const gateway = t.app.acquirer.gateway;
      const payment = await gateway.findTransaction({
        reference: paid.reference,
        merchantNo: paid.merchantNo,
      });
      if (payment.outcome !== 'found') throw new Error('payment not found');
      const refunds = await gateway.listRefunds(payment.value);
      const ours =
        refunds.outcome === 'found' ? refunds.value.filter((r) => r.refundNo === done?.outRefundNo) : [];
      expect(ours).toHaveLength(1);
      expect(ours[0]?.amountFen).toBe(1000);

      // the merchant's conversation was told, with a dated arrival
      const history = await t.app.assistant.history(m.conversationId as string);
      const told = JSON.stringify(history?.messages ?? []);
      expect(told).toContain('已审核通过');
      expect(told).toContain('预计');
    });
  });

  it('en: a sale voided already has nothing left to apply for, and nothing is submitted', async () => {
    await withApp({}, async (t) => {
      const today = fixture(t, 'void_same_day');
      const m = merchant(t, today.merchantNo, 'en');
      const turn = await m.says(`I need to refund a customer, reference ${today.reference}`);
      expect(turn.said).toContain(today.reference);
      expect(turn.said).toMatch(/refunded in full already/i);
      expect(turn.said).not.toMatch(/\d{6}\d{6}\d{4}/);
      expect(await t.app.applications.store.list({})).toHaveLength(0);
    });
  });

  it('refuses an amount over what remains and asks again', async () => {
    await withApp({}, async (t) => {
      const paid = fixture(t, 'paid_not_refunded');
      const m = merchant(t, paid.merchantNo);
      const first = await m.says(`申请退款 ${paid.reference}`);
      const part = await m.presses(first, '退一部分');
      const tooMuch = await m.says(String(paid.amountFen)); // yuan: 100× the payment
      expect(tooMuch.said).toMatch(/最多|超过/);
      expect(part.said).toContain('退多少');
    });
  });

  it('a consumer saying 申请退款 gets the how-to, not an application', async () => {
    await withApp({}, async (t) => {
      const c = new ChatUser(t.server);
      const turn = await c.says('申请退款');
      expect(turn.said).not.toContain('参考号”后面的12位数字');
      expect(await t.app.applications.store.list({})).toHaveLength(0);
    });
  });
});
