import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import { ChatUser } from '../support/transcript.js';

const app = useTestApp();

describe('documents to prepare — 需要准备的材料', () => {
  it('zh, a merchant applying for a refund gets the application checklist', async () => {
    const user = new ChatUser(app().server);
    const role = await user.says('申请退款要准备哪些材料');
    expect(role.said).toContain('您是商户');
    // "申请退款" in the first message already said what the documents are for
    const list = await user.presses(role, '我是商户');
    for (const item of ['交易凭证', '交易详情', '参考号', '退款原因和证明', '身份验证', '联系方式'])
      expect(list.said).toContain(item);
  });

  it('zh, a merchant facing a chargeback', async () => {
    const user = new ChatUser(app().server);
    const list = await user.says('我是商家，遇到拒付了，要准备什么材料');
    expect(list.said).toContain('签购单');
    expect(list.said).toContain('期限内提交');
  });

  it('en, a customer tracing a refund: only the last four digits, never the PIN', async () => {
    const user = new ChatUser(app().server);
    const answer = await user.says('what documents do I need?');
    // a general question is answered first; the tree is one button away
    expect(answer.articles).toEqual(['required-documents']);
    const role = await user.presses(answer, 'Walk me through my case');
    const purpose = await user.presses(role, "I'm the customer");
    const list = await user.presses(purpose, 'A refund missing or wrong');
    expect(list.said).toContain('last four digits');
    expect(list.said).toContain('never the full number or the PIN');
  });

  it('en, a customer asking the merchant for a refund', async () => {
    const user = new ChatUser(app().server);
    const role = await user.says('which documents do I need to get a refund from the shop?');
    // "get a refund" already said what for: one question, then the list
    const list = await user.presses(role, "I'm the customer");
    expect(list.said).toContain('Proof of payment');
  });
});
