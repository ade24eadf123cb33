import { z } from 'zod';

// Lakala Open Platform v3 messages, as its public SDKs define them (field names verbatim). Only
// what we read is declared; everything else passes through untouched. See integrations/lakala/
// README.md for what public sources do not settle and how this connector reads it.

export const PATHS = {
  tradeQuery: '/api/v3/labs/query/tradequery',
  refundQuery: '/api/v3/lams/trade/trade_refund_query',
  idmRefundQuery: '/api/v3/labs/query/idmrefundquery',
  refund: '/api/v3/labs/relation/refund',
} as const;

/**
 * Business answers of the refund call that are final (not worth retrying). Public sources name no
 * codes for these; the sandbox uses these and the connector maps them (README).
 */
export const REFUND_CODES = {
  duplicate: 'BBS11112',
  exceedsRemaining: 'BBS11107',
  notRefundable: 'BBS11105',
  invalid: 'BBS11000',
} as const;

/** Success: "BBS00000" for the labs endpoints, "000000" for lams. */
export const SUCCESS = { labs: 'BBS00000', lams: '000000' } as const;
/** What this connector and the sandbox use for "no such trade" (public sources give no code). */
export const NOT_FOUND_CODE = 'BBS11106';
export const NOT_FOUND_CODE_LAMS = '710051';

export interface Envelope<T> {
  req_time: string;
  version: '3.0';
  req_data: T;
}

const shanghai = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** yyyyMMddHHmmss in Beijing time, as Lakala stamps every message. */
export function lakalaTime(d: Date): string {
  const p = Object.fromEntries(shanghai.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.year}${p.month}${p.day}${p.hour}${p.minute}${p.second}`;
}

/** yyyyMMddHHmmss (Beijing) → ISO 8601 with +08:00. */
export function isoFromLakala(s: string): string {
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(8, 10)}:${s.slice(10, 12)}:${s.slice(12, 14)}+08:00`;
}

export function envelope<T>(data: T, now: Date): Envelope<T> {
  return { req_time: lakalaTime(now), version: '3.0', req_data: data };
}

const digits = z.string().regex(/^\d+$/);
const stamp = z.string().regex(/^\d{14}$/, 'yyyyMMddHHmmss');

export const responseEnvelope = z.object({
  code: z.string(),
  msg: z.string().optional().default(''),
  resp_time: z.string().optional(),
  resp_data: z.unknown().optional(),
});

export interface TradeQueryRequest {
  merchant_no: string;
  term_no: string;
  out_trade_no?: string;
  trade_no?: string;
}

export const TRADE_STATES = [
  'INIT',
  'CREATE',
  'SUCCESS',
  'FAIL',
  'DEAL',
  'UNKNOWN',
  'CLOSE',
  'PART_REFUND',
  'REFUND',
] as const;

export const tradeQueryResponse = z
  .object({
    merchant_no: z.string().min(1),
    merchant_name: z.string().optional(),
    out_trade_no: z.string().optional(),
    trade_no: z.string().min(1),
    log_no: digits,
    acc_trade_no: z.string().optional(),
    /** WECHAT, ALIPAY, UQRCODEPAY …; empty for a bank-card trade */
    account_type: z.string().optional().default(''),
    trade_state: z.enum(TRADE_STATES),
    trade_state_desc: z.string().optional(),
    total_amount: digits,
    payer_amount: z.string().optional(),
    trade_time: stamp,
    settle_term_no: z.string().optional(),
    /** 00 debit, 01 credit, 02 WeChat balance, 03 Huabei, 04 Alipay other … */
    card_type: z.string().optional(),
    bank_type: z.string().optional(),
    /** masked payer account (card number for card trades) */
    user_id1: z.string().optional(),
  })
  .passthrough();
export type TradeQueryResponse = z.infer<typeof tradeQueryResponse>;

export interface RefundQueryRequest {
  merchant_no: string;
  term_no: string;
  /** a fresh serial for this query */
  out_trade_no: string;
  origin_trade_date: string;
  /** 1 bank card, 2 foreign card, 3 scan, 4 online */
  origin_biz_type: '1' | '2' | '3' | '4';
  origin_trade_ref_no?: string;
  origin_out_trade_no?: string;
}

export const refundItem = z
  .object({
    out_trade_no: z.string().min(1),
    trade_time: stamp,
    trade_state: z.string(),
    trade_state_desc: z.string().optional(),
    trade_no: z.string().optional(),
    log_no: digits,
    refund_amount: digits,
    /** REFUND or CANCEL (a void) */
    trade_main_type: z.string().optional(),
    crd_no: z.string().optional(),
  })
  .passthrough();
export const refundQueryResponse = z.object({ refund_list: z.array(refundItem) }).passthrough();
export type RefundItem = z.infer<typeof refundItem>;

export interface IdmRefundQueryRequest {
  merchant_no: string;
  term_no: string;
  out_refund_order_no: string;
}

export const idmRefundQueryResponse = z
  .object({
    merchant_no: z.string().optional(),
    out_refund_order_no: z.string().optional(),
    trade_no: z.string().optional(),
    log_no: digits,
    trade_state: z.string(),
    trade_state_desc: z.string().optional(),
    refund_amount: digits.optional(),
    payer_amount: digits.optional(),
    total_amount: digits.optional(),
    trade_time: stamp,
    origin_log_no: z.string().optional(),
  })
  .passthrough();
export type IdmRefundQueryResponse = z.infer<typeof idmRefundQueryResponse>;

/** 退款 (labs/relation/refund): our refund id in out_trade_no, the original by its trade_no / log_no. */
export interface RefundRequestData {
  merchant_no: string;
  term_no: string;
  out_trade_no: string;
  refund_amount: string;
  origin_trade_no?: string;
  origin_log_no?: string;
  refund_reason?: string;
  location_info: { request_ip: string };
}

export const refundResponse = z
  .object({
    out_trade_no: z.string(),
    trade_no: z.string().optional(),
    log_no: digits,
    trade_state: z.string().optional(),
    refund_amount: digits,
    trade_time: stamp.optional(),
  })
  .passthrough();
