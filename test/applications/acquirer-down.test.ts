import { describe, expect, it } from 'vitest';
import { startTestApp, TEST_NOW } from '../support/app.js';
import { applyFor, MERCHANT_TOKEN, merchantUser, payment } from '../support/apply.js';

// The acquirer is down when an approved refund is to be executed: the job waits with backoff,
// the merchant is told once (not at every retry), nothing is refunded twice and nothing dropped.

describe('an approved refund while the acquirer is down', { timeout: 60_000 }, () => {
  it('is retried later, the merchant is told once, and it is executed once when the acquirer is back', async () => {
    let now = TEST_NOW.getTime();
    const t = await startTestApp({ TRUSTED_CALLER_TOKEN: MERCHANT_TOKEN }, () => new Date(now));
    try {
      const sandbox = t.app.acquirer.sandbox?.instance;
      if (!sandbox) throw new Error('no sandbox');
      const paid = payment(t, 'paid_not_refunded');
      const m = merchantUser(t, paid.merchantNo);
      const number = await applyFor(m, paid.reference, 12);
      expect((await t.app.applications.approve(number, { id: 'ops-li', channel: 'cli' })).outcome).toBe(
        'approved',
      );

      sandbox.faults = { refundsDown: true };
      expect(await t.app.executor.drain()).toBe(1);
      // not due again until the backoff has passed
      expect(await t.app.executor.drain()).toBe(0);
      now += 6_000;
      expect(await t.app.executor.drain()).toBe(1);
      expect((await t.app.applications.store.get(number))?.status).toBe('approved');

      const status = await m.says(`${number} 到哪一步了`);
      expect(status.said).toContain('已通过，退款执行中');

      sandbox.faults = {};
      now += 60_000;
      expect(await t.app.executor.drain()).toBe(1);
      const done = await t.app.applications.store.get(number);
      expect(done?.status).toBe('executed');
      expect(done?.refund?.amountFen).toBe(1200);
      expect(await t.app.executor.drain()).toBe(0);

      const history = JSON.stringify((await t.app.assistant.history(m.conversationId as string))?.messages);
      // told once that it waits for the acquirer, and then that it was executed
      expect(history.split('收单系统暂时没有响应').length - 1).toBe(1);
      expect(history).toContain('的退款已执行');
      const retried = (await t.app.applications.store.events(number)).filter(
        (e) => e.kind === 'execution_retry',
      );
      expect(retried).toHaveLength(1);
      expect(
        (await t.app.applications.store.events(number)).filter((e) => e.kind === 'executed'),
      ).toHaveLength(1);
    } finally {
      await t.close();
    }
  });
});
