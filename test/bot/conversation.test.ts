import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import { ChatUser } from '../support/transcript.js';

const app = useTestApp();

describe('a merchant asks in Chinese', () => {
  it('gets the short answer, the steps, the article and follow-ups', async () => {
    const user = new ChatUser(app().server);
    const turn = await user.says('退款要收手续费吗');
    expect(turn.articles).toEqual(['refund-policy']);
    expect(turn.said).toContain('手续费');
    expect(turn.said).toMatch(/1\. .+\n2\. /); // numbered steps
    expect(turn.buttons.map((b) => b.label)).toContain('转人工客服');

    const next = await user.presses(turn, '撤销');
    expect(next.articles).toEqual(['void-vs-refund']);
  });

  it('is understood in traditional characters and with English mixed in', async () => {
    const traditional = await new ChatUser(app().server).says('清算和結算有什麼區別');
    expect(traditional.articles).toEqual(['clearing-settlement']);
    const mixed = await new ChatUser(app().server).says('POS机void失败了');
    expect(mixed.said).toContain('退款或撤销时是什么情况');
  });

  it('is told plainly when a question is not about POS refunds', async () => {
    const turn = await new ChatUser(app().server).says('12306买的火车票怎么退');
    expect(turn.said).toContain('超出了我的范围');
    expect(turn.articles).toEqual([]);
  });
});

describe('a consumer asks in English', () => {
  it('gets the answer in English', async () => {
    const turn = await new ChatUser(app().server).says('how does a card payment get to the merchant?');
    expect(turn.articles[0]).toBe('payment-process');
    expect(turn.said).not.toMatch(/\p{Script=Han}/u);
  });

  it('follows the locale the page asks for, whatever the message looks like', async () => {
    const turn = await new ChatUser(app().server, 'en-US').says('123456789012');
    expect(turn.said).not.toMatch(/\p{Script=Han}/u);
  });

  it('switches language when the user does', async () => {
    const user = new ChatUser(app().server);
    expect((await user.says('is the processing fee refunded?')).said).not.toMatch(/\p{Script=Han}/u);
    expect((await user.says('那清算和结算是什么意思')).said).toContain('结算');
  });
});

describe('when the assistant is not sure', () => {
  it('asks which topic is meant, with the candidates as buttons, and answers the one chosen', async () => {
    const user = new ChatUser(app().server);
    const turn = await user.says('退款');
    expect(turn.said).toContain('您是想问哪一个');
    expect(turn.buttons.length).toBeGreaterThanOrEqual(3);
    const chosen = turn.buttons[0];
    if (!chosen) throw new Error('no button');
    const answer = await user.send({ action: chosen.action });
    // the chosen topic answers (an article) or starts its troubleshooting questions
    expect(answer.said).not.toContain('按钮已经失效');
    expect(answer.said.length).toBeGreaterThan(10);
  });

  it('says so honestly for gibberish and offers topics and a person', async () => {
    const turn = await new ChatUser(app().server).says('asdf qwer');
    expect(turn.said).toContain("didn't quite understand");
    expect(turn.buttons.map((b) => b.label)).toContain('Talk to a person');
  });
});

describe('small talk', () => {
  it('greets, thanks and says goodbye in kind', async () => {
    const user = new ChatUser(app().server);
    expect((await user.says('你好')).said).toContain('POS退款助手');
    expect((await user.says('谢谢')).said).toContain('不客气');
    expect((await user.says('bye')).said).toContain('Goodbye');
  });
});

describe('talking to a person', () => {
  it('tells the user how to reach support and what to have ready', async () => {
    const turn = await new ChatUser(app().server).says('转人工');
    expect(turn.said).toContain('官方客服');
    expect(turn.said).toContain('参考号');
  });
});
