import { describe, expect, it } from 'vitest';
import {
  extractEntities,
  findIdentifiers,
  REFERENCE_KINDS,
  REFERENCE_PRIORITY,
  type ReferenceKind,
} from '../../knowledge/index.js';
import { normalizeKeepCase } from '../../knowledge/text/normalize.js';

const NOW = new Date('2026-11-25T04:00:00Z');
const entities = (text: string) => extractEntities(normalizeKeepCase(text), NOW);

// Per kind: [message, the value expected]. With a keyword, without one where the shape says
// enough, with spaces or dashes inside, in simplified, traditional and English.
const CASES: Record<ReferenceKind, Array<[string, string]>> = {
  pos_reference: [
    ['参考号123456789012的退款还没到', '123456789012'],
    ['參考號：500182736491', '500182736491'],
    ['ref no 3105 1987 5521', '310519875521'],
    ['检索参考号 261123-001122', '261123001122'],
    ['帮我查下318204569912这笔', '318204569912'],
    ['refrence number 2611 2200 0031', '261122000031'],
    ['参考号 135792468024', '135792468024'],
    // consumers call the slip's number 订单号 too: a 12-digit one is the 参考号
    ['订单号 261118004417', '261118004417'],
    // "refund" alone is no keyword: the number is the payment's 参考号
    ['check refund 410293847561', '410293847561'],
    ['status check: refund ref 907612348850', '907612348850'],
    ['check transaction 558102937746', '558102937746'],
  ],
  voucher: [
    ['凭证号 000327 查一下', '000327'],
    ['憑證號：001245', '001245'],
    ['流水号 000982', '000982'],
    ['voucher no. 000327', '000327'],
    ['trace # 004417', '004417'],
    ['小票上面写着 000561', '000561'],
  ],
  batch: [
    ['批次号 000015', '000015'],
    ['批次號：000231', '000231'],
    ['batch no 000044', '000044'],
  ],
  terminal: [
    ['终端号 12345678 退不了', '12345678'],
    ['終端號：K1203456', 'K1203456'],
    ['TID: 63001928', '63001928'],
    ['terminal id 2073 1145', '20731145'],
  ],
  merchant: [
    ['商户号 822581058120017 的结算', '822581058120017'],
    ['merchant ID 822581058120017', '822581058120017'],
    ['商户编号 8225 8105 8120 066', '822581058120066'],
    ['我们店是822581058120055', '822581058120055'],
  ],
  auth_code: [
    ['授权码 081266', '081266'],
    ['授權碼：A3B7K9', 'A3B7K9'],
    ['approval code 09X331', '09X331'],
  ],
  lakala_trade_no: [
    ['拉卡拉交易号 2026111866261118004417', '2026111866261118004417'],
    ['trade_no: 2026112066261120035561', '2026112066261120035561'],
    ['2026112166261121887702 帮我查一下', '2026112166261121887702'],
    ['lakala transaction no 2026 1122 6626 1122 0000 31', '2026112266261122000031'],
  ],
  lakala_log_no: [
    ['log_no 66261118004417', '66261118004417'],
    ['拉卡拉流水号：66 2611 1930 0015', '66261119300015'],
    ['66261121887702 退了吗', '66261121887702'],
    // its Luhn digit happens to hold, but no card of 14 digits starts 66
    ['66261118004414 查一下', '66261118004414'],
  ],
  wechat_transaction: [
    ['微信支付单号 4200002718202611183341557206', '4200002718202611183341557206'],
    ['交易单号：4200 0027 1820 2611 2011 2233 4455', '4200002718202611201122334455'],
    ['4200001934202611190076543210 这笔', '4200001934202611190076543210'],
    ['transaction_id=4200002718202611224455667788', '4200002718202611224455667788'],
  ],
  wechat_refund: [
    ['微信退款单号 50300905302026111807865789331', '50300905302026111807865789331'],
    ['refund_id 50301006012026112008123456781', '50301006012026112008123456781'],
    ['50000408942026111907145868882 退款到哪了', '50000408942026111907145868882'],
    ['退款单号：50300605882026112100112233445', '50300605882026112100112233445'],
  ],
  alipay_trade_no: [
    ['支付宝交易号 2026111822001412345678901234', '2026111822001412345678901234'],
    ['支付寶交易號：2026112022001455667788990011', '2026112022001455667788990011'],
    ['2026112122001498765432109876 退款没到', '2026112122001498765432109876'],
    // an Alipay bill calls it 订单号
    ['订单号 2026111722001411223344556677', '2026111722001411223344556677'],
  ],
  merchant_order: [
    ['订单号LKL202611200001退款', 'LKL202611200001'],
    ['order 88230019944', '88230019944'],
    ['#A19928340 still not refunded', 'A19928340'],
    ['商户订单号：SH-20261119-0088', 'SH-20261119-0088'],
    ['單號 WX2026112000553', 'WX2026112000553'],
    ['LKL202611210000031 查下退款', 'LKL202611210000031'],
    ['ref PO-99812', 'PO-99812'],
  ],
  merchant_refund: [
    ['RF88231045 这个退款到哪了', 'RF88231045'],
    ['退款单号 TK20261118003', 'TK20261118003'],
    ['refund no. R-20261119-17', 'R-20261119-17'],
    ['退款編號是 20261121-0088', '20261121-0088'],
  ],
  application: [
    ['申请号 RA-20261120-0007 审核到哪了', 'RA-20261120-0007'],
    ['RA-20261118-0031 进度呢', 'RA-20261118-0031'],
    ['我的退款申请 ra-20261121-0102', 'RA-20261121-0102'],
    ['退款申请号 RA 2026 1124 0003', 'RA-2026-1124-0003'],
  ],
};

