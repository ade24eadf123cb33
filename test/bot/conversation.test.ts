import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { ChatUser } from '../support/transcript.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('a merchant asks in Chinese', () => {
  it('gets the short answer, the steps, the article and follow-ups', async () => {
    const user = new ChatUser(t.server);
    const turn = await user.says('退款多久到账');
    expect(turn.said).toContain('1–3个工作日');
    expect(turn.said).toMatch(/1\. .+\n2\. /); // numbered steps
    expect(turn.articles).toEqual(['refund-not-received']);
    expect(turn.buttons.map((b) => b.label)).toContain('转人工客服');

    const next = await user.presses(turn, '不同支付方式的退款到账时间');
    expect(next.articles).toEqual(['refund-arrival-times']);
    expect(next.said).toContain('微信');
  });

  it('is understood in traditional characters and with English mixed in', async () => {
    const traditional = await new ChatUser(t.server).says('退款還沒到帳，怎麼辦');
    expect(traditional.articles).toEqual(['refund-not-received']);
    const mixed = await new ChatUser(t.server).says('POS机void失败了');
    expect(mixed.articles).toEqual(['refund-failed']);
  });

  it('hears what documents to prepare', async () => {
    const turn = await new ChatUser(t.server).says('申请退款要准备哪些材料');
    expect(turn.articles).toEqual(['required-documents']);
    expect(turn.said).toContain('参考号');
  });

  it('is told plainly when a question is not about POS refunds', async () => {
    const turn = await new ChatUser(t.server).says('12306买的火车票怎么退');
    expect(turn.said).toContain('超出了我的范围');
    expect(turn.articles).toEqual([]);
  });
});

describe('a consumer asks in English', () => {
  it('gets the answer in English', async () => {
    const turn = await new ChatUser(t.server).says("my refund still hasn't arrived, it's been 5 days");
    expect(turn.articles[0]).toBe('refund-not-received');
    expect(turn.said).toContain('working days');
    expect(turn.said).not.toMatch(/\p{Script=Han}/u);
  });

  it('follows the locale the page asks for, whatever the message looks like', async () => {
    const turn = await new ChatUser(t.server, 'en-US').says('123456789012');
    expect(turn.said).not.toMatch(/\p{Script=Han}/u);
  });

  it('switches language when the user does', async () => {
    const user = new ChatUser(t.server);
    expect((await user.says('void vs refund, which one?')).said).not.toMatch(/\p{Script=Han}/u);
    expect((await user.says('那撤销和退货有什么区别')).said).toContain('撤销');
  });
});

describe('when the assistant is not sure', () => {
  it('asks which topic is meant, with the candidates as buttons, and answers the one chosen', async () => {
    const user = new ChatUser(t.server);
    const turn = await user.says('退款');
    expect(turn.said).toContain('您是想问哪一个');
    expect(turn.buttons.length).toBeGreaterThanOrEqual(3);
    const chosen = turn.buttons[0];
    if (!chosen) throw new Error('no button');
    const answer = await user.send({ action: chosen.action });
    expect(answer.articles.length).toBe(1);
  });

  it('says so honestly for gibberish and offers topics and a person', async () => {
    const turn = await new ChatUser(t.server).says('asdf qwer');
    expect(turn.said).toContain("didn't quite understand");
    expect(turn.buttons.map((b) => b.label)).toContain('Talk to a person');
  });
});

describe('small talk', () => {
  it('greets, thanks and says goodbye in kind', async () => {
    const user = new ChatUser(t.server);
    expect((await user.says('你好')).said).toContain('POS退款助手');
    expect((await user.says('谢谢')).said).toContain('不客气');
    expect((await user.says('bye')).said).toContain('Goodbye');
  });
});

describe('talking to a person', () => {
  it('tells the user how to reach support and what to have ready', async () => {
    const turn = await new ChatUser(t.server).says('转人工');
    expect(turn.said).toContain('官方客服');
    expect(turn.said).toContain('参考号');
  });
});
