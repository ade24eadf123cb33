import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { idCheckValid, luhnValid, maskSensitive } from '../../contracts/masking.js';
import { foundIn, plantedCard, plantedId, plantedPhone } from '../support/planted.js';

// contracts/masking against the formats the issue names: card numbers by Luhn in any grouping,
// resident ID numbers by their check digit, mainland mobile numbers; and what must survive.

describe('card numbers', () => {
  it.each([
    ['4-4-4-4', '卡号6222 0212 3456 7813', '卡号6222****7813'],
    ['4-6-5 (15 digits)', 'card 3782-822463-10005', 'card 3782****0005'],
    ['4-6-5 with dots', '卡3782.822463.10005', '卡3782****0005'],
    ['6-13', '卡号622202 1234567890122', '卡号6222****0122'],
    ['4-4-4-4-3', '4111 1111 1111 1111 003', '4111****1003'],
    ['13 digits plain', 'card 4222222222222', 'card 4222****2222'],
    ['thin spaces', '6222\u20090212\u20093456\u20097813', '6222****7813'],
    ['en dashes', '6222\u20130212\u20133456\u20137813', '6222****7813'],
    ['a zero-width space inside', '6222021234\u200b567813', '6222****7813'],
    [
      'Arabic-Indic digits',
      '\u0666\u0662\u0662\u0662\u0660\u0662\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0661\u0663',
      '6222****7813',
    ],
    ['full-width slashes', '６２２２／０２１２／３４５６／７８１３', '6222****7813'],
  ])('%s', (_name, input, masked) => {
    expect(maskSensitive(input)).toBe(masked);
  });

  it('are masked in every generated grouping', () => {
    fc.assert(
      fc.property(plantedCard(13), (card) => {
        expect(luhnValid(card.digits)).toBe(true);
        const masked = maskSensitive(`我的卡${card.written}退款没到`);
        expect(foundIn([card], masked), masked).toEqual([]);
      }),
      { numRuns: 300, seed: 20261203 },
    );
  });
});

describe('resident ID numbers', () => {
  it.each([
    ['18 characters', '身份证11010519491231002X', '身份证110105********X'],
    ['lower-case x', '身份证11010519491231002x', '身份证110105********x'],
    ['6-8-4 with spaces', '身份证 110105 19491231 002X', '身份证 110105********X'],
    ['6-8-4 with dashes', 'ID 110105-19491231-002X', 'ID 110105********X'],
    ['a 15-digit old number', '身份证110105491231002', '身份证1101****1002'],
  ])('%s', (_name, input, masked) => {
    expect(maskSensitive(input)).toBe(masked);
  });

  it('are recognised by their check digit', () => {
    expect(idCheckValid('11010519491231002X')).toBe(true);
    expect(idCheckValid('110105194912310021')).toBe(false);
  });

  it('are masked in every generated grouping', () => {
    fc.assert(
      fc.property(plantedId, (id) => {
        const masked = maskSensitive(`身份证号${id.written}，麻烦查一下`);
        expect(foundIn([id], masked), masked).toEqual([]);
      }),
      { numRuns: 300, seed: 20261203 },
    );
  });
});

describe('mobile numbers', () => {
  it.each([
    ['plain', '手机13812345678', '手机138****5678'],
    ['+86 and spaces', 'tel +86 138 1234 5678', 'tel +86 138****5678'],
    ['0086 and dashes', '电话0086-138-1234-5678', '电话0086-138****5678'],
    ['4-3-4', '电话1381 234 5678', '电话138****5678'],
    ['+86 glued', '电话+8613812345678', '电话+8613****5678'],
  ])('%s', (_name, input, masked) => {
    expect(maskSensitive(input)).toBe(masked);
  });

  it('are masked in every generated format', () => {
    fc.assert(
      fc.property(plantedPhone, (phone) => {
        const masked = maskSensitive(`联系我${phone.written}谢谢`);
        expect(foundIn([phone], masked), masked).toEqual([]);
      }),
      { numRuns: 300, seed: 20261203 },
    );
  });
});

describe('what support needs survives', () => {
  it.each([
    '参考号123456789012 凭证号000123 金额12.50元 日期2026-11-20',
    '参考号 261120000001 000123',
    '凭证号 000123 000124 000125',
    'reference 123456789012, voucher 004512, ¥1,299.00 on 2026/11/20 15:30',
    '2026.11.20 2026.11.21 2026.11.22',
    '退款 128.00 元 和 64.50 元',
    '参考号 202611180045 金额 100 元',
    '流水号 66261120000001，商户号 822290070111234',
    'a 13-digit epoch 1764043200001 with a wrong check digit',
  ])('%s', (text) => {
    expect(maskSensitive(text)).toBe(text);
  });

  it('a reference number next to another number is kept whatever their digits', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{12}$/), fc.stringMatching(/^[0-9]{6}$/), (ref, voucher) => {
        const text = `参考号 ${ref} ${voucher}`;
        expect(maskSensitive(text)).toContain(ref);
      }),
      { numRuns: 300, seed: 20261203 },
    );
  });
});
