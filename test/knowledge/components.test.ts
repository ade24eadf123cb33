// One contract suite for every understanding component (knowledge/components.ts): each is created
// from content once, then `process` is a pure call that never throws on odd input, and gives its
// "nothing here" answer on a message with nothing for it.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Component,
  ComponentError,
  entityExtractor,
  gateComponent,
  intentComponent,
  languageDetector,
  normalizer,
  run,
  searchComponent,
} from '../../knowledge/components.js';
import { loadContent, Understander } from '../../knowledge/index.js';

const content = loadContent();
let u: Understander;
beforeAll(async () => {
  u = await Understander.create(content);
});
const now = new Date('2026-11-25T04:00:00Z');
const tokens = (t: string) => u.featureTokens(t, now);

interface Row<In, Out> {
  input: () => In;
  /** what the output must satisfy */
  expect: (out: Out) => void;
  label: string;
}
interface Suite {
  name: string;
  component: () => Component<unknown, unknown>;
  rows: Row<unknown, unknown>[];
  /** inputs a user can send that carry nothing for this component */
  odd: Array<() => unknown>;
}

const suites: Suite[] = [
  {
    name: 'normalizer',
    component: () => normalizer as Component<unknown, unknown>,
    rows: [
      {
        label: 'traditional',
        input: () => '退款還沒到',
        expect: (o) => expect(o).toMatchObject({ text: '退款还没到', script: 'traditional' }),
      },
      {
        label: 'no letters',
        input: () => '1234',
        expect: (o) => expect(o).toMatchObject({ lang: undefined, script: undefined }),
      },
    ],
    odd: [() => '', () => '\u0000\ud800', () => '😀😀'],
  },
  {
    name: 'language',
    component: () => languageDetector as Component<unknown, unknown>,
    rows: [
      { label: 'zh', input: () => '我的refund还没到', expect: (o) => expect(o).toBe('zh') },
      { label: 'en', input: () => 'where is my refund', expect: (o) => expect(o).toBe('en') },
      { label: 'no match', input: () => '123 456', expect: (o) => expect(o).toBeUndefined() },
    ],
    odd: [() => '', () => '!!!'],
  },
  {
    name: 'entities',
    component: () => entityExtractor as Component<unknown, unknown>,
    rows: [
      {
        label: 'amount',
        input: () => ({ keepCase: '退了12.5元', now }),
        expect: (o) => expect(o).toMatchObject({ amount: { fen: 1250 } }),
      },
      {
        label: 'no match',
        input: () => ({ keepCase: '你好', now }),
        expect: (o) => expect(Object.values(o as object).filter((v) => v !== undefined)).toEqual([]),
      },
    ],
    odd: [() => ({ keepCase: '', now })],
  },
  {
    name: 'intent',
    component: () => intentComponent(u.model) as Component<unknown, unknown>,
    rows: [
      {
        label: 'refund late',
        input: () => tokens('退款多久到账'),
        expect: (o) => expect(o).toMatchObject({ intent: 'refund_not_received' }),
      },
      {
        label: 'card delivery is not ours',
        input: () => tokens('when is my new debit card going to turn up'),
        expect: (o) => expect((o as { intent: string }).intent).toBe('out_of_scope'),
      },
      {
        label: 'no tokens',
        input: () => [],
        expect: (o) => expect((o as { coverage: number }).coverage).toBe(0),
      },
    ],
    odd: [() => [], () => ['zzz-unknown-token']],
  },
  {
    name: 'domain',
    component: () => gateComponent(u.gate) as Component<unknown, unknown>,
    rows: [
      {
        label: 'a neighbour without refund evidence',
        input: () => ({
          canonical: '我的信用卡什么时候寄到',
          features: tokens('我的信用卡什么时候寄到'),
          outOfScope: 0.1,
        }),
        expect: (o) =>
          expect(o).toMatchObject({
            neighbour: 'card_delivery',
            outOfScope: expect.any(Number),
            evidence: [],
          }),
      },
      {
        label: 'refund evidence wins',
        input: () => ({
          canonical: '退款到信用卡什么时候到',
          features: tokens('退款到信用卡什么时候到'),
          outOfScope: 0.1,
        }),
        expect: (o) => expect(o).toMatchObject({ outOfScope: 0.1, evidence: ['~refund'] }),
      },
      {
        label: 'no match',
        input: () => ({ canonical: '你好', features: tokens('你好'), outOfScope: 0.05 }),
        expect: (o) => expect(o).toEqual({ outOfScope: 0.05, evidence: [] }),
      },
    ],
    odd: [() => ({ canonical: '', features: [], outOfScope: 0 })],
  },
  {
    name: 'search',
    component: () => searchComponent(u.search) as Component<unknown, unknown>,
    rows: [
      {
        label: 'finds the article',
        input: () => ({ words: tokens('退款多久到账'), lang: 'zh' }),
        expect: (o) => expect((o as unknown[]).length).toBeGreaterThan(0),
      },
      { label: 'no match', input: () => ({ words: [], lang: 'en' }), expect: (o) => expect(o).toEqual([]) },
    ],
    odd: [() => ({ words: ['zzz'], lang: 'zh' })],
  },
];

