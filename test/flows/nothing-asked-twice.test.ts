import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import { ChatUser } from '../support/transcript.js';

const TOKEN = 'portal-caller-token';
const app = useTestApp({ TRUSTED_CALLER_TOKEN: TOKEN });
const merchant = () =>
  new ChatUser(app().server, 'zh', { authorization: `Bearer ${TOKEN}`, 'x-merchant-no': '822100058120041' });

const asksDate = /哪天|when was the refund/i;

describe('what the user already said is not asked again', () => {
  it('"刷卡": only debit or credit card is offered, and the day given is not asked', async () => {
    const user = new ChatUser(app().server);
    const first = await user.says('我上周五在超市刷卡买的东西退货了，钱还没到');
    expect(first.buttons.map((b) => b.label)).toEqual(['借记卡（储蓄卡）', '信用卡']);
    const next = await user.says('信用卡');
    expect(next.said).not.toMatch(asksDate);
    expect(next.said).toMatch(/工作日/);
  });

  it('"paid by card": the same in English', async () => {
    const user = new ChatUser(app().server, 'en');
    const first = await user.says('I paid by card and my refund has not arrived');
    expect(first.buttons.map((b) => b.label)).toEqual(['Debit card', 'Credit card']);
  });

  it('"三天了" answers when the refund was made, in traditional characters too', async () => {
    const user = new ChatUser(app().server);
    await user.says('退款三天了還沒到帳');
    const next = await user.says('借記卡');
    expect(next.said).not.toMatch(/哪天|哪天辦理/);
    expect(next.said).toMatch(/預計/);
  });

  it('a reference number given while asked how it was paid is looked up, not asked for again', async () => {
    const user = new ChatUser(app().server);
    expect((await user.says('退款还没到账')).said).toContain('怎么付款');
    const next = await user.says('参考号261201000001');
    // on to the look-up: the proof of the payment it needs, not "send me the reference number"
    expect(next.said).toContain('我来帮您查这笔退款');
    expect(next.said).not.toMatch(/参考号.*发给我|输入参考号/);
    expect(next.said).not.toContain('还要继续吗');
  });

  it('a date given early waits for its question instead of turning the tree', async () => {
    const user = new ChatUser(app().server);
    await user.says('退款还没到账');
    const next = await user.says('上周五退的');
    expect(next.said).toMatch(/付款方式|怎么付款/);
    // and once the method is given, the day is not asked
    expect((await user.says('借记卡')).said).not.toMatch(asksDate);
  });

  it('"权限不足" goes straight to the permission fix', async () => {
    const turn = await new ChatUser(app().server).says('退款的时候pos机提示权限不足');
    expect(turn.said).toContain('主管密码');
    expect(turn.said).not.toContain('是什么情况');
  });

  it('a signed-in merchant is not asked whether they are the merchant', async () => {
    const turn = await merchant().says('退款金额不对');
    expect(turn.said).not.toContain('您是商户');
  });

  it('a detail given before the topic was chosen is used once the tree starts', async () => {
    const user = new ChatUser(app().server);
    await user.says('我上周五用信用卡刷的');
    const turn = await user.send({ action: 'intent:refund_not_received' });
    expect(turn.said).not.toMatch(asksDate);
    expect(turn.said).not.toContain('怎么付款');
  });

  it('a date given with the answer to another question is not asked afterwards', async () => {
    const user = new ChatUser(app().server);
    await user.says('我的退款还没到账');
    const turn = await user.says('借记卡，上周三退的');
    expect(turn.said).not.toMatch(asksDate);
  });
});
