import { z } from 'zod';

export const LANGS = ['zh', 'en'] as const;
export type Lang = (typeof LANGS)[number];

export const INTENT_IDS = [
  'refund_not_received',
  'refund_wrong_amount',
  'refund_failed',
  'required_documents',
  'how_to_refund',
  'void_vs_refund',
  'refund_policy',
  'refund_status_lookup',
  'transaction_lookup',
  'settlement',
  'dispute_prevention',
  'payment_process',
  'human_agent',
  'greeting',
  'thanks',
  'goodbye',
  'out_of_scope',
] as const;
export type IntentId = (typeof INTENT_IDS)[number];
export const intentId = z.enum(INTENT_IDS);

const articleId = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'lower-case words joined by "-"');
const localized = z.object({ zh: z.string().min(1), en: z.string().min(1) }).strict();
export type Localized<T = string> = { zh: T; en: T };

export const intentCatalogueSchema = z
  .object({
    mainTopics: z.array(intentId).min(1).max(6),
    intents: z
      .array(
        z
          .object({
            id: intentId,
            article: articleId.optional(),
            label: localized,
            description: z.string().min(1),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();
export type IntentDefinition = z.infer<typeof intentCatalogueSchema>['intents'][number];

export const MIN_EXAMPLES_PER_INTENT = 40;

export const examplesSchema = z
  .object({
    lang: z.enum(LANGS),
    examples: z.partialRecord(intentId, z.array(z.string().min(1)).min(1)),
  })
  .strict();

export const articleFrontMatterSchema = z
  .object({
    id: articleId,
    lang: z.enum(LANGS),
    title: z.string().min(1).max(80),
    intents: z.array(intentId).default([]),
    tags: z.array(z.string().min(1)).default([]),
    questions: z.array(z.string().min(1)).min(1),
    related: z.array(articleId).default([]),
  })
  .strict();
export type ArticleFrontMatter = z.infer<typeof articleFrontMatterSchema>;

export const policySchema = z
  .object({
    refundWindowDays: z.number().int().positive(),
    refundFee: localized,
    supportContact: localized,
    /** Named with every ticket; SUPPORT_HOTLINE overrides the number. */
    supportHotline: z.object({ number: z.string().min(3), name: localized }).strict(),
  })
  .strict();
export type Policy = z.infer<typeof policySchema>;

// YAML reads 886 or 12306 as numbers; a word list means them as words.
const word = z.union([z.string().min(1), z.number()]).transform(String);

export const conceptsSchema = z
  .object({
    concepts: z.record(
      z.string().regex(/^[a-z_]+$/),
      z.object({ zh: z.array(word).optional(), en: z.array(word).optional() }).strict(),
    ),
  })
  .strict();

/** knowledge/neighbours.yml: neighbouring domains, their words and where their questions go. */
export const neighboursSchema = z
  .object({
    neighbours: z.record(
      z.string().regex(/^[a-z_]+$/),
      z
        .object({
          zh: z.array(word).min(1),
          en: z.array(word).min(1),
          /** Pairs of word lists: a word from each list anywhere in an English message. */
          together: z.array(z.tuple([z.array(word).min(1), z.array(word).min(1)])).optional(),
          pointer: localized,
        })
        .strict(),
    ),
  })
  .strict();

export const arrivalSchema = z
  .object({
    methods: z.record(
      z.string().regex(/^[a-z_]+$/),
      z
        .object({
          label: localized,
          workingDays: z
            .tuple([z.number().int().min(0), z.number().int().min(0)])
            .refine(([a, b]) => a <= b, 'earliest ≤ latest'),
          lateAfterWorkingDays: z.number().int().positive().optional(),
          note: localized,
        })
        .strict(),
    ),
  })
  .strict();

export const COMMANDS = [
  'cancel',
  'restart',
  'back',
  'english',
  'chinese',
  'yes',
  'no',
  'solved',
  'unsolved',
] as const;
export type Command = (typeof COMMANDS)[number];
export const commandsSchema = z
  .object({
    // a record keyed by an enum needs every key: a missing command is named by zod itself
    commands: z.record(z.enum(COMMANDS), z.object({ zh: z.array(word), en: z.array(word) }).strict()),
    /** Words that mark a message as a correction of something said before ("不对", "I mean"). */
    corrections: z.object({ zh: z.array(word), en: z.array(word) }).strict(),
  })
  .strict();

export const synonymsSchema = z
  .object({
    zh: z.record(z.string().min(1), z.array(z.string().min(1))).default({}),
    en: z.record(z.string().min(1), z.array(z.string().min(1))).default({}),
  })
  .strict();

// Every sentence the bot says that is not an article lives in knowledge/messages.yml, in both languages.
export const MESSAGE_KEYS = [
  'flow_rephrase',
  'check_my_case',
  'reference_from_slip',
  'reference_not_wallet',
  'reference_not_refund',
  'greeting',
  'kb_chat_hint',
  'thanks',
  'goodbye',
  'out_of_scope',
  /** out of scope, with where a neighbouring domain's question goes (knowledge/neighbours.yml) */
  'out_of_scope_neighbour',
  'no_match',
  'clarify',
  'empty',
  'too_long',
  'unreadable',
  'unknown_action',
  'suggest_articles',
  'read_more',
  'related',
  'talk_to_person',
  'human_agent',
  'yes',
  'no',
  'flow_cancelled',
  'flow_restarted',
  'flow_expired',
  'back_first',
  'resume_question',
  'resume_yes',
  'resume_no',
  'solved_question',
  'solved_yes',
  'solved_no',
  'solved_thanks',
  'solved_sorry',
  'too_many_tries',
  'try_again',
  'language_switched',
  'lookup_locked',
  'upload_received',
  'upload_too_large',
  'upload_wrong_type',
  'upload_empty',
  'upload_too_many',
  'upload_conversation_full',
  'upload_rate_limited',
  'token_refused',
  'feedback_thanks',
  'card_title',
  'card_merchant',
  'card_reference',
  'card_payment',
  'card_payment_status',
  'card_refund',
  'card_void',
  'card_path',
  'card_expected',
  'card_arrived',
  'card_overdue',
  'card_overdue_since',
  'card_failed_because',
  'op_heading',
  'op_terminal',
  'op_refunds',
  'op_no_refunds',
  'op_requested',
  'op_completed',
  'op_refund_reference',
  'op_refunded_total',
  'op_refundable',
  'op_next',
  'op_next_processing',
  'op_next_overdue',
  'op_next_failed',
  'op_next_succeeded',
  'op_next_voided',
  'op_next_paid',
  'op_next_payment_processing',
  'op_next_payment_failed',
  'op_not_found',
  'op_unavailable',
  'path_card',
  'path_wallet_balance',
  'path_wallet_card',
  'tx_succeeded',
  'tx_failed',
  'tx_processing',
  'tx_closed',
  'tx_voided',
  'tx_refunded',
  'tx_partially_refunded',
  'refund_processing',
  'refund_succeeded',
  'refund_failed',
  'method_debit_card',
  'method_credit_card',
  'method_unionpay_qr',
  'method_wechat',
  'method_alipay',
  'handoff_connecting',
  'handoff_misunderstood',
  'handoff_failed',
  'handoff_back_to_bot',
  'handoff_left',
  'handoff_unclaimed',
  'handoff_leave_message',
  'handoff_message_prompt',
  'agent_joined',
  'agent_left',
  'something_wrong',
  'agent_says',
  'ticket_offer',
  'ticket_prepare_consumer',
  'ticket_prepare_merchant',
  'ticket_created',
  'ticket_agents_may_reply',
  'ticket_bad_phone_length',
  'ticket_bad_phone_prefix',
  'ticket_bad_email',
  'ticket_no_contact',
  'ticket_retry_last',
  'ticket_gave_up',
  'ticket_cancelled',
] as const;
export type MessageKey = (typeof MESSAGE_KEYS)[number];

// a record keyed by an enum needs every key: a missing message is named by zod itself
export const messagesSchema = z.object({ messages: z.record(z.enum(MESSAGE_KEYS), localized) }).strict();
