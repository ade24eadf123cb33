// The checks of the conversation scenarios (test/eval/conversations.yml) on hand-made replies, and
// the file's validation. Not the pass rate: that is `npm run eval -- --conversations`.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Conversation } from '../../bot/conversations/store.js';
import { type Reply, text } from '../../contracts/replies.js';
import { type Flow, loadFlows } from '../../flows/engine/index.js';
import { loadContent } from '../../knowledge/index.js';
import {
  askedSlot,
  type Check,
  evaluateCheck,
  type Known,
  parseScenarios,
  questionSlots,
  ScenarioProblems,
  type TurnObservation,
  visibleText,
  writtenIn,
} from './conversation-checks.js';

const buttons = (...labels: string[]): Reply => ({
  type: 'choices',
  choices: labels.map((label, i) => ({ label, action: `a${i}` })),
});
const article = (id: string, title = '退款多久到账', snippet = '银行卡一般1–3个工作日'): Reply => ({
  type: 'article',
  id,
  title,
  snippet,
  url: `/kb/zh/${id}`,
});
const card: Reply = {
  type: 'card',
  title: '退款状态',
  fields: [
    { label: '状态', value: '处理中' },
    { label: '参考号', value: '602911734508' },
  ],
};
const turn = (replies: Reply[], more: Partial<TurnObservation> = {}): TurnObservation => ({
  replies,
  asks: undefined,
  handedOver: false,
  ...more,
});
const re = (s: string) => new RegExp(s, 'u');

describe('visible text', () => {
  it('joins texts, button labels, card titles and fields, article titles and snippets', () => {
    expect(visibleText([text('您好'), buttons('是', '否'), card, article('refund-arrival-times')])).toBe(
      [
        '您好',
        '是',
        '否',
        '退款状态',
        '状态: 处理中',
        '参考号: 602911734508',
        '退款多久到账',
        '银行卡一般1–3个工作日',
      ].join('\n'),
    );
  });
  it('leaves out what is not shown (actions, article links)', () => {
    const t = visibleText([buttons('继续'), article('x')]);
    expect(t).not.toContain('a0');
    expect(t).not.toContain('/kb/');
  });
});

