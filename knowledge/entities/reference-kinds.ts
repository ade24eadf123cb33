// The kinds of identifier a user quotes, and which one answers "which transaction?" best.

export const REFERENCE_KINDS = [
  /** 参考号 / 系统参考号 on the POS slip: 12 digits. */
  'pos_reference',
  /** 凭证号 / 流水号 on the slip (the terminal's trace number): 6 digits. */
  'voucher',
  /** 批次号 on the slip: 6 digits. */
  'batch',
  /** 终端号 on the slip: 8 characters. */
  'terminal',
  /** 商户号 / 商户编号 on the slip: 15 digits. */
  'merchant',
  /** 授权码 on the slip (card issuer's approval): 6 characters. */
  'auth_code',
  /** Lakala's own transaction number `trade_no`: up to 32 digits, ends in `log_no`. */
  'lakala_trade_no',
  /** Lakala's `log_no`: 14 digits, its last 12 are the 参考号. */
  'lakala_log_no',
  /** WeChat Pay `transaction_id` (交易单号): 28 digits, usually 4200…. */
  'wechat_transaction',
  /** WeChat Pay `refund_id` (退款单号): 28–32 digits, 50…. */
  'wechat_refund',
  /** Alipay `trade_no` (交易号): 28 digits, the date first (2026112022…). */
  'alipay_trade_no',
  /** The merchant's own order number (Lakala's `out_trade_no`): letters, digits, `-`, `_`. */
  'merchant_order',
  /** The merchant's own refund number (Lakala's `out_refund_order_no`): RF…, TK…, or after 退款单号. */
  'merchant_refund',
  /** Our refund application: RA-20261201-0007. */
  'application',
] as const;

export type ReferenceKind = (typeof REFERENCE_KINDS)[number];

export interface Identifier {
  kind: ReferenceKind;
  /** Canonical: separators removed (digits) or kept as the merchant wrote them (order numbers). */
  value: string;
}

/**
 * Which identifier becomes `Entities.reference` when a message has several, most useful first.
 * Our own application knows its whole story; a refund number names the very refund the user asks
 * about, so it beats the order or payment it came from; Lakala's numbers (and the 参考号, which
 * Lakala's refund query takes as `origin_trade_ref_no`) can be looked up directly; a merchant order
 * number only if the merchant's system passed it to Lakala; wallet numbers identify the payment
 * but only the wallet can look them up; the slip's counters and the terminal and merchant numbers
 * narrow the search but never name one transaction.
 */
export const REFERENCE_PRIORITY: readonly ReferenceKind[] = [
  'application',
  'merchant_refund',
  'wechat_refund',
  'lakala_trade_no',
  'lakala_log_no',
  'pos_reference',
  'merchant_order',
  'wechat_transaction',
  'alipay_trade_no',
  'voucher',
  'auth_code',
  'batch',
  'terminal',
  'merchant',
];

/** The most useful of the identifiers found (see REFERENCE_PRIORITY); the earliest among equals. */
export function mostUseful(found: readonly Identifier[]): Identifier | undefined {
  let best: Identifier | undefined;
  for (const id of found) {
    if (!best || REFERENCE_PRIORITY.indexOf(id.kind) < REFERENCE_PRIORITY.indexOf(best.kind)) best = id;
  }
  return best;
}

/** What each kind is called on the slip or in the app, for telling the user which number we need. */
export const KIND_LABELS: Record<ReferenceKind, { zh: string; en: string }> = {
  pos_reference: { zh: '参考号', en: 'reference number' },
  voucher: { zh: '凭证号', en: 'voucher (trace) number' },
  batch: { zh: '批次号', en: 'batch number' },
  terminal: { zh: '终端号', en: 'terminal number' },
  merchant: { zh: '商户号', en: 'merchant number' },
  auth_code: { zh: '授权码', en: 'authorisation code' },
  lakala_trade_no: { zh: '交易流水号', en: 'acquirer trade number' },
  lakala_log_no: { zh: '系统流水号', en: 'acquirer log number' },
  wechat_transaction: { zh: '微信支付交易单号', en: 'WeChat Pay transaction number' },
  wechat_refund: { zh: '微信退款单号', en: 'WeChat refund number' },
  alipay_trade_no: { zh: '支付宝交易号', en: 'Alipay trade number' },
  merchant_order: { zh: '订单号', en: 'order number' },
  merchant_refund: { zh: '退款单号', en: 'refund number' },
  application: { zh: '退款申请编号', en: 'refund application number' },
};

/** Which number to ask for instead, by where the one the user gave comes from. */
export function kindGroup(kind: ReferenceKind): 'slip' | 'wallet' | 'refund' | 'usable' {
  if (['wechat_transaction', 'wechat_refund', 'alipay_trade_no'].includes(kind)) return 'wallet';
  if (['merchant_refund', 'application'].includes(kind)) return 'refund';
  if (['voucher', 'batch', 'terminal', 'merchant', 'auth_code'].includes(kind)) return 'slip';
  return 'usable';
}
