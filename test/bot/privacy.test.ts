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
