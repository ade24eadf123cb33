import path from 'node:path';
import { z } from 'zod';
import {
  type CivilDate,
  formatYuan,
  knowledgeDir,
  type Lang,
  readYaml,
  todayIn,
} from '../../knowledge/index.js';
import type { Transaction } from '../lookups/gateway.js';

const localized = z.object({ zh: z.string().min(1), en: z.string().min(1) }).strict();
const words = z.array(z.string().min(1));

export const WORD_KEYS = [
  'not_merchant',
  'payment_not_refundable',
  'nothing_remaining',
  'void_instead',
  'window',
  'amount_zero',
  'amount_over',
  'duplicate',
  'proof_needed',
  'proof_needed_amount',
  'proof_type',
  'proof_too_many',
  'reason_text_needed',
  'other_merchant',
  'unavailable',
  'check_ok',
  'rule_window_ok',
  'rule_amount_ok',
  'rule_duplicate_ok',
  'rule_proof_ok',
  'rule_proof_none',
  'summary_title',
  'submitted',
  'timeline_title',
  'no_applications',
  'not_found',
  'notify_approved',
  'notify_rejected',
  'notify_asked',
  'notify_answered',
  'notify_executed',
  'notify_retrying',
  'notify_failed',
  'field_status',
  'field_amount',
  'field_reference',
  'field_reason',
  'field_proof',
  'field_contact',
  'field_remaining',
  'field_arrival',
  'field_settlement',
  'proof_none',
  'status_submitted',
  'status_in_review',
  'status_approved',
  'status_rejected',
  'status_executed',
  'status_failed',
  'event_submitted',
  'event_prechecked',
  'event_in_review',
  'event_amended',
  'event_approval_recorded',
  'event_approved',
  'event_rejected',
  'event_info_requested',
  'event_info_given',
  'event_execution_started',
  'event_execution_retry',
  'event_executed',
  'event_failed',
  'event_denied',
  'more_applications',
  'amended',
  'amend_decided',
  'amend_none',
] as const;
export type WordKey = (typeof WORD_KEYS)[number];

export const applicationRulesSchema = z
  .object({
    triggers: z.object({
      start: z.object({ zh: words, en: words }),
      status: z.object({ zh: words, en: words }),
      /** with an amount: a new amount for an application already submitted */
      amend: z.object({ zh: words, en: words }),
    }),
    fourEyesAboveFen: z.number().int().positive(),
    proof: z
      .object({
        types: z.array(z.string().regex(/^[a-z]+\/[a-z0-9.+-]+$/)).min(1),
        maxFiles: z.number().int().positive(),
        requiredAboveFen: z.number().int().nonnegative(),
      })
      .strict(),
    reasons: z
      .array(
        z
          .object({
            id: z.string().regex(/^[a-z_]+$/),
            label: localized,
            proof: z.enum(['required', 'optional']),
            text: z.enum(['required', 'optional']).default('optional'),
          })
          .strict(),
      )
      .min(1),
    rejectReasons: z
      .array(
        z
          .object({
            id: z.string().regex(/^[a-z_]+$/),
            label: localized,
            note: z.enum(['required', 'optional']).default('optional'),
          })
          .strict(),
      )
      .min(1),
    words: z.record(z.enum(WORD_KEYS), localized),
  })
  .strict()
  .superRefine((r, ctx) => {
    for (const key of WORD_KEYS)
      if (!r.words[key]) ctx.addIssue({ code: 'custom', path: ['words', key], message: 'missing' });
    const ids = r.reasons.map((x) => x.id);
    if (new Set(ids).size !== ids.length)
      ctx.addIssue({ code: 'custom', path: ['reasons'], message: 'duplicate id' });
    const rejectIds = r.rejectReasons.map((x) => x.id);
    if (new Set(rejectIds).size !== rejectIds.length)
      ctx.addIssue({ code: 'custom', path: ['rejectReasons'], message: 'duplicate id' });
  });
export type ApplicationRules = z.infer<typeof applicationRulesSchema>;

/** knowledge/applications.yml, checked; throws with every problem named (like the rest of the content). */
export function loadApplicationRules(file = path.join(knowledgeDir, 'applications.yml')): ApplicationRules {
  const problems: string[] = [];
  const rules = readYaml(file, applicationRulesSchema, problems, 'knowledge/applications.yml');
  if (!rules) throw new Error(`Application rules have problems:\n- ${problems.join('\n- ')}`);
  return rules;
}

export type Words = (key: WordKey, lang: Lang, values?: Record<string, string | number>) => string;

export function wordsOf(rules: ApplicationRules): Words {
  return (key, lang, values = {}) =>
    rules.words[key][lang].replace(/\{([a-zA-Z]+)\}/g, (m, name: string) =>
      values[name] === undefined ? m : String(values[name]),
    );
}

function daysBetween(from: CivilDate, to: CivilDate): number {
  return Math.round(
    (Date.UTC(to.year, to.month - 1, to.day) - Date.UTC(from.year, from.month - 1, from.day)) / 86_400_000,
  );
}

