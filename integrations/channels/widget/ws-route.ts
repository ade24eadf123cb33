import type { WebSocket } from '@fastify/websocket';
import type { FastifyPluginAsync } from 'fastify';
import type { ChannelHost } from '../../../bot/host.js';
import { ApiError } from '../../../contracts/errors.js';
import { safeJson } from '../../../contracts/json.js';
import type { Logger } from '../../../contracts/logger.js';
import { CLOSE_SERVICE_RESTART, ConversationSocket } from './conversation-socket.js';
import type { MerchantTokens } from './merchant-token.js';
import { originAllowed, PerMinute } from './origins.js';

export interface WsRouteOptions {
  assistant: ChannelHost['assistant'];
  bus: ChannelHost['events'];
  tokens: MerchantTokens;
  allowedOrigins: readonly string[];
  perConversationPerMinute: number;
  logger: Logger;
  /** Where the route keeps its open sockets, for a stop that lets them go one by one. */
  sockets: OpenSockets;
}

/** How long a widget has to answer our close frame before its connection is cut. */
const CLOSE_ANSWER_MS = 1000;

/** The widget's open sockets: a stopping server lets each finish its turn, then sends it elsewhere. */
export class OpenSockets {
  private readonly open = new Map<WebSocket, ConversationSocket>();
  private closing: Promise<void> | undefined;

  add(socket: WebSocket, conversation: ConversationSocket): void {
    this.open.set(socket, conversation);
    socket.once('close', () => this.open.delete(socket));
  }

  get size(): number {
    return this.open.size;
  }

  /**
   * Each socket handles the frames it has (a turn under way ends, its answer is delivered), then is
   * closed with 1012 "service restart": the widget reconnects at once, and resumes its conversation
   * on whichever instance it reaches. Resolves when every socket is closed; a call while one is
   * under way waits for that one.
   */
  closeAll(): Promise<void> {
    this.closing ??= Promise.all(
      [...this.open].map(async ([socket, conversation]) => {
        await conversation.drain();
        if (socket.readyState === socket.CLOSED) return;
        const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
        socket.close(CLOSE_SERVICE_RESTART, 'service restart');
        // a widget that does not answer the close frame (gone, or a broken network) is not waited for
        const cut = setTimeout(() => socket.terminate(), CLOSE_ANSWER_MS);
        await closed;
        clearTimeout(cut);
      }),
    ).then(() => {
      this.closing = undefined;
    });
    return this.closing;
  }
}

/**
 * The widget's real-time line, at /api/ws: the `ws` wiring only (origin check, frames in and out,
 * close); what the frames mean is the transport-neutral ConversationSocket's.
 */
export const wsRoute: FastifyPluginAsync<WsRouteOptions> = async (app, options) => {
  const { logger } = options;
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
      const conversation = new ConversationSocket(
        { assistant: options.assistant, events: options.bus, tokens: options.tokens, limiter, logger },
        {
          address: request.ip,
          send: (frame) => {
            if (socket.readyState === socket.OPEN) socket.send(safeJson(frame));
          },
          close: (code, reason) => {
            if (socket.readyState === socket.OPEN) socket.close(code, reason);
          },
        },
      );
      options.sockets.add(socket, conversation);
      socket.on('message', (raw: Buffer, isBinary: boolean) =>
        conversation.receive(raw, { binary: isBinary }),
      );
      socket.on('close', () => conversation.close());
    },
  );
};
