import websocket from '@fastify/websocket';
import type { ChannelHost } from '../../../bot/host.js';
import type { Article, Lang } from '../../../knowledge/index.js';
import type { FileLinks } from '../../stores/file-links.js';
import type { UploadStore } from '../../stores/uploads.js';
import type { Channel } from '../channel.js';
import { chatRoute } from './chat-route.js';
import { conversationRoutes } from './conversation-routes.js';
import { kbRoute } from './kb-route.js';
import type { MerchantTokens } from './merchant-token.js';
import { welcomeRoute } from './welcome-route.js';
import { widgetAssets } from './widget-assets.js';
import { OpenSockets, wsRoute } from './ws-route.js';

export { MERCHANT_NO, MerchantTokens } from './merchant-token.js';
export { originAllowed } from './origins.js';

export interface WidgetOptions {
  tokens: MerchantTokens;
  uploads: UploadStore;
  fileLinks: FileLinks;
  /** The help pages' articles (`/kb/{lang}/{id}`). */
  article(id: string, lang: Lang): Article | undefined;
  /** Origins that may embed the widget; empty: this server's own pages only. */
  allowedOrigins: readonly string[];
  /** Requests per minute per client address on POST /api/chat; 0: off. */
  ratePerMinute: number;
  /** Uploads per minute per client address (POST /api/upload); 0: off. */
  uploadRatePerMinute: number;
  /** Messages per minute per conversation, HTTP and WebSocket; 0: off. */
  perConversationPerMinute: number;
  /** The longest message the assistant answers (a longer one gets the polite limit, not a 413). */
  maxMessageChars: number;
  trustedCallerToken?: string | undefined;
  /** The sandbox's fixtures, for the demo pages, when the sandbox is the acquirer. */
  fixtures?: () => Array<{ merchantNo: string; reference: string; scenario?: string }>;
}

/**
 * A chat body may be far longer than MAX_MESSAGE_CHARS: a user who pastes 100,000 characters (even
 * JSON-escaped, 12 bytes each at worst) must hear the assistant's polite limit, not a bare 413.
 */
const CHAT_BODY_LIMIT = 2 * 1024 * 1024;

/**
 * The web widget's server half: POST /api/chat (also the HTTP fallback), the WebSocket at /api/ws,
 * history, 👍/👎 and uploads, signed file links, the widget's scripts and demo pages, and the
 * article pages its cards link to.
 */
export interface WidgetChannel extends Channel {
  /** Ends every open socket now (each widget reconnects and resumes from its last message). */
  dropConnections(): void;
}

export function create(host: ChannelHost, options: WidgetOptions): WidgetChannel {
  const { assistant } = host;
  let sockets: { clients: Set<{ terminate(): void }> } | undefined;
  const open = new OpenSockets();
  return {
    name: 'widget',
    dropConnections() {
      for (const client of sockets?.clients ?? []) client.terminate();
    },
    async routes(server) {
      await server.register(chatRoute, {
        assistant,
        bodyLimit: Math.max(CHAT_BODY_LIMIT, options.maxMessageChars * 12),
        ratePerMinute: options.ratePerMinute,
        trustedCallerToken: options.trustedCallerToken,
        tokens: options.tokens,
        perConversationPerMinute: options.perConversationPerMinute,
      });
      await server.register(websocket, {
        options: { maxPayload: 256 * 1024 },
        // the plugin's own would close every socket at once, turns under way cut off, with no
        // code the widget could read as "reconnect now": the same as stop(), whichever runs first
        preClose: async () => {
          await open.closeAll();
        },
      });
      sockets = server.websocketServer;
      await server.register(wsRoute, {
        assistant,
        bus: host.events,
        tokens: options.tokens,
        allowedOrigins: options.allowedOrigins,
        perConversationPerMinute: options.perConversationPerMinute,
        logger: host.logger,
        sockets: open,
      });
      await server.register(conversationRoutes, {
        assistant,
        uploads: options.uploads,
        fileLinks: options.fileLinks,
        clock: () => host.clock(),
        uploadRatePerMinute: options.uploadRatePerMinute,
      });
      await server.register(widgetAssets, {
        tokens: options.tokens,
        ...(options.fixtures && { fixtures: options.fixtures }),
      });
      await server.register(welcomeRoute, { answers: assistant.answers });
      await server.register(kbRoute, { article: options.article, say: assistant.say });
    },
    async start() {},
    /** Lets every socket finish its turn under way, then tells it to reconnect elsewhere (1012). */
    async stop() {
      await open.closeAll();
    },
  };
}
