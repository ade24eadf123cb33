import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import { ChatUser } from '../support/transcript.js';

// The guide's rules, as a table: what the user says, what the advice must (and must not) contain.
// Today is Wed 25 Nov 2026 (test/support/app.ts).
const app = useTestApp();

const cases: Array<{ rule: string; says: string[]; locale?: string; must: RegExp[]; mustNot?: RegExp[] }> = [
  {
    rule: 'half of a same-day, unsettled sale is never "void half"',
    says: ['客人今天刷的卡，要退一半，还没结算，用撤销还是退货？'],
    must: [/撤销只能撤整笔/, /重新收款/, /部分退货/],
    mustNot: [/用 \*\*撤销\*\*：/],
  },
  {
    rule: 'the whole of a same-day, unsettled sale is voided',
    says: ['今天刷的一笔要全额退给顾客，还没结算，用撤销还是退货'],
    must: [/用 \*\*撤销\*\*/],
  },
  {
    rule: 'part of an older sale is refunded',
    says: ['昨天刷的一笔，顾客要退一部分，用撤销还是退货'],
    must: [/用 \*\*退货（退款）\*\*/, /可以只退一部分/],
  },
  {
    rule: 'a credit card refund of five working days ago is not late yet (some issuers take 7–15)',
    says: ['上周三刷信用卡退的款还没到账'],
    must: [/预计/, /7–15/],
    mustNot: [/已经超过了/],
  },
  {
    rule: 'a credit card refund of over 15 working days is late',
    says: ['10月20日刷信用卡退的款还没到账'],
    must: [/已经超过了/],
  },
  {
    rule: 'a debit card refund of five working days ago is late',
    says: ['上周三刷借记卡退的款还没到账'],
    must: [/已经超过了/, /发卡行/],
  },
  {
    rule: 'today is said as today',
    says: ['微信零钱付的，今天退的款还没到'],
    must: [/今天（11月25日 周三）/],
    mustNot: [/前到账.*11月25日（周三）/],
  },
  {
    rule: 'in English: half of a same-day sale',
    locale: 'en',
    says: ['the customer paid today and wants half back, the batch is not settled yet, void or refund?'],
    must: [/a void always cancels the whole sale/i],
  },
];

describe('the guide’s rules, as a table', () => {
  it.each(cases)('$rule', async ({ says, locale, must, mustNot = [] }) => {
    const user = new ChatUser(app().server, locale);
    let said = '';
    for (const text of says) said = (await user.says(text)).said;
    for (const re of must) expect(said).toMatch(re);
    for (const re of mustNot) expect(said).not.toMatch(re);
  });
});
