import cors from '@fastify/cors';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { ApiError, asApiError } from '../contracts/errors.js';
import { safeJson } from '../contracts/json.js';
import { createBotFrameworkChannel } from '../integrations/channels/botframework/index.js';
import { chatRoute } from '../integrations/channels/widget/chat-route.js';
import { conversationRoutes } from '../integrations/channels/widget/conversation-routes.js';
import { kbRoute } from '../integrations/channels/widget/kb-route.js';
import { originAllowed } from '../integrations/channels/widget/origins.js';
import { widgetAssets } from '../integrations/channels/widget/widget-assets.js';
import { wsRoute } from '../integrations/channels/widget/ws-route.js';
import type { App } from './app.js';
import type { Logger } from './logger.js';

export interface ServerOptions {
  logger: Logger;
}

/**
 * A chat body may be far longer than MAX_MESSAGE_CHARS: a user who pastes 100,000 characters (even
 * JSON-escaped, 12 bytes each at worst) must hear the assistant's polite limit, not a bare 413.
 */
const CHAT_BODY_LIMIT = 2 * 1024 * 1024;

export async function buildServer(app: App, { logger }: ServerOptions): Promise<FastifyInstance> {
  const server = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    trustProxy: app.config.TRUST_PROXY,
    // one line per request would cost more than the turn itself; refusals and failures are logged below
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
    routerOptions: { maxParamLength: 200 },
  });
  let ready = false;
  server.setReplySerializer((payload) => safeJson(payload));
  // pages elsewhere that embed the widget call these routes cross-origin
  await server.register(cors, {
    origin: (origin, done) =>
      done(null, originAllowed(origin, undefined, app.config.WIDGET_ALLOWED_ORIGINS) && origin !== undefined),
    methods: ['GET', 'POST'],
  });

  server.setErrorHandler((err, request, reply) => {
    const apiError = asApiError(err);
    if (apiError.code === 'BODY_TOO_LARGE') {
      const limit = request.routeOptions.bodyLimit ?? 0;
      const e = new ApiError('BODY_TOO_LARGE', { limit });
      return reply.status(e.status).send(e.toJSON());
    }
    if (apiError.code === 'INTERNAL') request.log.error({ err, url: request.url }, 'request failed');
    else request.log.info({ code: apiError.code, url: request.url }, 'request refused');
    return reply.status(apiError.status).send(apiError.toJSON());
  });
  server.setNotFoundHandler((request, reply) => {
    const e = new ApiError('NOT_FOUND', { detail: `${request.method} ${request.url.split('?')[0]}` });
    return reply.status(e.status).send(e.toJSON());
  });

  server.get('/healthz', async (_request, reply) => {
    if (!ready) return reply.status(503).send(new ApiError('NOT_READY').toJSON());
    return { status: 'ok' };
  });

  await server.register(chatRoute, {
    assistant: app.assistant,
    bodyLimit: Math.max(CHAT_BODY_LIMIT, app.config.MAX_MESSAGE_CHARS * 12),
    ratePerMinute: app.config.RATE_LIMIT_PER_MINUTE,
    trustedCallerToken: app.config.TRUSTED_CALLER_TOKEN,
    tokens: app.tokens,
    perConversationPerMinute: app.config.CONVERSATION_RATE_PER_MINUTE,
  });
  await server.register(websocket, { options: { maxPayload: 256 * 1024 } });
  await server.register(wsRoute, {
    assistant: app.assistant,
    bus: app.bus,
    tokens: app.tokens,
    allowedOrigins: app.config.WIDGET_ALLOWED_ORIGINS,
    perConversationPerMinute: app.config.CONVERSATION_RATE_PER_MINUTE,
    logger,
  });
  await server.register(conversationRoutes, {
    assistant: app.assistant,
    uploads: app.uploads,
    fileLinks: app.fileLinks,
    clock: app.clock,
  });
  const sandbox = app.acquirer.sandbox?.instance;
  await server.register(widgetAssets, {
    tokens: app.tokens,
    ...(sandbox && { fixtures: () => sandbox.fixtures() }),
  });
  await server.register(kbRoute, { article: (id, lang) => app.understander.search.article(id, lang) });

  // channels on top of the core: each is off until configured, and its SDK is not even loaded
  // (Bolt costs ~170 ms of start-up)
  const slack = app.config.SLACK_BOT_TOKEN
    ? (await import('../integrations/channels/slack/index.js')).createSlackChannel(app, logger)
    : undefined;
  if (slack?.routes) await server.register(slack.routes);
  const botFramework = createBotFrameworkChannel(app, logger);
  await server.register(botFramework.routes);

  server.addHook('onReady', async () => {
    await slack?.start();
    ready = true;
    botFramework.warm();
  });
  server.addHook('preClose', async () => {
    ready = false;
    await slack?.stop();
  });
  server.addHook('onClose', async () => {
    await app.close();
  });
  return server;
}
