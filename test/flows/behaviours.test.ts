import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TEST_NOW, type TestApp } from '../support/app.js';
import { ChatUser } from '../support/transcript.js';

let clock = TEST_NOW;
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ FLOW_IDLE_MINUTES: '30' }, () => clock);
});
afterAll(() => t.close());

/** A user in the middle of the refund-not-arrived tree, being asked for the refund date. */
async function atDateQuestion(locale?: string): Promise<ChatUser> {
  const user = new ChatUser(t.server, locale);
  await user.says(locale === 'en' ? 'my refund has not arrived' : '退款还没到账');
  await user.says(locale === 'en' ? 'debit card' : '借记卡');
  return user;
}

describe('at any point of a flow', () => {
  it('"算了" cancels, and the next message starts fresh', async () => {
    const user = await atDateQuestion();
    const cancelled = await user.says('算了');
    expect(cancelled.said).toContain('已经取消');
    const fresh = await user.says('退款要手续费吗');
    expect(fresh.articles).toEqual(['refund-policy']);
  });

  it('"重新开始" starts over', async () => {
    const user = await atDateQuestion();
    expect((await user.says('重新开始')).said).toContain('我们从头开始');
  });

  it('"上一步" goes back to the previous question, and a different answer is taken', async () => {
    const user = await atDateQuestion();
    const back = await user.says('上一步');
    expect(back.said).toContain('这笔当初是怎么付款的？');
    const source = await user.says('微信');
    expect(source.said).toContain('零钱，还是绑定的银行卡');
  });

  it('"上一步" on the first question says so and asks it again', async () => {
    const user = new ChatUser(t.server);
    await user.says('退款金额不对');
    const back = await user.says('返回');
    expect(back.said).toContain('这已经是第一个问题了');
    expect(back.said).toContain('您是商户');
  });

  it('switches language and asks the same question again', async () => {
    const user = await atDateQuestion();
    const english = await user.says('English please');
    expect(english.said).toContain("Sure, let's continue in English.");
    expect(english.said).toContain('When was the refund made?');
    const chinese = await user.says('说中文');
    expect(chinese.said).toContain('退款是哪天办理的');
  });

  it('hands over to a person when asked', async () => {
    const user = await atDateQuestion();
    const handed = await user.says('转人工');
    expect(handed.said).toContain('官方客服');
    const fresh = await user.says('退款要手续费吗');
    expect(fresh.articles).toEqual(['refund-policy']);
  });

  it('answers a side question, then carries on where it was', async () => {
    const user = await atDateQuestion();
    const side = await user.says('退款要收手续费吗');
    expect(side.said).toContain('手续费');
    expect(side.said).toContain('刚才“退款没到账”的问题还要继续吗？');
    const resumed = await user.says('继续');
    expect(resumed.said).toContain('退款是哪天办理的');
    const done = await user.says('昨天');
    expect(done.said).toContain('11月27日（周五）');
  });

  it('a side question can also be dropped', async () => {
    const user = await atDateQuestion('en');
    const side = await user.says('is the processing fee refunded?');
    expect(side.said).toContain('Shall we carry on with "Refund not arrived"');
    const dropped = await user.presses(side, 'No, thanks');
    expect(dropped.said).toContain('cancelled');
  });

  it('after three answers that do not fit, offers a person instead of asking again', async () => {
    const user = await atDateQuestion();
    await user.says('不知道');
    await user.says('忘了');
    const third = await user.says('嗯……');
    expect(third.said).toContain('要不要我帮您转人工客服');
    expect(third.buttons.map((b) => b.label)).toEqual(['转人工客服', '再试一次']);
    const again = await user.presses(third, '再试一次');
    expect(again.said).toContain('退款是哪天办理的');
  });

  it('a button from an earlier question is refused politely and the current question repeated', async () => {
    const user = new ChatUser(t.server);
    const method = await user.says('退款还没到账');
    await user.presses(method, '借记卡');
    const stale = await user.presses(method, '信用卡');
    expect(stale.said).toContain('这个按钮已经失效了');
    expect(stale.said).toContain('退款是哪天办理的');
  });

  it('an idle flow expires: the next message starts fresh with a short note', async () => {
    const user = await atDateQuestion();
    clock = new Date(TEST_NOW.getTime() + 31 * 60_000);
    try {
      const later = await user.says('昨天');
      expect(later.said).toContain('超过 30 分钟没有继续');
      expect(later.said).not.toContain('前到账');
    } finally {
      clock = TEST_NOW;
    }
  });

  it('records "did this solve it?" with the conversation', async () => {
    const user = await atDateQuestion();
    const asked = await user.says('昨天');
    await user.presses(asked, '还没有');
    const saved = await t.app.store.load(user.conversationId as string);
    expect(saved?.feedback).toEqual([
      { at: TEST_NOW.toISOString(), flow: 'refund_not_received', solved: false },
    ]);
  });

  it('keeps a masked transcript', async () => {
    const user = new ChatUser(t.server);
    await user.says('我的卡6222021234567890123退款还没到，电话13812345678');
    const saved = await t.app.store.load(user.conversationId as string);
    const all = JSON.stringify(saved?.messages);
    expect(all).toContain('6222****0123');
    expect(all).not.toContain('6222021234567890123');
    expect(all).not.toContain('13812345678');
    expect(saved?.messages.map((e) => e.from)).toEqual(['user', 'bot']);
  });
});
