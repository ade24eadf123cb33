import { z } from 'zod';

// Our own words for a payment and its refunds, whatever the acquirer calls them. Amounts are fen
// (integers); times are ISO 8601 with their zone (+08:00 for the acquirer's clock); card numbers
// are only ever masked.

export const PAYMENT_METHODS = ['debit_card', 'credit_card', 'unionpay_qr', 'wechat', 'alipay'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

const isoWithZone = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$/, 'an ISO time with its zone');
const fen = z.number().int().nonnegative();
const masked = z.string().regex(/^\d{4,6}\*{4}\d{4}$/, 'a masked card number such as 6226****8223');

export const transactionSchema = z.object({
  /** 系统参考号: 12 digits, printed on the slip. */
  reference: z.string().regex(/^\d{12}$/),
  /** 凭证号 (voucher / trace number): 6 digits. */
  voucherNo: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
  /** The acquirer's own trade number. */
  tradeNo: z.string().min(1),
  /** The merchant's order number, for QR and online orders. */
  orderNo: z.string().min(1).optional(),
  merchantNo: z.string().min(1),
  merchantName: z.string().optional(),
  termNo: z.string().min(1),
  amountFen: fen,
  /** Total refunded or voided so far. */
  refundedFen: fen,
  method: z.enum(PAYMENT_METHODS),
  /** For wallet payments: what funded it. */
  funding: z.enum(['balance', 'card', 'credit']).optional(),
  cardMasked: masked.optional(),
  status: z.enum(['succeeded', 'failed', 'processing', 'closed', 'voided', 'refunded', 'partially_refunded']),
  tradeTime: isoWithZone,
});
export type Transaction = z.infer<typeof transactionSchema>;

export const refundSchema = z.object({
  /** The refund's own id at the acquirer (out_refund_order_no). */
  refundNo: z.string().min(1),
  /** The refund's own 参考号 when it has one (bank-card refunds do). */
  reference: z
    .string()
    .regex(/^\d{12}$/)
    .optional(),
  originReference: z.string().regex(/^\d{12}$/),
  kind: z.enum(['refund', 'void']),
  amountFen: fen,
  status: z.enum(['processing', 'succeeded', 'failed']),
  /** Why it failed, in the acquirer's words (e.g. the card account is closed). */
  failureReason: z.string().optional(),
  requestedAt: isoWithZone,
  completedAt: isoWithZone.optional(),
  /** The merchant's settlement day the amount is deducted from (YYYY-MM-DD), where the acquirer says. */
  settlementDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
});
export type Refund = z.infer<typeof refundSchema>;

export interface TransactionQuery {
  reference?: string;
  voucherNo?: string;
  orderNo?: string;
  tradeNo?: string;
  /** Narrowing: a merchant sees only its own. */
  merchantNo?: string;
  termNo?: string;
  /** YYYY-MM-DD of the sale. */
  date?: string;
  amountFen?: number;
}

/**
 * The answer of a gateway call: found, not there, or no answer we can trust (down, slow, malformed,
 * unverifiable). "unavailable" is never turned into "not found": the user hears the difference.
 */
export type GatewayResult<T> =
  | { outcome: 'found'; value: T }
  | { outcome: 'not_found' }
  | { outcome: 'unavailable'; reason: string };

export interface RefundRequest {
  /** Our id for this refund (derived from an application number): ≤ 32 letters and digits. */
  outRefundNo: string;
  /** The payment as findTransaction returned it. */
  transaction: Transaction;
  /** More than zero, no more than what remains. */
  amountFen: number;
  reason?: string;
}

/**
 * `accepted`: the acquirer has the refund (processing or done). `refused`: a definitive business
 * answer, not worth retrying. `unavailable`: we do not know whether it happened — ask with
 * getRefund(outRefundNo) before sending again.
 */
export type RefundResult =
  | { outcome: 'accepted'; value: Refund }
  | {
      outcome: 'refused';
      code: 'exceeds_remaining' | 'not_refundable' | 'not_found' | 'invalid';
      message: string;
    }
  | { outcome: 'unavailable'; reason: string };

/** One interface for every acquirer and wallet: the Lakala connector, the sandbox, others later. */
export interface PaymentGateway {
  readonly name: string;
  findTransaction(query: TransactionQuery): Promise<GatewayResult<Transaction>>;
  getRefund(refundNo: string, scope: { merchantNo: string; termNo: string }): Promise<GatewayResult<Refund>>;
  /** Refunds and voids of one transaction, oldest first. */
  listRefunds(transaction: Transaction): Promise<GatewayResult<Refund[]>>;
  /**
   * Refunds by the original payment path. Idempotent on `outRefundNo`: sent again (after a
   * timeout, a retry, a crash) it is the same refund and no money moves twice; the same id with
   * another amount is refused (`invalid`). getRefund(outRefundNo) finds it, listRefunds lists it.
   */
  refund(request: RefundRequest): Promise<RefundResult>;
}
