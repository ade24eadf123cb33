import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import { ChatUser } from '../support/transcript.js';

const app = useTestApp();

describe('void or refund — 撤销还是退货', () => {
  it('zh, today and not settled: void on the original terminal with the original card', async () => {
    const user = new ChatUser(app().server);
    // a void is always the whole amount: whole or part is asked first
    const portion = await user.says('今天刷的一笔要退给顾客，用撤销还是退货');
    const settled = await user.presses(portion, '全额');
    expect(settled.said).toContain('今天这台POS机做过“结算”');
    const steps = await user.presses(settled, '还没结算');
    expect(steps.said).toContain('用 **撤销**');
    expect(steps.said).toContain('**原POS机**');
    expect(steps.said).toContain('**原卡**');
    expect(steps.said).toContain('撤销只能是全额');
  });

  it('zh, not sure whether settled: try the void first', async () => {
    const user = new ChatUser(app().server);
    const answer = await user.says('撤销和退货有什么区别');
    // a general question is answered first; the tree is one button away
    expect(answer.articles).toEqual(['void-vs-refund']);
    const when = await user.presses(answer, '按我的情况帮我看看');
    const portion = await user.presses(when, '今天的');
    const settled = await user.presses(portion, '全额');
    const steps = await user.presses(settled, '不确定');
    expect(steps.said).toContain('先在原POS机上试“撤销”');
  });

  it('zh, older than the window: the refund application', async () => {
    const user = new ChatUser(app().server);
    const when = await user.says('POS机上怎么退货');
    await user.presses(when, '更早的');
    const application = await user.says('8月3日');
    expect(application.said).toContain('已经超过终端退货期限（30天）');
    expect(application.articles).toEqual(['refund-application']);
  });

  it('en, last week: a refund, partial allowed', async () => {
    const user = new ChatUser(app().server);
    const steps = await user.says('how do I refund a sale from last Friday?');
    expect(steps.said).toContain('Use a **refund**');
    expect(steps.said).toContain('it can be part of it');
  });

  it('en, today and already settled: a refund', async () => {
    const user = new ChatUser(app().server);
    const when = await user.says('void or refund?');
    const portion = await user.presses(when, 'Today');
    const settled = await user.presses(portion, 'The whole amount');
    const steps = await user.presses(settled, 'Already settled');
    expect(steps.said).toContain('Use a **refund**');
  });
});