// [what, check, the turn, holds?]
const cases: Array<[string, Check, TurnObservation, boolean]> = [
  ['matches a text', { name: 'matches', value: re('工作日') }, turn([text('一般1–3个工作日')]), true],
  ['matches a card field', { name: 'matches', value: re('处理中') }, turn([card]), true],
  ['matches an article snippet', { name: 'matches', value: re('1.{0,2}3') }, turn([article('a')]), true],
  ['matches a button label', { name: 'matches', value: re('人工') }, turn([buttons('转人工客服')]), true],
  ['matches: no match', { name: 'matches', value: re('发卡行') }, turn([text('请联系商户')]), false],
  ['matches: no replies', { name: 'matches', value: re('.') }, turn([]), false],
  ['matches is case-sensitive', { name: 'matches', value: re('Bank') }, turn([text('your bank')]), false],
  ['not_matches: absent', { name: 'not_matches', value: re('请回答') }, turn([text('好的')]), true],
  ['not_matches: present', { name: 'not_matches', value: re('请回答') }, turn([text('请回答“是”')]), false],
  [
    'not_matches spans lines',
    { name: 'not_matches', value: re('是\n否') },
    turn([text('是'), buttons('否')]),
    false,
  ],
  ['asks the slot', { name: 'asks', value: 'refund_date' }, turn([], { asks: 'refund_date' }), true],
  ['asks another slot', { name: 'asks', value: 'refund_date' }, turn([], { asks: 'payment_method' }), false],
  ['asks nothing', { name: 'asks', value: 'refund_date' }, turn([text('好的')]), false],
  ['not_asks: asks another', { name: 'not_asks', value: 'role' }, turn([], { asks: 'direction' }), true],
  ['not_asks: asks nothing', { name: 'not_asks', value: 'role' }, turn([]), true],
  ['not_asks: asks it', { name: 'not_asks', value: 'role' }, turn([], { asks: 'role' }), false],
  ['lang zh', { name: 'lang', value: 'zh' }, turn([text('退款一般1–3个工作日')]), true],
  ['lang zh: English reply', { name: 'lang', value: 'zh' }, turn([text('1-3 working days')]), false],
  ['lang en', { name: 'lang', value: 'en' }, turn([text('1-3 working days'), buttons('Yes')]), true],
  ['lang en: a Han button', { name: 'lang', value: 'en' }, turn([text('Pick one'), buttons('是')]), false],
  ['script traditional', { name: 'script', value: 'traditional' }, turn([text('退款還沒到帳')]), true],
  [
    'script traditional: simplified',
    { name: 'script', value: 'traditional' },
    turn([text('还没到账')]),
    false,
  ],
  [
    'script traditional: one simplified button',
    { name: 'script', value: 'traditional' },
    turn([text('請選擇'), buttons('继续')]),
    false,
  ],
  [
    'script traditional: shared characters only',
    { name: 'script', value: 'traditional' },
    turn([text('好的')]),
    true,
  ],
  ['script traditional: no Han', { name: 'script', value: 'traditional' }, turn([text('OK')]), false],
  ['script simplified', { name: 'script', value: 'simplified' }, turn([text('退款还没到账')]), true],
  [
    'script simplified: traditional',
    { name: 'script', value: 'simplified' },
    turn([text('還沒到帳')]),
    false,
  ],
  ['script simplified: no Han', { name: 'script', value: 'simplified' }, turn([text('OK')]), false],
  [
    'article shown',
    { name: 'article', value: 'refund-application' },
    turn([article('refund-application')]),
    true,
  ],
  [
    'article: another one',
    { name: 'article', value: 'refund-application' },
    turn([article('refund-policy')]),
    false,
  ],
  [
    'article: only named in text',
    { name: 'article', value: 'refund-application' },
    turn([text('refund-application')]),
    false,
  ],
  ['offers a button', { name: 'offers', value: re('人工') }, turn([buttons('是', '转人工客服')]), true],
  ['offers: only in text', { name: 'offers', value: re('人工') }, turn([text('可以转人工')]), false],
  ['offers: no buttons', { name: 'offers', value: re('人工') }, turn([]), false],
  [
    'not_offers: other buttons',
    { name: 'not_offers', value: re('怎么退款/撤销') },
    turn([buttons('借记卡', '信用卡')]),
    true,
  ],
  [
    'not_offers: the main topics',
    { name: 'not_offers', value: re('怎么退款/撤销') },
    turn([buttons('退款没到账', '怎么退款/撤销')]),
    false,
  ],
  ['not_offers: only in text', { name: 'not_offers', value: re('人工') }, turn([text('转人工')]), true],
  [
    'handoff: put through',
    { name: 'handoff', value: true },
    turn([text('正在为您转接人工客服，请稍候。')], { handedOver: true }),
    true,
  ],
  [
    'handoff: a way to leave a message',
    { name: 'handoff', value: true },
    turn([text('现在没有客服在线。'), buttons('留言', '回到智能助手')]),
    true,
  ],
  ['handoff: a hotline', { name: 'handoff', value: true }, turn([text('请拨打客服热线95016。')]), true],
  ['handoff: a 400 number', { name: 'handoff', value: true }, turn([text('Call 400-820-1234.')]), true],
  ['handoff: a ticket', { name: 'handoff', value: true }, turn([text('已为您建单 TK-20261125-7')]), true],
  [
    'handoff: told to type 转人工 again',
    { name: 'handoff', value: true },
    turn([text('请联系官方客服，或在这里输入“转人工”。')]),
    false,
  ],
  [
    'handoff: put through but told to type it again',
    { name: 'handoff', value: true },
    turn([text('请输入“转人工”')], { handedOver: true }),
    false,
  ],
  [
    'handoff: English, type again',
    { name: 'handoff', value: true },
    turn([text('Contact customer service, or type "talk to a person" here.')]),
    false,
  ],
  [
    'handoff: only a pointer to where a number is',
    { name: 'handoff', value: true },
    turn([text('请联系收单机构的官方客服（号码印在POS机背面）。')]),
    false,
  ],
  [
    'handoff: a reference number is not a phone number',
    { name: 'handoff', value: true },
    turn([text('参考号602911734508')]),
    false,
  ],
  ['ticket: TK number', { name: 'ticket', value: true }, turn([text('工单：TK-20261125-12')]), true],
  ['ticket: labelled id', { name: 'ticket', value: true }, turn([text('您的工单号：A2611250012')]), true],
  [
    'ticket: English',
    { name: 'ticket', value: true },
    turn([text('Your ticket number is 2611250012.')]),
    true,
  ],
  ['ticket: the word only', { name: 'ticket', value: true }, turn([text('我会给您一个工单号。')]), false],
  ['ticket: none', { name: 'ticket', value: true }, turn([text('请稍候')]), false],
  [
    'no_repeat: different',
    { name: 'no_repeat', value: true },
    turn([text('请拨打95016')], { previous: [text('正在转接')] }),
    true,
  ],
  [
    'no_repeat: same text',
    { name: 'no_repeat', value: true },
    turn([text('正在转接'), buttons('回到智能助手')], {
      previous: [text('正在转接'), buttons('回到智能助手')],
    }),
    false,
  ],
  [
    'no_repeat: same text, other whitespace',
    { name: 'no_repeat', value: true },
    turn([text('正在转接 \n')], { previous: [text('正在转接')] }),
    false,
  ],
  [
    'no_repeat: same text, other buttons',
    { name: 'no_repeat', value: true },
    turn([text('正在转接'), buttons('留言')], { previous: [text('正在转接')] }),
    true,
  ],
  ['no_repeat: no previous reply', { name: 'no_repeat', value: true }, turn([text('好')]), false],
];

