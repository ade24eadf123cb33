import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import { ChatUser } from '../support/transcript.js';

const app = useTestApp();

describe('refund or void failed — 退款/撤销失败', () => {
  it('zh, an error on screen: quoted back, the fix, then escalation with the error text', async () => {
    const user = new ChatUser(app().server);
    const what = await user.says('退款的时候POS机提示错误');
    expect(what.said).toContain('屏幕上提示的原文是什么？');
    const fix = await user.says('A7 交易失败 请联系收单行');
    expect(fix.said).toContain('提示“A7 交易失败 请联系收单行”时');
    expect(fix.said).toContain('重启POS机');
    expect(fix.said).toContain('这样能退了吗？');
    const escalate = await user.presses(fix, '还是不行');
    expect(escalate.said).toContain('屏幕提示的原文');
    expect(escalate.said).toContain('现在帮您转人工客服吗？');
    const handed = await user.says('要');
    // no agent desk in this test: no claim of a hand-over, an offer to leave a message instead
    expect(handed.said).not.toContain('转给人工客服');
    expect(handed.said).toContain('现在没有人工客服在线');
  });

  it('zh, network trouble fixed by retrying', async () => {
    const user = new ChatUser(app().server);
    const what = await user.says('撤销失败了');
    const fix = await user.presses(what, '没网络/超时/卡住');
    expect(fix.said).toContain('换到信号好的位置');
    expect(fix.said).toContain('避免重复退款');
    const done = await user.says('可以了');
    expect(done.said).toContain('这样解决您的问题了吗？');
  });

  it('zh, no permission: the supervisor password', async () => {
    const user = new ChatUser(app().server);
    const what = await user.says('退款失败');
    const fix = await user.presses(what, '没有权限/密码错误');
    expect(fix.said).toContain('主管密码');
  });

  it('en, a sale from today: void it instead', async () => {
    const user = new ChatUser(app().server);
    const what = await user.says("refund won't go through on the terminal");
    expect(what.said).toContain('What happened when you tried the refund or void?');
    const fix = await user.presses(what, 'The sale is from today');
    expect(fix.said).toContain('is voided, not refunded');
    expect(fix.articles).toEqual(['void-vs-refund']);
  });

  it('en, too old for the terminal: the application route', async () => {
    const user = new ChatUser(app().server);
    const what = await user.says('the refund failed');
    const fix = await user.presses(what, 'The sale is too old');
    expect(fix.said).toContain('refund window (usually 30 days)');
    expect(fix.articles).toEqual(['refund-application']);
  });

  it('en, the card was closed: no retrying, a person offered', async () => {
    const user = new ChatUser(app().server);
    const what = await user.says('void failed');
    const fix = await user.presses(what, 'The card was closed or replaced');
    expect(fix.said).toContain("Don't keep retrying");
    expect(fix.buttons.map((b) => b.label)).toContain('Yes, a person please');
  });
});
