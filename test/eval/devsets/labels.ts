// How the public sources' labels map onto our intent ids. The table is ours (the sentences are not,
// and never enter the repository: build.ts reads them from DEVSETS_SOURCE_DIR).
import type { IntentId } from '../../../knowledge/index.js';

/**
 * A source label's meaning for us: `intent` is the label we score exact accuracy against; `accept`
 * lists other intents that are also a right answer (a bank customer's "I want a refund" is a fair
 * how_to_refund, refund_policy or status question); `exclude` means "could honestly be either side",
 * so it is measured nowhere rather than argued about.
 */
export type LabelRule = { intent: IntentId; accept?: IntentId[] } | { exclude: string };

/** Intents that answer "getting money back for a payment at a merchant". */
export const REFUND_INTENTS: readonly IntentId[] = [
  'refund_not_received',
  'refund_wrong_amount',
  'refund_failed',
  'required_documents',
  'how_to_refund',
  'void_vs_refund',
  'refund_policy',
  'refund_status_lookup',
];

const OOS: LabelRule = { intent: 'out_of_scope' };

/**
 * BANKING77 (train split only). Two labels are refund questions; six are about a card payment at
 * a merchant whose right reading depends on what happened (a reversal may be a void; a double
 * charge may become a refund or a dispute with the issuer): excluded. Every other label is the
 * bank's own business — card delivery, top-ups, PINs, exchange rates, transfers, cash machines,
 * identity checks — and so out of scope: the questions a refund assistant must not answer.
 */
export const BANKING77: Record<string, LabelRule> = {
  request_refund: { intent: 'how_to_refund', accept: [...REFUND_INTENTS] },
  Refund_not_showing_up: { intent: 'refund_not_received', accept: ['refund_status_lookup'] },
  'reverted_card_payment?': { exclude: 'a reverted payment may be a void or a decline' },
  transaction_charged_twice: { exclude: 'a duplicate charge: refund, void or issuer dispute' },
  pending_card_payment: { exclude: 'a pending payment: transaction status or the issuer' },
  card_payment_not_recognised: { exclude: 'an unknown charge: transaction look-up or fraud' },
  extra_charge_on_statement: { exclude: 'an extra charge: refund or issuer' },
  direct_debit_payment_not_recognised: { exclude: 'direct debit, close to an unknown charge' },
};
export const BANKING77_DEFAULT: LabelRule = OOS;

/**
 * CLINC150: only the banking and credit_cards domains (every intent there is the bank's or the
 * issuer's: balances, transfers, PINs, limits, APR, card replacement) and its out-of-scope set.
 * All out of scope for us.
 */
export const CLINC150_DOMAINS = ['banking', 'credit_cards'] as const;

/**
 * HWU64: a home assistant's requests, far from our domain; out of scope. Its general_* intents are
 * chit-chat that may honestly be our greeting/thanks/goodbye ("thank you", "ok bye"): excluded, as
 * are the single-word replies that carry no domain.
 */
export function hwu64Rule(label: string): LabelRule {
  if (label.startsWith('general_')) return { exclude: 'chit-chat: may be greeting/thanks/goodbye' };
  return OOS;
}
