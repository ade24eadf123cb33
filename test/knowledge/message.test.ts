import { describe, expect, it } from 'vitest';
import { normalizeMessage } from '../../knowledge/index.js';

describe('normalizeMessage', () => {
  it.each([
    ['我的退款還沒到賬', 'zh', 'traditional', '我的退款还没到账'],
    ['我的退款还没到账', 'zh', 'simplified', '我的退款还没到账'],
    ['我的退款', 'zh', 'simplified', '我的退款'],
    ['Where is my REFUND?', 'en', undefined, 'where is my refund?'],
    ['１２３４５', undefined, undefined, '12345'],
    ['', undefined, undefined, ''],
    ['我的refund還沒到', 'zh', 'traditional', '我的refund还没到'],
  ] as const)('%j', (raw, lang, script, text) => {
    const m = normalizeMessage(raw);
    expect(m).toMatchObject({ raw, lang, script, text });
  });

  it('keeps case in keepCase only', () => {
    const m = normalizeMessage('订单号 AbC123');
    expect(m.keepCase).toBe('订单号 AbC123');
    expect(m.text).toBe('订单号 abc123');
  });
});
