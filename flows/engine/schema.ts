import { z } from 'zod';
import { intentId } from '../../knowledge/index.js';

// Every text a user may see, in both languages: a missing one is a load error, not a blank bubble.
const localized = z
  .object(
    {
      zh: z.string().min(1, 'the Chinese text is empty'),
      en: z.string().min(1, 'the English text is empty'),
    },
    { error: 'needs both zh and en texts' },
  )
  .strict();
export type LocalizedText = z.infer<typeof localized>;

const nodeId = z.string().regex(/^[a-z][a-z0-9_]*$/, 'node ids are lower_snake_case');
const slotName = z.string().regex(/^[a-z][a-z0-9_]*$/, 'slot names are lower_snake_case');

export const SLOT_TYPES = [
  'reference',
  'amount',
  'date',
  'card_last4',
  'payment_method',
  'choice',
  'yes_no',
  'text',
  /** the amount or the card's last four digits, whichever the user gives: proof of a transaction */
  'verification',
  /** documents uploaded while the question is open (the answer itself is one of its options) */
  'proof',
] as const;
export type SlotType = (typeof SLOT_TYPES)[number];

const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** A test on a slot the user gave or a fact a look-up or estimate produced. */
const test = z
  .object({
    slot: slotName.optional(),
    fact: z
      .string()
      .regex(/^[a-z_]+(\.[a-z_]+)*$/)
      .optional(),
    present: z.boolean().optional(),
    is: scalar.optional(),
    in: z.array(scalar).optional(),
    /** days from the date in the slot to today: `{ lte: 30 }` or `{ lte: refundWindowDays }` */
    days_ago: z
      .object({ lte: z.union([z.number(), z.literal('refundWindowDays')]) })
      .strict()
      .optional(),
  })
  .strict()
  .refine((c) => (c.slot === undefined) !== (c.fact === undefined), 'a test names exactly one slot or fact')
  .refine(
    (c) => [c.present, c.is, c.in, c.days_ago].filter((x) => x !== undefined).length === 1,
    'a test has exactly one of present, is, in, days_ago',
  );
export type Test = z.infer<typeof test>;
export const condition = z.union([test, z.object({ all: z.array(test).min(1) }).strict()]);
export type Condition = z.infer<typeof condition>;

/** `{slots.amount}`, `{arrival.latest}`, `{refundWindowDays}`: what a flow's text may fill in. */
export const PLACEHOLDER = /\{([a-zA-Z_.]+)\}/g;

const option = z
  .object({
    value: z.string().regex(/^[a-z0-9_]+$/),
    label: localized,
    /** Words that pick this option when typed instead of pressed (also used to prefill from the
     * opening message). Written normalised: simplified Chinese, lower case. */
    match: z
      .object({
        zh: z.array(z.union([z.string(), z.number()]).transform(String)).optional(),
        en: z.array(z.string()).optional(),
      })
      .strict()
      .optional(),
    /**
     * A catch-all ("an error on screen"): its words pick it only when no other option's do, so
     * "提示权限不足" is the permission case, not "an error was shown".
     */
    broad: z.boolean().optional(),
    /**
     * Another slot whose answer also picks this option, and is kept: "退10元" or a bare "10" at
     * "all of it, or part?" is part of it, and the amount. Checked at load: the slot exists.
     */
    given: slotName.optional(),
    next: nodeId.optional(),
  })
  .strict();
export type Option = z.infer<typeof option>;

const say = z.object({ kind: z.literal('say'), text: localized, next: nodeId }).strict();
const ask = z
  .object({
    kind: z.literal('ask'),
    slot: slotName,
    prompt: localized,
    /** Said after an answer that does not fit: what a valid answer looks like and where to find it. */
    reprompt: localized,
    options: z.array(option).min(2).optional(),
    next: nodeId.optional(),
  })
  .strict();
const branch = z
  .object({
    kind: z.literal('branch'),
    cases: z.array(z.object({ when: condition, next: nodeId }).strict()).min(1),
    else: nodeId,
  })
  .strict();
const lookup = z
  .object({
    kind: z.literal('lookup'),
    what: z.enum(['refund', 'transaction']),
    found: nodeId,
    not_found: nodeId,
    /** no live data: the acquirer is unreachable or no connector is configured */
    unavailable: nodeId,
    /** the asker could not prove they may see it */
    denied: nodeId,
  })
  .strict();
/** References to where a value may come from, first present wins: `slots.name` or a fact. */
const source = z.string().regex(/^(slots\.[a-z][a-z0-9_]*|[a-z_]+\.[a-z_]+)$/);
const estimate = z
  .object({
    kind: z.literal('estimate'),
    /** where the payment method (an id from knowledge/arrival.yml) comes from */
    method: z.array(source).min(1),
    /** where the refund date comes from */
    date: z.array(source).min(1),
    next: nodeId,
  })
  .strict();
const article = z
  .object({ kind: z.literal('article'), article: z.string(), intro: localized.optional(), next: nodeId })
  .strict();
/**
 * A step of a refund application (bot/applications): assess the payment, pre-check the draft,
 * submit it, pass on an answer to a reviewer. The step's outcome picks the next node; `else` for
 * any outcome not named (and when no application service is wired).
 */
export const APPLICATION_STEPS = ['assess', 'amount', 'precheck', 'submit', 'answer'] as const;
const application = z
  .object({
    kind: z.literal('application'),
    step: z.enum(APPLICATION_STEPS),
    outcomes: z.record(z.string().regex(/^[a-z_]+$/), nodeId),
    else: nodeId,
  })
  .strict();
const handoff = z.object({ kind: z.literal('handoff'), text: localized.optional() }).strict();
const end = z
  .object({ kind: z.literal('end'), text: localized.optional(), ask_solved: z.boolean().default(true) })
  .strict();

export const flowNode = z.discriminatedUnion('kind', [
  say,
  ask,
  branch,
  lookup,
  estimate,
  article,
  application,
  handoff,
  end,
]);
export type FlowNode = z.infer<typeof flowNode>;
export type AskNode = z.infer<typeof ask>;

export const flowSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_]*$/),
    title: localized,
    /** Intents that start this flow; none for a flow started by its own words (refund applications). */
    intents: z.array(intentId).default([]),
    /**
     * Words of a general question ("多久", "what's the difference"): such a question with no case of
     * its own (no number, amount or day) is answered with the article first, and the tree is
     * offered after it. Written normalised (simplified, lower case).
     */
    answerFirst: z
      .object({ zh: z.array(z.string().min(1)), en: z.array(z.string().min(1)) })
      .strict()
      .optional(),
    slots: z.record(slotName, z.object({ type: z.enum(SLOT_TYPES) }).strict()),
    start: nodeId,
    nodes: z.record(nodeId, flowNode),
  })
  .strict();
export type Flow = z.infer<typeof flowSchema>;
