import { z } from 'zod';

/** Where agents see a handed-over conversation: the desk's name and its own address for it. */
export const ticketSchema = z.object({
  desk: z.string(),
  /** e.g. a Slack channel id */
  place: z.string(),
  /** e.g. a Slack thread's ts */
  thread: z.string(),
});
export type Ticket = z.infer<typeof ticketSchema>;

export const agentSchema = z.object({ id: z.string(), name: z.string() });
export type Agent = z.infer<typeof agentSchema>;

/**
 * A conversation agents own. While it is set the bot says nothing: the user's messages go to the
 * ticket, the agents' replies come back. Resolving it, or the user going back, clears it.
 */
export const handoffSchema = z.object({
  status: z.enum(['waiting', 'claimed']),
  openedAt: z.string(),
  reason: z.string(),
  /** The channel the user writes from (widget, teams, …). */
  channel: z.string(),
  /** Unset while the desk is opening it (off the conversation's lock). */
  ticket: ticketSchema.optional(),
  /** The user's messages up to this number are at the desk (the opening turn is in its summary). */
  relayedUpTo: z.number().int().nonnegative().default(0),
  agent: agentSchema.optional(),
  claimedAt: z.string().optional(),
  /** A reference the user gave, for the agents' "Look up". */
  reference: z.string().optional(),
  merchantNo: z.string().optional(),
  /** Nobody claimed it in time, and the user was told so. */
  unclaimedNotified: z.boolean().default(false),
});
export type Handoff = z.infer<typeof handoffSchema>;

/**
 * A message for a person being written (no agent to hand over to, or none came in time): what the
 * ticket will say about the conversation, asked for once, until the user gives how to reach them.
 */
export const ticketDraftSchema = z.object({
  startedAt: z.string(),
  reason: z.string(),
  channel: z.string(),
  intent: z.string().optional(),
  merchantNo: z.string().optional(),
  reference: z.string().optional(),
  given: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  /** What the user wrote for the ticket without a contact in it, masked. */
  message: z.string().default(''),
  /** Re-asks so far: each one says something new, the third gives up. */
  retries: z.number().int().nonnegative().default(0),
  /**
   * The handoff nobody claimed in time, set aside while the user writes (so their words reach
   * this module, not the desk's silence); it resumes with the ticket, or when an agent acts.
   */
  handoff: handoffSchema.optional(),
});
export type TicketDraft = z.infer<typeof ticketDraftSchema>;