describe.each(suites)('component $name', (s) => {
  it('has its name', () => expect(s.component().name).toBe(s.name));
  it.each(s.rows)('$label', (row) => row.expect(run(s.component(), row.input())));
  it('is pure: the same input gives the same output', () => {
    for (const row of s.rows)
      expect(run(s.component(), row.input())).toEqual(run(s.component(), row.input()));
  });
  it('never throws on input with nothing for it', () => {
    for (const input of s.odd) expect(() => run(s.component(), input())).not.toThrow();
  });
});

describe('the runner', () => {
  it('names the component that failed', () => {
    const broken: Component<string, never> = {
      name: 'broken',
      process: () => {
        throw new Error('bad data');
      },
    };
    expect(() => run(broken, 'x')).toThrow(ComponentError);
    expect(() => run(broken, 'x')).toThrow(/"broken" failed: bad data/);
  });

  it('understands a string and a NormalizedMessage alike', () => {
    const a = u.understand('我的信用卡什么时候寄到', { now });
    const b = u.understand(run(normalizer, '我的信用卡什么时候寄到'), { now });
    expect(b.intent).toEqual(a.intent);
    expect(a.intent.intent).toBe('out_of_scope');
    expect(a.domain.neighbour).toBe('card_delivery');
  });

  it('answers fee-rate sales questions as out of scope', () => {
    expect(u.understand('你们刷卡费率多少', { now }).intent.intent).toBe('out_of_scope');
  });

  it('does not let a neighbour word push a message out of a refund flow', () => {
    const input = { canonical: '卡挂失了', features: tokens('卡挂失了'), outOfScope: 0.1 };
    expect(run(gateComponent(u.gate), input).outOfScope).toBeGreaterThan(0.1);
    expect(run(gateComponent(u.gate), { ...input, inRefundFlow: true }).outOfScope).toBe(0.1);
  });
});

describe('out of scope, with where the question goes', () => {
  it.each([
    ['我的信用卡什么时候寄到', 'card_delivery'],
    ['你们刷卡费率多少', 'fees_rates'],
    ['花呗怎么还款', 'repayment'],
    ['how long does a bank transfer take', 'transfer'],
  ])('%s → %s', async (text, neighbour) => {
    const { decide } = await import('../../bot/route.js');
    const x = u.understand(text, { now });
    expect(decide(x)).toEqual({ kind: 'out_of_scope', neighbour });
    expect(x.domain.pointer?.zh.length).toBeGreaterThan(5);
    expect(content.messages.out_of_scope_neighbour.zh).toContain('{pointer}');
  });

  it('has no neighbour for a refund question', () => {
    expect(u.understand('退款退到信用卡什么时候到', { now }).domain.neighbour).toBeUndefined();
  });
});
