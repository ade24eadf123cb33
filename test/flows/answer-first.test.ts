import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import { ChatUser } from '../support/transcript.js';

const app = useTestApp();

describe('a question gets its answer first, then the offer to work through a case', () => {
  it.each([
    ['退款多久能到账？', 'zh', 'refund-not-received', '工作日'],
    ['撤销和退货有什么区别', 'zh', 'void-vs-refund', '撤销'],
    ['what do I need to prepare for a refund?', 'en', 'required-documents', 'voucher'],
    ['how long does a refund usually take?', 'en', 'refund-not-received', 'working day'],
  ])('%s', async (question, locale, article, words) => {
    const user = new ChatUser(app().server, locale);
    const turn = await user.says(question);
    expect(turn.articles).toEqual([article]);
    expect(turn.said).toContain(words);
    const offer = turn.buttons.find((b) => /按我的情况|my case/.test(b.label));
    expect(offer).toBeDefined();
    const tree = await user.send({ action: offer?.action });
    expect(tree.buttons.length).toBeGreaterThan(0);
  });

  it('a case is worked through, not answered with the article', async () => {
    const turn = await new ChatUser(app().server).says('我上周五退的款多久能到');
    expect(turn.said).toContain('怎么付款');
  });
});
