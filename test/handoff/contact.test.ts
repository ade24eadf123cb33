import { describe, expect, it } from 'vitest';
import { maskContact, maskText, parseContact } from '../../bot/handoff/index.js';

describe('how to reach the user', () => {
  it('reads a Chinese mobile number however it is written, and keeps the rest as the question', () => {
    for (const written of [
      '13812345678',
      '+86 138 1234 5678',
      '+86-138-1234-5678',
      '8613812345678',
      '0086 138 1234 5678',
      '008613812345678',
      '138-1234-5678',
    ])
      expect(parseContact(`电话 ${written}，退款没到`)).toEqual({
        kind: 'found',
        contact: { kind: 'phone', value: '13812345678' },
        rest: '退款没到',
      });
  });

  it('reads an e-mail address, lower-cased', () => {
    const parsed = parseContact('my email is Wang.Li@Example.com, refund missing');
    expect(parsed).toEqual({
      kind: 'found',
      contact: { kind: 'email', value: 'wang.li@example.com' },
      rest: 'refund missing',
    });
    expect(parseContact('我的手机号是13812345678')).toMatchObject({ rest: '' });
  });

  it('says what is wrong with an almost-contact', () => {
    expect(parseContact('1381234567')).toEqual({ kind: 'bad', problem: 'phone_length', digits: 10 });
    expect(parseContact('23812345678')).toEqual({ kind: 'bad', problem: 'phone_prefix', digits: 11 });
    expect(parseContact('12812345678')).toEqual({ kind: 'bad', problem: 'phone_prefix', digits: 11 });
    expect(parseContact('wang@qq')).toEqual({ kind: 'bad', problem: 'email', digits: 0 });
  });

  it('a reference number or words alone are no try at a contact', () => {
    expect(parseContact('参考号 261118000004')).toEqual({ kind: 'none' });
    expect(parseContact('退款要手续费吗')).toEqual({ kind: 'none' });
  });

  it('masks a contact the way it appears outside the ticket', () => {
    expect(maskContact({ kind: 'phone', value: '13812345678' })).toBe('138****5678');
    expect(maskContact({ kind: 'email', value: 'wang.li@example.com' })).toBe('w***@example.com');
    expect(maskText('写信给 wang.li@example.com 或打 13812345678')).toBe(
      '写信给 w***@example.com 或打 138****5678',
    );
  });
});
