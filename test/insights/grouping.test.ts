import { describe, expect, it } from 'vitest';
import { groupUnanswered, insightText, keyOf } from '../../bot/insights/index.js';

const row = (text: string, intent: string | null = 'refund_status', decision = 'not_understood') => ({
  text,
  intent,
  decision,
  at: '2026-11-25T04:00:00.000Z',
});

describe('unanswered questions, grouped', () => {
  it('the same text once normalised is one question (width, script, case, punctuation)', () => {
    expect(keyOf('退款ＰＯＳ機 怎麼辦？')).toBe(keyOf('退款pos机怎么办'));
    const [g, ...rest] = groupUnanswered([
      row('POS机怎么换纸'),
      row('pos机怎么换纸？'),
      row('ＰＯＳ機怎麼換紙'),
    ]);
    expect(rest).toEqual([]);
    expect(g?.count).toBe(3);
  });

  it('wordings with the same closest intent sharing half their tokens join; another intent only by the same text', () => {
    const groups = groupUnanswered([
      row('那个单子弄一下'),
      row('那个单子弄一下'),
      row('那个单子帮我弄一下'),
      row('那个单子弄一下', 'out_of_scope'),
      row('那个单子帮我看一下', 'out_of_scope'),
      row('信用卡怎么还款', 'out_of_scope', 'out_of_scope'),
    ]);
    expect(groups[0]).toMatchObject({ example: '那个单子弄一下', count: 4, intent: 'refund_status' });
    // the other two tie (one each): in either order
    expect(groups.slice(1).map((g) => [g.example, g.count, g.intent])).toEqual(
      expect.arrayContaining([
        ['信用卡怎么还款', 1, 'out_of_scope'],
        ['那个单子帮我看一下', 1, 'out_of_scope'],
      ]),
    );
    expect(groups).toHaveLength(3);
    expect(groups[0]?.decisions).toEqual({ not_understood: 4 });
  });

  it('nothing personal survives into the kept text', () => {
    const kept = insightText('卡号 6222 0212 3456 7890 123，电话13812345678，参考号 123456789012 退款');
    expect(kept).not.toMatch(/\d{5,}/);
    expect(kept).not.toContain('6222');
    expect(kept).toContain('退款');
  });
});
