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
    // no currency mark, but a word of paying or refunding before the number
    ['买了520的东西', 52000],
    ['退了两百五', 25000],
    ['花了一千二', 120000],
    ['paid 1.2k', 120000],
    ['¥1,299.00', 129900],
    ['两百五十块', 25000],
    ['金额：1,299', 129900],
    ['refund of 260', 26000],
    ['收了八百八', 88000],
    ['the refund is 1.5w', 1500000],
  ])('%s → %i fen', (text, fen) => {
    expect(findAmount(text.toLowerCase())?.fen).toBe(fen);
  });

  it.each([
    '退了3次',
    '15:30 退的',
    '参考号123456789012',
    '万元户',
    '已经3天了',
    // unmarked numbers without a word of paying: a count, a duration, a code, a year
    '一千二',
    '520',
    '退了3单',
    '退了一半',
    '退款退了两遍',
    '刷了2笔',
    '退了50%',
    '付了 3 天了',
    'paid 2 days ago',
    'refunded 3 times',
    '退了 12345678',
    '刷了2025年的卡',
    '退款需要1-3个工作日',
    '邮箱 refund2026112@qq.com',
    'we only refunded 2',
  ])('%s has no amount', (text) => {
    expect(findAmount(text)).toBeUndefined();
  });

  it('knows dollars from yuan', () => {
    expect(findAmount('$20')?.currency).toBe('USD');
    expect(findAmount('20元')?.currency).toBe('CNY');
  });
});

describe('elapsed days, a duration and never a date', () => {
  it.each([
    ['三天了', 3],
    ['已经3天了还没到', 3],
    ['等了两周', 14],
    ['一个星期了还没到', 7],
    ['一个多星期了', 7],
    ['半个月了', 15],
    ['两个月了', 60],
    ["it's been 3 days", 3],
    ['it has been 5 days', 5],
    ['been waiting for over a week', 7],
    ['waited 10 days', 10],
    ['4 days now and nothing', 4],
  ])('%s → %i days', (text, days) => {
    const e = entities(text);
    expect(e.elapsedDays).toBe(days);
    expect(e.date).toBeUndefined();
  });

  it.each([
    '3天前',
    '30天内可以退吗',
    '1-3个工作日',
    '都11月了',
    '半天了',
    'refund within 30 days?',
    '3 days ago',
  ])('%s is no elapsed time', (text) => {
    expect(entities(text).elapsedDays).toBeUndefined();
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
    ['11.05退的', '2026-11-05'],
    ['11/5 退的', '2026-11-05'],
    ['上上周五', '2026-11-13'],
    ['上上个星期五', '2026-11-13'],
    ['前天下午', '2026-11-23'],
    // a part of a month is the start of the span; with no month named, the latest one begun
    ['月初', '2026-11-01'],
    ['这个月初', '2026-11-01'],
    ['上个月初', '2026-10-01'],
    ['11月初', '2026-11-01'],
    ['月中', '2026-11-15'],
    ['月底', '2026-10-31'],
    ['上个月底', '2026-10-31'],
    ['beginning of the month', '2026-11-01'],
    ['end of last month', '2026-10-31'],
    ['a week ago', '2026-11-18'],
    ['two weeks ago', '2026-11-11'],
    ['一周前', '2026-11-18'],
    ['两个星期前', '2026-11-11'],
    ['半个月前', '2026-11-10'],
    ['一个月前', '2026-10-25'],
    // the most recent such day on or before today
    ['the 3rd', '2026-11-03'],
    ['on the 25th', '2026-11-25'],
    ['the 28th', '2026-10-28'],
    ['the 20th of November', '2026-11-20'],
  ])('%s → %s', (text, date) => {
    const found = findDate(text, today);
    expect(found && formatDate(found.date)).toBe(date);
  });

  it.each([
    '11.20元',
    '9.9变成99',
    '费率0.35',
    '15:30',
    '2025年',
    '1-3个工作日',
    '三天了',
    "it's been 3 days",
    '1.2k',
    '都11月了',
  ])('%s is not a date', (text) => {
    expect(findDate(text, today)).toBeUndefined();
  });

  it('reads no date inside an identifier or an amount', () => {
    expect(entities('Order #SO-2026-11-0457 was charged twice').date).toBeUndefined();
    expect(entities('paid 5.5')).toEqual({ amount: { fen: 550, currency: 'CNY', text: 'paid 5.5' } });
    expect(entities('11.20退的11.20元')).toMatchObject({ date: '2026-11-20', amount: { fen: 1120 } });
  });

  it('uses the Shanghai calendar day, not UTC', () => {
    // 2026-11-24 17:30 UTC is already the 25th in Shanghai
    const e = extractEntities('今天', new Date('2026-11-24T17:30:00Z'));
    expect(e.date).toBe('2026-11-25');
  });
});

describe('identifiers (the kinds are in entities-references.test.ts)', () => {
  it('keeps voucher and orderNo beside the reference', () => {
    expect(entities('凭证号是000123').voucher).toBe('000123');
    expect(entities('商户订单号: LKL20261120ab01').orderNo).toBe('LKL20261120ab01');
    const both = entities('凭证号 000327，参考号 670012349981');
    expect(both).toMatchObject({
      reference: '670012349981',
      referenceKind: 'pos_reference',
      voucher: '000327',
    });
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
