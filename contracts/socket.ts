// The widget's WebSocket frames, both ways. The server validates what comes in with these schemas;
// the browser imports the types only (a type import costs the bundle nothing).
import { z } from 'zod';
import type { ErrorCode } from './errors.js';
import type { ChatMessage } from './messages.js';

const locale = z.enum(['zh', 'en']).optional();

export const clientFrameSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('hello'),
    conversationId: z.string().max(200).optional(),
    /** the last message number this client has */
    after: z.number().int().nonnegative().optional(),
    locale,
    token: z.string().max(4096).optional(),
  }),
  z.object({
    type: z.literal('message'),
    clientId: z.string().min(1).max(100),
    text: z.string().optional(),
    action: z.string().max(200).optional(),
    locale,
  }),
  z.object({
    type: z.literal('feedback'),
    messageId: z.number().int().positive(),
    value: z.enum(['up', 'down']),
  }),
]);

export type ClientFrame = z.infer<typeof clientFrameSchema>;

export type ServerFrame =
  | {
      type: 'welcome';
      conversationId: string | null;
      seq: number;
      messages: ChatMessage[];
      mode: 'merchant' | 'consumer';
    }
  | { type: 'messages'; messages: ChatMessage[] }
  | { type: 'ack'; clientId: string; conversationId: string; id?: number }
  | { type: 'typing' }
  | { type: 'notice'; code: ErrorCode; message: string }
  | { type: 'error'; code: ErrorCode; message: string; clientId?: string };