describe('every kind of identifier, with and without a keyword', () => {
  it('covers every kind', () => {
    expect(Object.keys(CASES).sort()).toEqual([...REFERENCE_KINDS].sort());
    expect([...REFERENCE_PRIORITY].sort()).toEqual([...REFERENCE_KINDS].sort());
  });

  const rows = Object.entries(CASES).flatMap(([kind, cases]) =>
    cases.map(([text, value]) => ({ kind, text, value })),
  );
  it.each(rows)('$kind ← $text', ({ kind, text, value }) => {
    const e = entities(text);
    expect({ reference: e.reference, referenceKind: e.referenceKind }).toEqual({
      reference: value,
      referenceKind: kind,
    });
    expect(e.identifiers).toEqual([{ kind, value }]);
  });

  it('copes with ideographic and no-break spaces, full-width digits and long dashes', () => {
    expect(entities('参考号\u3000２６１１\u00a01800\u20134417').reference).toBe('261118004417');
    expect(extractEntities('参考号\u3000２６１１\u00a01800 4417', NOW).reference).toBe('261118004417');
    expect(extractEntities('訂單號：LKL202611200001', NOW).orderNo).toBe('LKL202611200001');
  });
});

describe('the most useful identifier is the reference; all of them are listed', () => {
  it.each([
    ['订单号 LKL2026111800004417，退款单号 RF2026111800004417', 'merchant_refund', 'RF2026111800004417'],
    ['凭证号 000327，参考号 261118004417', 'pos_reference', '261118004417'],
    ['商户号 822581058120033 终端号 88012345 凭证号 000451', 'voucher', '000451'],
    ['申请号 RA-20261120-0007，订单号 SH-20261119-0088', 'application', 'RA-20261120-0007'],
    ['参考号 261118004417 拉卡拉交易号 2026111866261118004417', 'lakala_trade_no', '2026111866261118004417'],
    [
      '微信支付单号 4200002718202611183341557206 微信退款单号 50300905302026111807865789331',
      'wechat_refund',
      '50300905302026111807865789331',
    ],
    ['merchant no 822581058120044, terminal 63001928, batch 000017', 'batch', '000017'],
    ['授权码 081266 凭证号 000982', 'voucher', '000982'],
  ])('%s → %s', (text, kind, value) => {
    const e = entities(text);
    expect(e.referenceKind).toBe(kind);
    expect(e.reference).toBe(value);
    expect(e.identifiers?.length).toBeGreaterThan(1);
  });

  it('lists every identifier in order, each once', () => {
    expect(findIdentifiers('商户号 822581058120033 终端号 88012345 凭证号 000451 凭证号 000451')).toEqual([
      { kind: 'merchant', value: '822581058120033' },
      { kind: 'terminal', value: '88012345' },
      { kind: 'voucher', value: '000451' },
    ]);
  });

  it('reads a pasted slip field by field', () => {
    const slip =
      '商户名称(MERCHANT NAME):某某便利店 商户编号(MERCHANT NO):822581058120017 终端编号(TERMINAL NO):88012345 ' +
      '卡号(CARD NO):622202******1234 批次号(BATCH NO):000015 凭证号(VOUCHER NO):000327 授权码(AUTH NO):081266 ' +
      '日期/时间(DATE/TIME):2026/11/18 14:22:31 参考号(REFER NO):261118004417 金额(AMOUNT):RMB 88.00';
    const e = entities(slip);
    expect(e.identifiers).toEqual([
      { kind: 'merchant', value: '822581058120017' },
      { kind: 'terminal', value: '88012345' },
      { kind: 'batch', value: '000015' },
      { kind: 'voucher', value: '000327' },
      { kind: 'auth_code', value: '081266' },
      { kind: 'pos_reference', value: '261118004417' },
    ]);
    expect(e).toMatchObject({ reference: '261118004417', referenceKind: 'pos_reference', cardLast4: '1234' });
    expect(e.amount?.fen).toBe(8800);
    expect(e.date).toBe('2026-11-18');
  });

  it('gives no reference kind without a reference', () => {
    const e = entities('退款失败');
    expect(e.reference).toBeUndefined();
    expect(e.referenceKind).toBeUndefined();
    expect(e.identifiers).toBeUndefined();
  });
});

