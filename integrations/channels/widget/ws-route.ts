import type { WebSocket } from '@fastify/websocket';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ChannelHost } from '../../../bot/host.js';
import type { Unsubscribe } from '../../../bot/ports.js';
import { ApiError } from '../../../contracts/errors.js';
import { safeJson } from '../../../contracts/json.js';
import type { Logger } from '../../../contracts/logger.js';
import type { ChatMessage } from '../../../contracts/messages.js';
import type { MerchantTokens } from './merchant-token.js';
import { originAllowed, PerMinute } from './origins.js';

export interface WsRouteOptions {
  assistant: ChannelHost['assistant'];
  bus: ChannelHost['events'];
  tokens: MerchantTokens;
  allowedOrigins: readonly string[];
  perConversationPerMinute: number;
  logger: Logger;
}

const locale = z.enum(['zh', 'en']).optional();
const frame = z.discriminatedUnion('type', [
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

type ServerFrame =
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
  | { type: 'notice'; code: string; message: string }
  | { type: 'error'; code: string; message: string; clientId?: string };

/**
 * The widget's real-time line, at /api/ws. JSON frames: `hello` (resume from the last message number
 * the client has), `message` (acknowledged once stored; a resend with the same clientId is answered
 * once), `feedback`. New messages of the conversation, from this turn or from anyone else (another
 * tab, an agent in Slack via the bus), arrive as `messages`, each message number once per socket.
 */
export const wsRoute: FastifyPluginAsync<WsRouteOptions> = async (app, options) => {
  const { assistant, bus, tokens, logger } = options;
  const limiter = new PerMinute(options.perConversationPerMinute);

  app.get(
    '/api/ws',
    {
      websocket: true,
      preValidation: async (request) => {
        if (!originAllowed(request.headers.origin, request.headers.host, options.allowedOrigins)) {
          logger.info({ origin: request.headers.origin }, 'websocket refused: origin not allowed');
          throw new ApiError('ORIGIN_NOT_ALLOWED');
        }
      },
    },
    (socket: WebSocket, request) => {
      let conversationId: string | undefined;
      let merchantNo: string | undefined;
      let lang: 'zh' | 'en' | undefined;
      let unsubscribe: Unsubscribe | undefined;
      const send = (f: ServerFrame) => {
        if (socket.readyState === socket.OPEN) socket.send(safeJson(f));
      };
      // A turn's messages reach this socket twice (straight from the turn, and from the bus that
      // carries them to other tabs and instances); each message number goes out once.
      const delivered = new Set<number>();
      const deliver = (messages: readonly ChatMessage[]) => {
        const fresh = messages.filter((m) => !delivered.has(m.id));
        if (!fresh.length) return;
        for (const m of fresh) delivered.add(m.id);
        if (delivered.size > 1000) {
          const oldest = [...delivered].sort((a, b) => a - b).slice(0, delivered.size - 500);
          for (const id of oldest) delivered.delete(id);
        }
        send({ type: 'messages', messages: fresh });
      };
      let closed = false;
      const follow = async (id: string) => {
        if (conversationId === id && unsubscribe) return;
        await unsubscribe?.();
        unsubscribe = undefined;
        if (conversationId !== id) delivered.clear();
        conversationId = id;
        const stop = await bus.subscribe(id, (event) => deliver(event.messages));
        // the socket may have closed while this frame was being handled
        if (closed) await stop();
        else unsubscribe = stop;
      };

      const handle = async (data: unknown) => {
        const parsed = frame.safeParse(data);
        if (!parsed.success) {
          send({
            type: 'error',
            code: 'BAD_FRAME',
            message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
          });
          return;
        }
        const f = parsed.data;
        if (f.type === 'hello') {
          lang = f.locale ?? lang;
          if (f.token) {
            const check = await tokens.verify(f.token);
            if (check.ok) merchantNo = check.merchantNo;
            else
              send({
                type: 'notice',
                code: 'TOKEN_REFUSED',
                message: assistant.say('token_refused', lang ?? 'zh'),
              });
          }
          // listen first, then read the history: a message published in between comes by the bus
          // (and is sent once), instead of falling between the two
          if (f.conversationId) await follow(f.conversationId);
          const history = f.conversationId
            ? await assistant.history(f.conversationId, f.after ?? 0)
            : undefined;
          if (history) for (const m of history.messages) delivered.add(m.id);
          else if (f.conversationId) {
            await unsubscribe?.();
            unsubscribe = undefined;
            conversationId = undefined;
          }
          send({
            type: 'welcome',
            conversationId: history?.conversationId ?? null,
            seq: history?.seq ?? 0,
            messages: history?.messages ?? [],
            mode: merchantNo ? 'merchant' : 'consumer',
          });
          return;
        }
        if (f.type === 'feedback') {
          if (conversationId) await assistant.rate(conversationId, f.messageId, f.value);
          return;
        }
        if (!limiter.allow(conversationId ?? request.ip)) {
          send({
            type: 'error',
            code: 'RATE_LIMITED',
            message: 'Too many messages; please wait a moment.',
            clientId: f.clientId,
          });
          return;
        }
        send({ type: 'typing' });
        const result = await assistant.turn({
          conversationId,
          text: f.action === undefined ? (f.text ?? '') : undefined,
          action: f.action,
          locale: f.locale ?? lang,
          clientId: f.clientId,
          channel: 'widget',
          merchantNo,
          address: request.ip,
        });
        await follow(result.conversationId);
        const own = result.messages.find((m) => m.from === 'user');
        send({
          type: 'ack',
          clientId: f.clientId,
          conversationId: result.conversationId,
          ...(own && { id: own.id }),
        });
        deliver(result.messages);
      };

      // one frame at a time per socket: a user's messages are answered in the order they were sent
      let queue = Promise.resolve();
      socket.on('message', (raw: Buffer, isBinary: boolean) => {
        queue = queue.then(async () => {
          if (isBinary) {
            send({ type: 'error', code: 'BAD_FRAME', message: 'send JSON text frames' });
            return;
          }
          let data: unknown;
          try {
            data = JSON.parse(raw.toString('utf8'));
          } catch {
            send({ type: 'error', code: 'BAD_FRAME', message: 'a frame must be JSON' });
            return;
          }
          try {
            await handle(data);
          } catch (err) {
            logger.error({ err }, 'websocket turn failed');
            send({
              type: 'error',
              code: 'INTERNAL',
              message: 'Something went wrong on our side. Please try again.',
            });
          }
        });
      });
      socket.on('close', () => {
        closed = true;
        void unsubscribe?.();
      });
    },
  );
};