export type Assessment =
  | { outcome: 'refundable'; remainingFen: number; ageDays: number }
  | { outcome: 'void'; remainingFen: number }
  | { outcome: 'refused'; rule: 'status' | 'remaining' | 'window'; message: string };

/**
 * What may be done with a payment, before anything is asked: a same-day sale is voided on the
 * terminal (the guide: same-day transactions may not support a refund); only a successful payment
 * with something left is refunded, within the window.
 */
export function assess(
  t: Transaction,
  options: { now: Date; windowDays: number; lang: Lang; words: Words; hotline: string },
): Assessment {
  const { lang, words: w } = options;
  const remainingFen = t.amountFen - t.refundedFen;
  if (t.status !== 'succeeded' && t.status !== 'partially_refunded') {
    if (t.status === 'refunded' || t.status === 'voided')
      return {
        outcome: 'refused',
        rule: 'remaining',
        message: w('nothing_remaining', lang, { refunded: formatYuan(t.refundedFen || t.amountFen) }),
      };
    return {
      outcome: 'refused',
      rule: 'status',
      message: w('payment_not_refundable', lang, { status: t.status }),
    };
  }
  if (remainingFen <= 0)
    return {
      outcome: 'refused',
      rule: 'remaining',
      message: w('nothing_remaining', lang, { refunded: formatYuan(t.refundedFen) }),
    };
  const ageDays = daysBetween(todayIn(new Date(t.tradeTime)), todayIn(options.now));
  if (ageDays <= 0 && t.refundedFen === 0) return { outcome: 'void', remainingFen };
  if (ageDays > options.windowDays)
    return {
      outcome: 'refused',
      rule: 'window',
      message: w('window', lang, { days: ageDays, windowDays: options.windowDays, hotline: options.hotline }),
    };
  return { outcome: 'refundable', remainingFen, ageDays };
}

export interface Draft {
  amountFen: number;
  reason: string;
  reasonText?: string;
  proof: Array<{ type: string }>;
}

export interface CheckOutcome {
  ok: boolean;
  /** The first rule that failed: which question to ask again (amount, proof, reason_text, duplicate). */
  failed?: 'amount' | 'proof' | 'reason_text' | 'duplicate';
  message?: string;
  results: Array<{ rule: string; ok: boolean; detail: string }>;
}

/**
 * The pre-check (系统初步审核): amount, duplicates, proof for the reason and the amount. Every rule
 * is reported (the reviewers see the list); the first failure is what the merchant is told.
 */
export function precheck(
  draft: Draft,
  context: {
    remainingFen: number;
    ageDays: number;
    windowDays: number;
    openApplication?: string;
    lang: Lang;
    rules: ApplicationRules;
    words: Words;
  },
): CheckOutcome {
  const { lang, rules, words: w } = context;
  const results: CheckOutcome['results'] = [];
  let failed: CheckOutcome['failed'];
  let message: string | undefined;
  const fail = (rule: string, kind: NonNullable<CheckOutcome['failed']>, detail: string) => {
    results.push({ rule, ok: false, detail });
    if (!failed) {
      failed = kind;
      message = detail;
    }
  };
  results.push({
    rule: 'window',
    ok: true,
    detail: w('rule_window_ok', lang, { windowDays: context.windowDays, days: context.ageDays }),
  });
  const amount = formatYuan(draft.amountFen);
  const remaining = formatYuan(context.remainingFen);
  if (!Number.isInteger(draft.amountFen) || draft.amountFen <= 0)
    fail('amount', 'amount', w('amount_zero', lang));
  else if (draft.amountFen > context.remainingFen)
    fail('amount', 'amount', w('amount_over', lang, { amount, remaining }));
  else results.push({ rule: 'amount', ok: true, detail: w('rule_amount_ok', lang, { amount, remaining }) });
  if (context.openApplication)
    fail('duplicate', 'duplicate', w('duplicate', lang, { existing: context.openApplication }));
  else results.push({ rule: 'duplicate', ok: true, detail: w('rule_duplicate_ok', lang) });
  const reason = rules.reasons.find((r) => r.id === draft.reason);
  if (reason?.text === 'required' && !draft.reasonText?.trim())
    fail('reason_text', 'reason_text', w('reason_text_needed', lang));
  const wrongType = draft.proof.some((p) => !rules.proof.types.includes(p.type));
  if (wrongType) fail('proof', 'proof', w('proof_type', lang));
  else if (draft.proof.length > rules.proof.maxFiles)
    fail('proof', 'proof', w('proof_too_many', lang, { maxFiles: rules.proof.maxFiles }));
  else if (draft.proof.length === 0 && reason?.proof === 'required')
    fail('proof', 'proof', w('proof_needed', lang));
  else if (draft.proof.length === 0 && draft.amountFen > rules.proof.requiredAboveFen)
    fail(
      'proof',
      'proof',
      w('proof_needed_amount', lang, { limit: formatYuan(rules.proof.requiredAboveFen) }),
    );
  else
    results.push({
      rule: 'proof',
      ok: true,
      detail: draft.proof.length
        ? w('rule_proof_ok', lang, { count: draft.proof.length })
        : w('rule_proof_none', lang),
    });
  return { ok: !failed, ...(failed && { failed }), ...(message && { message }), results };
}
