// The words users put before an identifier, in simplified and traditional Chinese and English
// (the normaliser turns traditional into simplified; the traditional forms are here so a caller
// that skips it still gets the numbers). Each rule lists the kinds its value may be, in order.
import type { ReferenceKind } from './reference-kinds.js';

export interface KeywordRule {
  /** The keyword alone, as a regex source (case-insensitive). */
  keyword: string;
  kinds: readonly ReferenceKind[];
  /**
   * Let a distinctive shape overrule `kinds`, for keywords people use loosely (订单号 for any
   * number on a receipt): 'all' — a 12-digit number is the 参考号, a 14-digit one the log_no, a
   * 28-digit 4200… WeChat's; 'long' — only the 20–32-digit wallet and Lakala numbers (a refund
   * number such as 20261121-0088 is the merchant's, even with 12 digits).
   */
  overrides?: 'all' | 'long';
}

// "refund" alone is no keyword: "check refund 410293847561" quotes the payment's 参考号
const EN_NO = String.raw`(?:\s*(?:no\.?|nr\.?|number|num|id|code|#))?`;
const en = (words: string) => String.raw`\b(?:${words})${EN_NO}(?![a-z])`;

export const KEYWORD_RULES: readonly KeywordRule[] = [
  {
    keyword: `退款申请号|退款申请单号|申请单号|申请编号|申请号|申請單號|申請編號|申請號|${en('application|refund application')}`,
    kinds: ['application'],
  },
  {
    keyword: String.raw`微信退款单号|微信退款号|微信退款單號|\brefund_id\b|${en('wechat refund|wechat pay refund|weixin refund')}`,
    kinds: ['wechat_refund'],
    overrides: 'all',
  },
  {
    keyword: String.raw`微信支付订单号|微信支付单号|微信交易单号|微信订单号|微信单号|微信支付單號|微信交易單號|微信訂單號|\btransaction_id\b|${en('wechat pay transaction|wechat transaction|wechat pay order|wechat order|wechat pay|weixin transaction')}`,
    kinds: ['wechat_transaction'],
    overrides: 'all',
  },
  {
    keyword: `支付宝交易号|支付宝交易单号|支付宝订单号|支付宝单号|支付寶交易號|支付寶訂單號|${en('alipay trade|alipay transaction|alipay order|alipay')}`,
    kinds: ['alipay_trade_no'],
    overrides: 'all',
  },
  {
    keyword: String.raw`拉卡拉交易号|拉卡拉交易单号|拉卡拉订单号|拉卡拉单号|拉卡拉交易號|拉卡拉訂單號|交易流水号|交易单号|交易号|交易單號|交易號|\btrade_no\b|${en('lakala trade|lakala transaction|lakala order|trade|transaction')}`,
    kinds: ['lakala_trade_no', 'lakala_log_no', 'pos_reference'],
    overrides: 'all',
  },
  {
    keyword: String.raw`拉卡拉流水号|系统流水号|拉卡拉流水號|系統流水號|\blog_no\b|${en('log|lakala log')}`,
    kinds: ['lakala_log_no', 'lakala_trade_no'],
  },
  {
    keyword: String.raw`商户退款单号|商家退款单号|退款订单号|退款单号|退款编号|退款号|退款单|退款單號|退款編號|退貨單號|退货单号|\bout_refund_(?:order_)?no\b|\brefund\s*(?:order\s*)?(?:no\.?|nr\.?|number|num|id|#)(?![a-z])`,
    kinds: ['merchant_refund'],
    overrides: 'long',
  },
  {
    keyword: String.raw`商户订单号|商家订单号|商户单号|商家单号|订单编号|订单号码|订单号|订单|訂單編號|訂單號|訂單|單號|单号|\bout_trade_no\b|${en('merchant order|order')}`,
    kinds: ['pos_reference', 'merchant_order'],
    overrides: 'all',
  },
  {
    keyword: String.raw`系统参考号|检索参考号|参考编号|参考号|系統參考號|檢索參考號|參考編號|參考號|\brrn\b|${en('ref|refer|reference|retrieval reference')}`,
    kinds: ['pos_reference', 'merchant_order'],
    overrides: 'all',
  },
  { keyword: '#', kinds: ['pos_reference', 'merchant_order'], overrides: 'all' },
  {
    keyword: `凭证编号|凭证号|凭证|凭条号|票据号|憑證編號|憑證號|憑證|${en('voucher|trace|stan')}`,
    kinds: ['voucher'],
  },
  { keyword: '流水号|流水號|流水', kinds: ['voucher', 'lakala_log_no', 'lakala_trade_no'] },
  { keyword: `批次号|批次號|批次|批号|${en('batch')}`, kinds: ['batch'] },
  {
    keyword: String.raw`终端编号|终端编码|终端号|终端|終端編號|終端號|終端|机器号|\bterm_no\b|\bterminal_id\b|${en('terminal|tid')}`,
    kinds: ['terminal'],
  },
  {
    keyword: String.raw`商户编号|商户编码|商户代码|商户号|商戶編號|商戶號|\bmerchant_no\b|${en('merchant|mid')}`,
    kinds: ['merchant'],
  },
  {
    keyword: String.raw`授权码|授权号|授權碼|授權號|\bauth(?:orization)?\s*(?:code|no\.?|number|#)(?![a-z])|\bapproval\s*code\b`,
    kinds: ['auth_code'],
  },
];
