import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import { ChatUser } from '../support/transcript.js';

const app = useTestApp();

describe('a number we cannot look a payment up by', () => {
  it('a voucher number: the assistant says it needs the 参考号 on the slip, and where it is', async () => {
    const user = new ChatUser(app().server);
    const turn = await user.says('帮我查一下凭证号000327这笔退款到哪了');
    expect(turn.said).toContain('凭证号查不到是哪一笔交易');
    expect(turn.said).toContain('参考号');
    expect(turn.said).not.toMatch(/没有找到|找不到这笔/);
  });

  it('a WeChat transaction number: only WeChat can look it up; which number to send instead', async () => {
    const user = new ChatUser(app().server, 'en');
    const turn = await user.says('check my refund, wechat transaction id 4200001234202611201234567890');
    expect(turn.said).toContain('Only WeChat or Alipay can look up');
    expect(turn.said).toContain('merchant order number');
  });

  it('a 12-digit 参考号 is taken as it is: no hint, the look-up goes on', async () => {
    const user = new ChatUser(app().server);
    const turn = await user.says('参考号 202611180045 的退款到哪了');
    expect(turn.said).not.toContain('查不到是哪一笔');
  });
});
