import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import { ChatUser } from '../support/transcript.js';

// Today is Wednesday 25 November 2026 in Shanghai (test/support/app.ts).
const app = useTestApp();

describe('refund not arrived — 退款没到账', () => {
  it('zh, within the window: the dated estimate and nothing to do yet', async () => {
    const user = new ChatUser(app().server);
    const asked = await user.says('我的退款还没到账');
    expect(asked.said).toContain('这笔当初是怎么付款的？');
    expect(asked.buttons.map((b) => b.label)).toEqual([
      '借记卡（储蓄卡）',
      '信用卡',
      '云闪付 / 银联二维码',
      '微信支付',
      '支付宝',
    ]);

    const when = await user.presses(asked, '借记卡');
    expect(when.said).toContain('退款是哪天办理的？');

    const estimate = await user.says('昨天');
    // refunded Tue 24 Nov, 3 working days → Fri 27 Nov
    expect(estimate.said).toContain('预计 **11月27日（周五）** 前到账，现在还不用做什么');
    expect(estimate.said).toContain('这样解决您的问题了吗？');

    const thanks = await user.says('解决了');
    expect(thanks.said).toContain('太好了');
  });

  it('zh, past the window: what to check, whom to call, and a person on offer', async () => {
    const user = new ChatUser(app().server);
    // the opening message already says how it was paid and when: nothing is asked twice
    // a debit card: a credit card is only late after the 15 working days some issuers take
    const overdue = await user.says('上周一刷借记卡退的款，到现在还没到账');
    expect(overdue.said).not.toContain('怎么付款的');
    expect(overdue.said).not.toContain('哪天办理的');
    expect(overdue.said).toContain('应在 11月19日（周四） 前到账，现在已经超过了');
    expect(overdue.said).toContain('参考号');
    expect(overdue.said).toContain('需要我帮您转人工客服跟进吗？');

    const handed = await user.says('要');
    // no agent desk in this test: no claim of a hand-over, an offer to leave a message instead
    expect(handed.said).not.toContain('转给人工客服');
    expect(handed.said).toContain('现在没有人工客服在线');
  });

  it('zh, a WeChat balance refund asks where the money came from', async () => {
    const user = new ChatUser(app().server);
    const asked = await user.says('微信付的钱退款了但是没收到');
    expect(asked.said).toContain('零钱，还是绑定的银行卡');
    const date = await user.says('零钱');
    expect(date.said).toContain('哪天办理的');
    const today = await user.says('今天');
    // today is said as today
    expect(today.said).toContain('今天（11月25日 周三）');
    expect(today.said).toContain('几分钟内');
  });

  it('en, within the window, answered by typing', async () => {
    const user = new ChatUser(app().server);
    const asked = await user.says("my refund hasn't arrived yet");
    expect(asked.said).toContain('How was the original payment made?');
    const date = await user.says('credit card');
    expect(date.said).toContain('When was the refund made?');
    const estimate = await user.says('yesterday');
    expect(estimate.said).toContain('should arrive by **Fri 27 Nov**');
    expect(estimate.said).toContain('Some issuing banks take 7–15 working days');
    expect(estimate.said).toContain('Did this solve your problem?');
    const sorry = await user.says('not solved');
    expect(sorry.said).toContain("Sorry I couldn't sort it out");
    expect(sorry.buttons.map((b) => b.label)).toContain('Talk to a person');
  });

  it('en, past the window via Alipay from a card', async () => {
    const user = new ChatUser(app().server);
    await user.says('refund not received');
    const source = await user.says('alipay');
    expect(source.said).toContain('Alipay balance, or from a bank card or Huabei');
    await user.presses(source, 'Bank card or Huabei');
    const overdue = await user.says('10 November');
    expect(overdue.said).toContain('should have arrived by Fri 13 Nov');
    expect(overdue.said).toContain('call your issuing bank');
    const end = await user.says('no');
    expect(end.said).toContain('Did this solve your problem?');
  });

  it('with a reference number: asks for proof first, and an unknown one falls back to asking', async () => {
    const user = new ChatUser(app().server);
    const proof = await user.says('参考号123456789012的退款还没到');
    expect(proof.said).toContain('请告诉我原付款的金额，或付款卡号的后四位');
    const turn = await user.says('尾号1234');
    expect(turn.replies.some((r) => r.type === 'card')).toBe(false);
    expect(turn.said).toContain('没有查到与这个参考号和金额（或卡号后四位）都相符的交易');
    expect(turn.said).toContain('这笔当初是怎么付款的？');
  });

  it('re-asks a date it cannot read, saying what a valid answer looks like', async () => {
    const user = new ChatUser(app().server);
    await user.says('退款还没到账');
    await user.says('借记卡');
    const again = await user.says('不记得了啊');
    expect(again.said).toContain('我没能读出日期');
    expect(again.said).toContain('退货小票或退款短信上有日期');
    // a second miss is never the same re-prompt: other words, the question, and a person on offer
    const future = await user.says('12月20日');
    expect(future.said).not.toBe(again.said);
    expect(future.said).toContain('我换个说法再问一次');
    expect(future.buttons.map((b) => b.label)).toContain('转人工客服');
  });
});
