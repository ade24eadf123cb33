import { z } from 'zod';

const value = z.union([z.string(), z.number(), z.boolean()]);
export type SlotValue = z.infer<typeof value>;
export type Values = Record<string, SlotValue>;

/** Where a conversation stands in a flow; saved with the conversation after every turn. */
export const flowStateSchema = z.object({
  flow: z.string(),
  node: z.string(),
  slots: z.record(z.string(), value),
  facts: z.record(z.string(), value),
  /** Answers the opening message gave to questions not reached yet, by question. */
  hints: z.record(z.string(), value).default({}),
  /**
   * Options a message already narrowed a question down to ("刷卡" leaves debit and credit card of
   * five payment methods), by question: only those are offered when it is asked.
   */
  narrow: z.record(z.string(), z.array(z.string())).default({}),
  /** Questions answered so far, with the slots as they were before each: "back" pops one. */
  history: z.array(z.object({ node: z.string(), slots: z.record(z.string(), value) })),
  /** Answers to the current question that did not fit. */
  invalid: z.number().int().nonnegative(),
  /** A side question was answered; waiting for "continue where we were?". */
  paused: z.boolean(),
  startedAt: z.string(),
  updatedAt: z.string(),
});
export type FlowState = z.infer<typeof flowStateSchema>;
