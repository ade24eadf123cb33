import { readFileSync } from 'node:fs';
import path from 'node:path';
import cors from '@fastify/cors';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { ApiError, asApiError } from '../contracts/errors.js';
import { safeJson } from '../contracts/json.js';
import { botFrameworkDocs } from '../integrations/channels/botframework/openapi.js';
import type { Channel } from '../integrations/channels/channel.js';
import { slackDocs } from '../integrations/channels/slack/openapi.js';
import { originAllowed, type WidgetChannel } from '../integrations/channels/widget/index.js';
import { widgetDocs } from '../integrations/channels/widget/openapi.js';
import { metricsRoute } from '../integrations/observability/metrics-route.js';
import { operationsDocs, registerOpenApi } from '../integrations/observability/openapi.js';
import { projectRoot } from '../knowledge/index.js';
import type { App } from './app.js';
import { createChannels } from './channels.js';
import type { Logger } from './logger.js';

export interface ServerOptions {
  logger: Logger;
  /** Default: every channel the configuration turns on. */
  channels?: Channel[];
}

/** A hop count as proxy-addr's trust function: the first `hops` addresses from the socket. */
function trustProxy(
  trust: false | number | string[],
): boolean | string[] | ((addr: string, i: number) => boolean) {
  return typeof trust === 'number' ? (_addr, i) => i < trust : trust;
}

export async function buildServer(app: App, options: ServerOptions): Promise<FastifyInstance> {
  const { logger } = options;
  const server = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    trustProxy: trustProxy(app.config.TRUST_PROXY),
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

  // ── observability: OpenAPI (/docs, /docs/json) and Prometheus (/metrics) ──────────────────────
  // swagger first: it sees only the routes registered after it. /metrics sits on the root, outside
  // every channel's rate limit, and guards itself (METRICS_TOKEN, or this machine only).
  await registerOpenApi(server, {
    version: (JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string })
      .version,
    docs: [operationsDocs, widgetDocs, slackDocs, botFrameworkDocs],
  });
  app.metrics.collectDefaults();
  app.metrics.probe({
    widgetSockets: () =>
      channels.reduce((n, c) => n + ((c as Partial<WidgetChannel>).openSockets?.() ?? 0), 0),
  });
  await server.register(metricsRoute, { metrics: app.metrics, token: app.config.METRICS_TOKEN });
  // ── end of observability ─────────────────────────────────────────────────────────────────────

  server.get('/healthz', async (_request, reply) => {
    if (!ready) return reply.status(503).send(new ApiError('NOT_READY').toJSON());
    return { status: 'ok' };
  });

  // each channel's routes in a scope of its own (its plugins, limits and hooks stay there)
  const channels = options.channels ?? (await createChannels(app));
  for (const channel of channels) {
    const routes = channel.routes?.bind(channel);
    if (routes) await server.register(async (scope) => routes(scope));
  }

  server.addHook('onReady', async () => {
    for (const channel of channels) await channel.start();
    ready = true;
  });
  server.addHook('preClose', async () => {
    ready = false;
    for (const channel of channels) await channel.stop();
  });
  server.addHook('onClose', async () => {
    await app.close();
  });
  return server;
}
