import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { ChatUser } from '../support/transcript.js';

// Failed proofs lock look-ups per conversation and per reference (from any conversation), and per
// client address only at a much higher bar (here 8): guessing stops, a crowd behind one address does not.
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({
    TRUST_PROXY: '1',
    LOOKUP_MAX_FAILURES: '5',
    LOOKUP_ADDRESS_MAX_FAILURES: '8',
    LOOKUP_LOCK_MINUTES: '15',
  });
});
afterAll(() => t.close());

const fixture = (scenario: string) => {
  const f = t.app.acquirer.sandbox?.instance.fixtures().find((x) => x.scenario === scenario);
  if (!f) throw new Error(scenario);
  return f;
};
const consumer = (address: string) => new ChatUser(t.server, 'zh', { 'x-forwarded-for': address });
const asksProof = /请再告诉我这笔付款的金额|请告诉我原付款的金额/;

describe('lock-out', () => {
  it('five wrong proofs of one reference, from five conversations: that reference is paused, and said before any proof is asked', async () => {
    const f = fixture('paid_not_refunded');
    for (let i = 0; i < 5; i++) {
      const guess = consumer(`10.1.0.${i + 1}`);
      expect((await guess.says(`查一下参考号${f.reference}`)).said).toMatch(asksProof);
      await guess.says(`${100 + i}元`);
    }
    const next = consumer('10.1.0.99');
    const turn = await next.says(`查一下参考号${f.reference}`);
    expect(turn.said).toContain('15 分钟内暂停查询');
    expect(turn.said).not.toMatch(asksProof);
    expect(turn.replies.some((r) => r.type === 'card')).toBe(false);
  });

  it('one person’s misses do not lock their address for everyone else: another payment still works', async () => {
    const f = fixture('refund_processing_card');
    const shared = '10.2.0.1';
    for (let i = 0; i < 4; i++) {
      const someone = consumer(shared);
      await someone.says(`查一下参考号${String(500000000000 + i)}`);
      await someone.says('88元');
    }
    const neighbour = consumer(shared);
    await neighbour.says(`查一下参考号${f.reference}`);
    expect((await neighbour.says(`${f.amountFen / 100}元`)).said).toContain('交易与退款状态');
  });

  it('a forged X-Forwarded-For entry changes nothing: the address our proxy saw is the one counted', async () => {
    const attacker = '10.4.0.1';
    for (let i = 0; i < 8; i++) {
      // the client writes its own "address" first; the proxy appends the one it really saw
      const guess = new ChatUser(t.server, 'zh', { 'x-forwarded-for': `198.51.100.${i}, ${attacker}` });
      await guess.says(`查一下参考号${String(700000000000 + i)}`);
      await guess.says('1元');
    }
    const again = new ChatUser(t.server, 'zh', { 'x-forwarded-for': `203.0.113.77, ${attacker}` });
    expect((await again.says(`查一下参考号${fixture('refund_succeeded_qr').reference}`)).said).toContain(
      '暂停查询',
    );
  });

  it('many misses from one address, across references and conversations, pause that address only', async () => {
    const f = fixture('refund_succeeded_qr');
    const attacker = '10.3.0.1';
    for (let i = 0; i < 8; i++) {
      const guess = consumer(attacker);
      await guess.says(`查一下参考号${String(600000000000 + i)}`);
      await guess.says('1元');
    }
    const again = consumer(attacker);
    expect((await again.says(`查一下参考号${f.reference}`)).said).toContain('暂停查询');
    const elsewhere = consumer('10.3.0.2');
    await elsewhere.says(`查一下参考号${f.reference}`);
    expect((await elsewhere.says(`${f.amountFen / 100}元`)).said).toContain('交易与退款状态');
  });
});
