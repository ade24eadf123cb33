import { z } from 'zod';
import { maskSensitive } from './masking.js';
import type { Reply } from './replies.js';

const choice = z.object({ label: z.string(), action: z.string() });
export const replySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('choices'), choices: z.array(choice) }),
  z.object({
    type: z.literal('card'),
    title: z.string(),
    fields: z.array(z.object({ label: z.string(), value: z.string() })),
  }),
  z.object({
    type: z.literal('article'),
    id: z.string(),
    title: z.string(),
    snippet: z.string(),
    url: z.string(),
  }),
]);

export const attachmentSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  size: z.number().int().nonnegative(),
});
export type Attachment = z.infer<typeof attachmentSchema>;

/**
 * One entry of a conversation as every channel shows it: numbered (a client that saw up to n asks
 * for what came after), masked (no card, phone or ID numbers), structured (a reloaded widget draws
 * the same cards and buttons).
 */
export const chatMessageSchema = z.object({
  id: z.number().int().positive(),
  at: z.string(),
  from: z.enum(['user', 'bot', 'agent', 'system']),
  text: z.string().optional(),
  /** A pressed button: its action and the label the user saw. */
  action: z.string().optional(),
  label: z.string().optional(),
  replies: z.array(replySchema).optional(),
  attachment: attachmentSchema.optional(),
  /** An agent's display name. */
  author: z.string().optional(),
  /** The client's own id for a message it sent: a resend after a reconnect is recognised. */
  clientId: z.string().optional(),
  feedback: z.enum(['up', 'down']).optional(),
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;

/** Messages kept per conversation; older ones drop off (the count goes on). */
export const MESSAGE_LIMIT = 100;

export function maskReplies(replies: readonly Reply[]): Reply[] {
  return replies.map((r) => {
    switch (r.type) {
      case 'text':
        return { ...r, text: maskSensitive(r.text) };
      case 'card':
        return { ...r, fields: r.fields.map((f) => ({ label: f.label, value: maskSensitive(f.value) })) };
      case 'article':
        return { ...r, snippet: maskSensitive(r.snippet) };
      default:
        return r;
    }
  });
}

export function append(
  log: { seq: number; messages: ChatMessage[] },
  entries: Array<Omit<ChatMessage, 'id'>>,
): { seq: number; messages: ChatMessage[]; added: ChatMessage[] } {
  let seq = log.seq;
  const added = entries.map((e) => ({ ...e, id: ++seq }));
  return { seq, messages: [...log.messages, ...added].slice(-MESSAGE_LIMIT), added };
}