describe('phones, cards, amounts, dates, times and words are no identifier', () => {
  it.each([
    ['a phone', '我手机号 13812345678'],
    ['a phone, 3-4-4', '打我电话 139 1234 5678'],
    ['a phone with +86', '+86 158-0000-1111 有事联系'],
    ['a phone with 86', 'call me on 86 13912345678'],
    ['two phones', '13812345678 和 13912345678'],
    ['a card', '卡号6222021234567890123'],
    ['a card, grouped 4-4-4-4-3', '卡号 6217 0012 3456 7890 123 退款'],
    ['a card, grouped 4-4-4-4, after 参考号', '参考号 6222 0212 3456 7898'],
    ['a card, 6+10', '银行卡 622202 1234567890'],
    ['a Visa test card', 'card 4111 1111 1111 1111'],
    ['a masked card', '6226****8223'],
    ['an identity card', '身份证 110101199003077777'],
    ['a 14-digit Diners card', '36000000000008'],
    ['an amount', '¥1,288.00 还没到账'],
    ['an amount without a mark', '退了300000，没到账'],
    ['an amount after refund', 'refund 2000 yuan'],
    ['a percentage', '手续费0.6%'],
    ['a count', '退了3次都失败'],
    ['a range of days', '1-3个工作日到账吗'],
    ['a date', '2026-11-20 15:30 刷的'],
    ['a date as 8 digits', '20261120 那天刷的'],
    ['a timestamp', '20261120153012 是交易时间'],
    ['a time', '下午15:30:12 刷的'],
    ['a year', '2025年买的机器'],
    ['a keyword alone', '订单号呢？我找不到'],
    ['order as a word', 'in order to refund do I need the slip'],
    ['a short number after #', 'order #1 and #2 were both refunded'],
    ['a train', '12306 退票'],
    ['a product', 'iPhone15 退货'],
    ['an SMS code', '验证码 482913'],
    ['a postcode', '邮编 200120'],
    ['a QQ number', 'QQ 1234567890'],
    ['a WeChat id', '微信号 wxid_abc12345 加我'],
    ['an e-mail address', '邮箱 refund2026112@qq.com'],
    ['a web address', 'lakala.com/m/LKL202611200001'],
    ['a currency code', 'RMB100 refund'],
    ['a refund of an amount', '退款 2000 元'],
    ["somebody else's application number", 'application 55813'],
  ])('%s: %s', (_what, text) => {
    const e = entities(text);
    expect(e.reference).toBeUndefined();
    expect(e.identifiers).toBeUndefined();
  });
});
