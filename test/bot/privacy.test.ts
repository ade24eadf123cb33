import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../app/logger.js';
import { maskCardNumber, maskSensitive } from '../../contracts/masking.js';

describe('masking', () => {
  it.each([
    ['卡号6222021234567890123', '卡号6222****0123'],
    ['card 6226 0000 1111 8223 declined', 'card 6226****8223 declined'],
    ['手机13812345678', '手机138****5678'],
    ['tel +86 138 1234 5678', 'tel +86 138****5678'],
    ['身份证11010519491231002X', '身份证110105********X'],
  ])('%s → %s', (input, masked) => {
    expect(maskSensitive(input)).toBe(masked);
  });

  it('keeps reference, voucher and amount numbers support needs', () => {
    const text = '参考号123456789012 凭证号000123 金额12.50元 日期2026-11-20';
    expect(maskSensitive(text)).toBe(text);
  });

  it('masks a card number for display', () => {
    expect(maskCardNumber('6226000011118223')).toBe('6226****8223');
    expect(maskCardNumber('6226****8223')).toBe('6226****8223');
  });
});

describe('logging', () => {
  it('never writes a card, phone or ID number, whatever field it is in', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger('info', sink);
    logger.info({ text: '我的卡6222021234567890123退款没到，电话13812345678' }, 'user said');
    logger.error({ err: new Error('upstream said card 6226000011118223 is closed') }, 'lookup failed');
    logger.flush();
    await new Promise((r) => setImmediate(r));
    const all = lines.join('');
    expect(all).not.toMatch(/6222021234567890123|13812345678|6226000011118223/);
    expect(all).toContain('6222****0123');
  });
});

describe('masking the formats a paste brings', () => {
  it.each([
    ['full-width digits', '卡号６２２２０２１２３４５６７８９０１２３', '卡号6222****0123'],
    ['ideographic spaces', '卡号6222\u30000212\u30003456\u30007813', '卡号6222****7813'],
    ['no-break spaces', 'card 6222\u00a00212\u00a03456\u00a07813', 'card 6222****7813'],
    ['double spaces', '卡 6222  0212  3456  7813', '卡 6222****7813'],
    ['dots', '6222.0212.3456.7813', '6222****7813'],
    ['slashes', '6222/0212/3456/7813', '6222****7813'],
    ['dashes', '6222-0212-3456-7813', '6222****7813'],
    ['6 + 10 grouping', '622202 1234567890', '6222****7890'],
    ['a phone with ideographic spaces', '电话138\u30001234\u30005678', '电话138****5678'],
    ['a full-width phone', '电话１３８１２３４５６７８', '电话138****5678'],
    ['a phone with dots', 'tel 138.1234.5678', 'tel 138****5678'],
    ['a full-width ID number', '身份证１１０１０５１９４９１２３１００２Ｘ', '身份证110105********X'],
  ])('%s', (_name, input, masked) => {
    expect(maskSensitive(input)).toBe(masked);
  });

  it('keeps what support needs in the same pastes', () => {
    expect(maskSensitive('参考号２０２６１１１８００４５')).toBe('参考号202611180045');
    expect(maskSensitive('2026.11.20 15:30 ¥1,299.00')).toBe('2026.11.20 15:30 ¥1,299.00');
  });
});
