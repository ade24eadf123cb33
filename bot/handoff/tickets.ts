import { z } from 'zod';
import { LANGS } from '../../knowledge/index.js';

/**
 * A message left for a person: how to reach the user (in clear here, and only here), what they
 * wrote and what agents need to know, until someone calls back. Kept until deleted.
 */
export const ticketRecordSchema = z.object({
  /** TK-YYYYMMDD-NNNN, the day in China: read out on the phone, so short and unambiguous. */
  number: z.string().regex(/^TK-\d{8}-\d{4,}$/),
  createdAt: z.string(),
  conversationId: z.string(),
  channel: z.string(),
  lang: z.enum(LANGS),
  contact: z.object({ kind: z.enum(['phone', 'email']), value: z.string() }),
  /** The user's own words, masked. */
  message: z.string().default(''),
  summary: z.object({
    reason: z.string(),
    intent: z.object({ id: z.string(), title: z.string() }).optional(),
    merchantNo: z.string().optional(),
    reference: z.string().optional(),
    given: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
    /** The latest messages, masked, oldest first. */
    transcript: z.array(z.object({ at: z.string(), from: z.string(), text: z.string() })).default([]),
  }),
  // later: contacted, closed (an operator's command, or the desk)
  status: z.enum(['open']).default('open'),
});
export type TicketRecord = z.infer<typeof ticketRecordSchema>;

/** What leaves the ticket record (a desk, a list): the contact masked. */
export type TicketNotice = Omit<TicketRecord, 'contact'> & { contact: string };

/**
 * Where tickets are kept: the business database (integrations/stores/db/tickets.ts), SQLite or
 * PostgreSQL.
 */
export interface TicketStore {
  /** A number no other ticket has, across instances sharing the store. */
  nextNumber(now: Date): Promise<string>;
  save(ticket: TicketRecord): Promise<void>;
  get(number: string): Promise<TicketRecord | undefined>;
  /** Newest first. */
  list(options?: { limit?: number }): Promise<TicketRecord[]>;
}