describe('checks', () => {
  it.each(cases)('%s', (_what, check, observation, holds) => {
    expect(evaluateCheck(check, observation).ok).toBe(holds);
  });
  it('says what it found instead', () => {
    expect(evaluateCheck({ name: 'asks', value: 'role' }, turn([], { asks: 'direction' })).got).toBe(
      'asks direction',
    );
    expect(evaluateCheck({ name: 'script', value: 'traditional' }, turn([text('还没到')])).got).toMatch(
      /simplified \(.*还.*\)/,
    );
  });
});

describe('the language a user writes in', () => {
  it.each([
    ['退款没到账', 'zh'],
    ['退款還沒到帳', 'zh-traditional'],
    ['my refund 还没到', 'zh'],
    ['My refund has not arrived', 'en'],
  ])('%s → %s', (t, group) => expect(writtenIn(t)).toBe(group));
});

describe('the question asked, from the saved state', () => {
  const flow = {
    id: 'refund_not_received',
    nodes: {
      ask_method: { kind: 'ask', slot: 'payment_method' },
      done: { kind: 'end' },
    },
  } as unknown as Flow;
  const flows = new Map([[flow.id, flow]]);
  const at = (node: string, more: object = {}) =>
    ({ flow: { flow: flow.id, node, paused: false, invalid: 0, ...more } }) as unknown as Conversation;
  it.each<[string, Conversation | undefined, string | undefined]>([
    ['an ask node', at('ask_method'), 'payment_method'],
    ['no flow', {} as Conversation, undefined],
    ['no conversation', undefined, undefined],
    ['a node that asks nothing', at('done'), undefined],
    ['paused: "carry on?" is asked instead', at('ask_method', { paused: true }), undefined],
    ['too many wrong answers', at('ask_method', { invalid: 3 }), undefined],
    ['an unknown flow', { flow: { flow: 'gone', node: 'x', paused: false, invalid: 0 } } as never, undefined],
  ])('%s', (_what, c, slot) => expect(askedSlot(c, flows)).toBe(slot));
});

describe('the scenario file', () => {
  const known: Known = { slots: new Set(['payment_method', 'role']), articles: new Set(['refund-policy']) };
  const one = (expectYaml: string, extra = '') =>
    `- id: s1\n  who: consumer\n${extra}  turns:\n    - user: "退款没到"\n      expect:\n${expectYaml}\n    - user: "好"\n`;
  const problems = (yaml: string): string[] => {
    try {
      parseScenarios(yaml, known);
    } catch (e) {
      if (e instanceof ScenarioProblems) return e.problems;
      throw e;
    }
    return [];
  };

  it('reads checks into typed values', () => {
    const [s] = parseScenarios(one('        - matches: "工作日"\n        - asks: payment_method'), known);
    expect(s?.turns[0]?.expect).toEqual([
      { name: 'matches', value: /工作日/u },
      { name: 'asks', value: 'payment_method' },
    ]);
    expect(s?.turns[1]?.expect).toEqual([]);
  });
  it.each([
    ['an unknown check', '        - contains: "x"', /scenario s1, turn 1, check 1: unknown check "contains"/],
    ['a bad regex', '        - matches: "(unclosed"', /scenario s1, turn 1, check 1 \(matches\): bad regex/],
    ['an empty regex', '        - not_matches: ""', /empty regex/],
    [
      'a slot no flow has',
      '        - asks: refund_day',
      /\(asks\): no flow question slot is called "refund_day"/,
    ],
    ['an unknown article', '        - article: nope', /\(article\): no article is called "nope"/],
    [
      'two names in one check',
      '        - asks: role\n          lang: zh',
      /exactly one name, got asks, lang/,
    ],
    ['a bad language', '        - lang: fr', /\(lang\)/],
    ['handoff: false', '        - handoff: false', /only `true`/],
    ['no_repeat on the first turn', '        - no_repeat: true', /no_repeat on the first turn/],
  ])('names the scenario for %s', (_what, yaml, message) => {
    const found = problems(one(yaml));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });
  it('rejects unknown scenario keys, a bad who and duplicate ids', () => {
    expect(problems(one('        - asks: role', '  lang: zh\n'))[0]).toMatch(/scenario s1: .*lang/);
    expect(problems(one('        - asks: role').replace('consumer', 'agent'))[0]).toMatch(/scenario s1: who/);
    const twice = one('        - asks: role');
    expect(problems(twice + twice)).toEqual(['scenario s1: the id is used twice']);
  });
  it('reports every problem at once', () => {
    expect(problems(one('        - asks: nope\n        - article: nope\n        - foo: 1'))).toHaveLength(3);
  });

  it('test/eval/conversations.yml is valid against the real flows and articles', () => {
    const content = loadContent({ refundWindowDays: 30 });
    const flows = loadFlows({ articleIds: new Set(content.articles.map((a) => a.id)) });
    const slots = questionSlots(flows);
    const file = readFileSync(path.join(import.meta.dirname, 'conversations.yml'), 'utf8');
    const scenarios = parseScenarios(file, { slots, articles: new Set(content.articles.map((a) => a.id)) });
    expect(scenarios.length).toBeGreaterThan(0);
  });
});
