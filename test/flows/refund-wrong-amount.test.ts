import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import { ChatUser } from '../support/transcript.js';

const app = useTestApp();

describe('wrong refund amount — 退款金额不对', () => {
  it('zh, a merchant who refunded part: what partial refunds are and what the merchant checks', async () => {
    const user = new ChatUser(app().server);
    const role = await user.says('退款金额不对');
    expect(role.said).toContain('您是商户（收款方），还是付款的顾客');
    const direction = await user.presses(role, '我是商户');
    expect(direction.said).toContain('退回来的金额和预期相比是？');
    const reason = await user.presses(direction, '少了');
    expect(reason.said).toContain('以下哪种情况最接近？');
    const answer = await user.presses(reason, '只退了部分商品或部分金额');
    expect(answer.said).toContain('退款可以只退一部分');
    expect(answer.said).toContain('作为商户');
    expect(answer.said).toContain('通过新的退款补齐差额');
    expect(answer.said).toContain('这样解决您的问题了吗？');
  });

  it('zh, everything in the first message: straight to the answer for the customer', async () => {
    const user = new ChatUser(app().server);
    const answer = await user.says('我是顾客，商家退给我的钱少了，好像扣了手续费');
    expect(answer.said).not.toContain('您是商户');
    expect(answer.said).toContain('关于手续费');
    expect(answer.said).toContain('作为顾客');
  });

  it('en, refunded twice: do not spend it, and a person is offered', async () => {
    const user = new ChatUser(app().server);
    const role = await user.says('the refund amount is wrong');
    const direction = await user.presses(role, "I'm the customer");
    const twice = await user.presses(direction, 'Refunded twice');
    expect(twice.said).toContain("please don't spend the extra");
    expect(twice.said).toContain('pass this to a person');
    const end = await user.presses(twice, 'No, thanks');
    expect(end.said).toContain('Did this solve your problem?');
  });

  it('en, a foreign card: the exchange rate explains it', async () => {
    const user = new ChatUser(app().server);
    await user.says("I'm the merchant and the refund came back less than expected");
    const reason = await user.says('less');
    const answer = await user.presses(reason, 'Foreign card');
    expect(answer.said).toContain('exchange rate on the day of the refund');
  });

  it.each([
    ['分几次退的，还没退完', '一笔一笔分别到账'],
    ['撤销和退货搞混了', '可能退了两次'],
    ['都不是', '最常见的原因'],
  ])('zh, less, "%s" → %s', async (reason, expected) => {
    const user = new ChatUser(app().server);
    await user.says('我是商户，退款金额不对');
    const why = await user.says('少了');
    const answer = await user.presses(why, reason);
    expect(answer.said).toContain(expected);
  });

  it('zh, more than expected, and not sure', async () => {
    const more = new ChatUser(app().server);
    await more.says('我是顾客，退款金额不对');
    expect((await more.says('多了')).said).toContain('请先不要动用');
    const unsure = new ChatUser(app().server);
    await unsure.says('我是顾客，退款金额不对');
    const article = await unsure.says('不确定');
    expect(article.articles).toEqual(['refund-wrong-amount']);
  });
});
