import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import { ChatUser } from '../support/transcript.js';

const app = useTestApp();
const fixture = (scenario: string) => {
  const f = app()
    .app.acquirer.sandbox?.instance.fixtures()
    .find((x) => x.scenario === scenario);
  if (!f) throw new Error(scenario);
  return f;
};

/** A user at the end of the refund-failed tree, asked "这样能退了吗？". */
async function atFixedQuestion(): Promise<ChatUser> {
  const user = new ChatUser(app().server);
  const turn = await user.says('退款的时候pos机提示权限不足');
  expect(turn.said).toContain('这样能退了吗');
  return user;
}

describe('no traps at a question', () => {
  it('a new question at a yes/no question is answered, not met with "please answer yes or no"', async () => {
    const user = await atFixedQuestion();
    const turn = await user.says('退款要收手续费吗');
    expect(turn.articles).toEqual(['refund-policy']);
    expect(turn.said).not.toMatch(/请回答|请选/);
  });

  it('goodbye at a question ends the tree with a goodbye', async () => {
    const user = await atFixedQuestion();
    const turn = await user.says('好的，再见');
    expect(turn.said).toContain('再见');
    const next = await user.says('退款多久能到账？');
    expect(next.articles).toEqual(['refund-not-received']);
  });

  it('something it cannot read, twice, leaves the yes/no question instead of trapping the user', async () => {
    const user = await atFixedQuestion();
    await user.says('嗯嗯那个');
    const second = await user.says('那个那个');
    expect(second.said).not.toContain('这样能退了吗');
    expect(second.said).not.toMatch(/请回答|不太好回答/);
  });

  it('"哦不对，是…元" corrects the proof and the look-up goes on with it', async () => {
    const f = fixture('refund_processing_card');
    const user = new ChatUser(app().server, 'zh', { 'x-forwarded-for': '10.9.9.1' });
    await user.says(`帮我查一下参考号 ${f.reference} 的退款`);
    const wrong = await user.says('1元');
    expect(wrong.replies.some((r) => r.type === 'card')).toBe(false);
    const corrected = await user.says(`哦不对，是${f.amountFen / 100}元`);
    expect(corrected.replies.some((r) => r.type === 'card')).toBe(true);
    expect(corrected.said).not.toContain('退款金额不对');
  });

  it('"不对，是上周二" after an estimate gives the estimate for the corrected day', async () => {
    const user = new ChatUser(app().server);
    await user.says('退款还没到账');
    await user.says('借记卡');
    const first = await user.says('上周一');
    expect(first.said).toContain('到账');
    const corrected = await user.says('不对，是上周二');
    expect(corrected.said).toContain('到账');
    expect(corrected.said).not.toBe(first.said);
    expect(corrected.said).not.toContain('哪天');
  });

  it('"sorry, Tuesday not Monday" in English', async () => {
    const user = new ChatUser(app().server, 'en');
    await user.says('my refund has not arrived');
    await user.says('debit card');
    const first = await user.says('last Monday');
    const corrected = await user.says('sorry, last Tuesday not Monday');
    expect(corrected.said).not.toBe(first.said);
    expect(corrected.said).not.toMatch(/when was the refund made/i);
  });
});
