import type { WebSocket } from '@fastify/websocket';
import type { FastifyPluginAsync } from 'fastify';
import type { ChannelHost } from '../../../bot/host.js';
import { ApiError } from '../../../contracts/errors.js';
import { safeJson } from '../../../contracts/json.js';
import type { Logger } from '../../../contracts/logger.js';
import { ConversationSocket } from './conversation-socket.js';
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
      socket.on('message', (raw: Buffer, isBinary: boolean) =>
        conversation.receive(raw, { binary: isBinary }),
      );
      socket.on('close', () => conversation.close());
    },
  );
};
