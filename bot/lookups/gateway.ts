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

/** One interface for every acquirer and wallet: the Lakala connector, the sandbox, others later. */
export interface PaymentGateway {
  readonly name: string;
  findTransaction(query: TransactionQuery): Promise<GatewayResult<Transaction>>;
  getRefund(refundNo: string, scope: { merchantNo: string; termNo: string }): Promise<GatewayResult<Refund>>;
  /** Refunds and voids of one transaction, oldest first. */
  listRefunds(transaction: Transaction): Promise<GatewayResult<Refund[]>>;
}
