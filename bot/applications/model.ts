import { z } from 'zod';
import { attachmentSchema } from '../../contracts/messages.js';
import { LANGS } from '../../knowledge/index.js';
import { PAYMENT_METHODS } from '../lookups/gateway.js';

// A merchant's refund application, from the guide's process: 申请提交（理由、证明材料）→ 系统初步审核
// → 审核 → 按原支付路径退还. Amounts are fen; times ISO 8601; card, ID and phone numbers only masked.

/** The states an operator's tools see (`cli applications show --json` keeps these names stable). */
export const APPLICATION_STATUSES = [
  'submitted',
  'in_review',
  'approved',
  'rejected',
  'executed',
  'failed',
] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

/** No decision can change these any more. */
export const DECIDED: ReadonlySet<ApplicationStatus> = new Set([
  'approved',
  'rejected',
  'executed',
  'failed',
]);

/** RA-YYYYMMDD-NNNN, the day in China: read out on the phone, so short and unambiguous. */
export const APPLICATION_NUMBER = /^RA-\d{8}-\d{4,}$/;

export const precheckResultSchema = z.object({
  /** A rule's id from knowledge/applications.yml (window, amount, duplicate, proof, …). */
  rule: z.string(),
  ok: z.boolean(),
  /** What the rule found, in the application's language (shown to reviewers and the merchant). */
  detail: z.string(),
});
export type PrecheckResult = z.infer<typeof precheckResultSchema>;

export const approvalSchema = z.object({ reviewer: z.string(), name: z.string().optional(), at: z.string() });

export const applicationSchema = z.object({
  number: z.string().regex(APPLICATION_NUMBER),
  /** Changes with every amendment (a new amount after submitting): reviewers see each version. */
  version: z.number().int().positive(),
  status: z.enum(APPLICATION_STATUSES),
  merchantNo: z.string().min(1),
  termNo: z.string().min(1),
  merchantName: z.string().optional(),
  /** The original payment's 系统参考号. */
  reference: z.string().regex(/^\d{12}$/),
  method: z.enum(PAYMENT_METHODS),
  cardMasked: z.string().optional(),
  tradeTime: z.string(),
  originalAmountFen: z.number().int().positive(),
  /** Refunded or voided before this application, as the acquirer said when it was submitted. */
  refundedBeforeFen: z.number().int().nonnegative(),
  amountFen: z.number().int().positive(),
  reason: z.string().min(1),
  /** The merchant's own words, masked. */
  reasonText: z.string().optional(),
  proof: z.array(attachmentSchema),
  /** How to reach the merchant, masked (the merchant number identifies them to the acquirer). */
  contact: z.string().optional(),
  lang: z.enum(LANGS),
  channel: z.string(),
  conversationId: z.string(),
  precheck: z.array(precheckResultSchema),
  /** Approvals so far (two different reviewers above the four-eyes amount). */
  approvals: z.array(approvalSchema),
  /** A question from a reviewer the merchant has not answered yet. */
  question: z.string().optional(),
  /** Set once decided: who, and for a rejection why. */
  decidedBy: z.string().optional(),
  decidedAt: z.string().optional(),
  rejectReason: z.string().optional(),
  /** Our id for the acquirer's refund, derived from the number: the same on every retry. */
  outRefundNo: z.string(),
  /** What the acquirer executed, once it has. */
  refund: z
    .object({
      refundNo: z.string(),
      reference: z.string().optional(),
      amountFen: z.number().int().nonnegative(),
      status: z.enum(['processing', 'succeeded', 'failed']),
      at: z.string(),
      /** The settlement day the amount is deducted from (YYYY-MM-DD), where the acquirer says. */
      settlementDate: z.string().optional(),
      failureReason: z.string().optional(),
    })
    .optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Application = z.infer<typeof applicationSchema>;

export const EVENT_KINDS = [
  'submitted',
  'prechecked',
  'in_review',
  'amended',
  'approval_recorded',
  'approved',
  'rejected',
  'info_requested',
  'info_given',
  'execution_started',
  'execution_retry',
  'executed',
  'failed',
  'denied',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** One line of an application's timeline: appended, never changed. */
export const applicationEventSchema = z.object({
  application: z.string(),
  /** 1, 2, 3 … within the application. */
  seq: z.number().int().positive(),
  at: z.string(),
  kind: z.enum(EVENT_KINDS),
  /** merchant, reviewer, system, operator */
  role: z.string(),
  /** A Slack user id, an operator's name; absent for the system. */
  actor: z.string().optional(),
  /** What changed (the new amount, the reason, the question, the acquirer's answer), masked. */
  data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
});
export type ApplicationEvent = z.infer<typeof applicationEventSchema>;

/** The execution job of an approved application (the outbox): executed at least once. */
export interface RefundJob {
  application: string;
  attempts: number;
  /** Not before (ISO). */
  runAt: string;
  lastError?: string;
}

/** The acquirer's refund id for an application: stable, unique, ≤ 32 letters and digits. */
export function outRefundNoOf(number: string): string {
  return number.replace(/-/g, '');
}
