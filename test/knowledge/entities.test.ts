import { describe, expect, it } from 'vitest';
import { extractEntities, findAmount, findDate, formatDate } from '../../knowledge/index.js';
import { normalizeKeepCase } from '../../knowledge/text/normalize.js';

// Wednesday 2026-11-25, 12:00 in Shanghai
const NOW = new Date('2026-11-25T04:00:00Z');
const today = { year: 2026, month: 11, day: 25 };
const entities = (text: string) => extractEntities(normalizeKeepCase(text), NOW);

describe('amounts, in fen', () => {
  it.each([
    ['¥12.50', 1250],
    ['退了12.5元', 1250],
    ['12块5', 1250],
    ['十二块五', 1250],
    ['一百二十元', 12000],
    ['3块2毛', 320],
    ['五毛', 50],
    ['两千块', 200000],
    ['1,200元', 120000],
    ['1.2万', 1200000],
    ['RMB 100', 10000],
    ['cny88', 8800],
    ['100 yuan', 10000],
    ['$20', 2000],
    ['一块二', 120],
    ['12元5角', 1250],
    ['付了100退了80块', 8000],
  ])('%s → %i fen', (text, fen) => {
    expect(findAmount(text.toLowerCase())?.fen).toBe(fen);
  });

  it.each(['退了3次', '15:30 退的', '参考号123456789012', '万元户', '已经3天了'])(
    '%s has no amount',
    (text) => {
      expect(findAmount(text)).toBeUndefined();
    },
  );

  it('knows dollars from yuan', () => {
    expect(findAmount('$20')?.currency).toBe('USD');
    expect(findAmount('20元')?.currency).toBe('CNY');
  });
});

describe('dates, resolved against today in Asia/Shanghai', () => {
  it.each([
    ['今天', '2026-11-25'],
    ['昨天退的', '2026-11-24'],
    ['前天', '2026-11-23'],
    ['大前天', '2026-11-22'],
    ['上周三', '2026-11-18'],
    ['这周一', '2026-11-23'],
    ['周一', '2026-11-23'],
    ['周日', '2026-11-22'],
    ['11月20日', '2026-11-20'],
    ['十一月二十号', '2026-11-20'],
    ['2026-11-20', '2026-11-20'],
    ['2026/11/20', '2026-11-20'],
    ['3天前', '2026-11-22'],
    ['上个月20号', '2026-10-20'],
    ['yesterday', '2026-11-24'],
    ['last friday', '2026-11-20'],
    ['nov 20', '2026-11-20'],
    ['20 november', '2026-11-20'],
    ['3 days ago', '2026-11-22'],
    ['28号', '2026-10-28'],
  ])('%s → %s', (text, date) => {
    const found = findDate(text, today);
    expect(found && formatDate(found.date)).toBe(date);
  });

  it.each(['11.20元', '15:30', '2025年', '1-3个工作日'])('%s is not a date', (text) => {
    expect(findDate(text, today)).toBeUndefined();
  });

  it('uses the Shanghai calendar day, not UTC', () => {
    // 2026-11-24 17:30 UTC is already the 25th in Shanghai
    const e = extractEntities('今天', new Date('2026-11-24T17:30:00Z'));
    expect(e.date).toBe('2026-11-25');
  });
});

describe('identifiers', () => {
  it('finds a 12-digit reference number', () => {
    expect(entities('参考号123456789012的退款还没到').reference).toBe('123456789012');
    expect(entities('參考號：500182736491').reference).toBe('500182736491');
    expect(entities('ref no 3105 1987 5521').reference).toBe('310519875521');
  });

  it.each([
    ['a phone number', '电话13812345678'],
    ['a card number', '卡号6222021234567890123'],
    ['a voucher number', '凭证号000123'],
    ['an order number', '订单号LKL202611200001'],
  ])('takes no reference from %s', (_what, text) => {
    expect(entities(text).reference).toBeUndefined();
  });

  it('finds voucher and order numbers by their labels', () => {
    expect(entities('凭证号是000123').voucher).toBe('000123');
    expect(entities('商户订单号: LKL20261120ab01').orderNo).toBe('LKL20261120ab01');
  });

  it.each([
    ['尾号1234', '1234'],
    ['卡号后四位是8823', '8823'],
    ['card ending in 4455', '4455'],
    ['last 4 digits 9012', '9012'],
    ['6226****8223', '8223'],
  ])('card last four from %s', (text, last4) => {
    expect(entities(text).cardLast4).toBe(last4);
  });
});
