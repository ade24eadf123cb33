import cors from '@fastify/cors';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { ApiError, asApiError, unavailableIn } from '../contracts/errors.js';
import { safeJson } from '../contracts/json.js';
import type { Channel } from '../integrations/channels/channel.js';
import { originAllowed } from '../integrations/channels/widget/index.js';
import type { App } from './app.js';
import { createChannels } from './channels.js';
import type { Logger } from './logger.js';
import { readiness } from './readiness.js';
import { ShutdownSteps } from './shutdown.js';

export interface ServerOptions {
  logger: Logger;
  /** Default: every channel the configuration turns on. */
  channels?: Channel[];
  /** Where closing says what it is still waiting for (main.ts names them if time runs out). */
  shutdown?: ShutdownSteps;
}

/** The probes, answered in every state and never refused for stopping. */
const PROBES = new Set(['/healthz', '/readyz']);

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
    // while stopping, refusals are ours (the hook below): the error registry's shape, probes exempt
    return503OnClosing: false,
  });
  const steps = options.shutdown ?? new ShutdownSteps();
  let phase: 'starting' | 'ready' | 'stopping' = 'starting';
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
    const unavailable = unavailableIn(err);
    if (unavailable)
      request.log.warn(
        { dependency: unavailable.dependency, err: unavailable.cause, url: request.url },
        'request refused: a dependency did not answer',
      );
    else if (apiError.code === 'INTERNAL') request.log.error({ err, url: request.url }, 'request failed');
    else request.log.info({ code: apiError.code, url: request.url }, 'request refused');
    if (apiError.status === 503) reply.header('retry-after', '1');
    return reply.status(apiError.status).send(apiError.toJSON());
  });
  server.setNotFoundHandler((request, reply) => {
    const e = new ApiError('NOT_FOUND', { detail: `${request.method} ${request.url.split('?')[0]}` });
    return reply.status(e.status).send(e.toJSON());
  });

  // Stopping: what is under way finishes, anything new goes elsewhere (the connection closes, so a
  // keep-alive client does not come back here either).
  server.addHook('onRequest', async (request, reply) => {
    if (phase !== 'stopping' || PROBES.has(request.url.split('?')[0] ?? '')) return;
    const e = new ApiError('NOT_READY');
    return reply.status(e.status).header('connection', 'close').header('retry-after', '1').send(e.toJSON());
  });

  // alive: the process answers (no dependency is asked, so an outage of Redis restarts nothing)
  server.get('/healthz', async (_request, reply) => {
    if (phase !== 'ready') return reply.status(503).send(new ApiError('NOT_READY').toJSON());
    return { status: 'ok' };
  });
  // ready to take traffic: every dependency answers within a second
  server.get('/readyz', async (_request, reply) => {
    if (phase !== 'ready') return reply.status(503).send({ status: phase });
    const { ready, checks } = await readiness(app);
    // the state may have changed while the checks ran
    if (phase !== 'ready') return reply.status(503).send({ status: phase });
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });

  // each channel's routes in a scope of its own (its plugins, limits and hooks stay there)
  const channels = options.channels ?? (await createChannels(app));
  for (const channel of channels) {
    const routes = channel.routes?.bind(channel);
    if (routes) await server.register(async (scope) => routes(scope));
  }

  server.addHook('onReady', async () => {
    for (const channel of channels) await channel.start();
    phase = 'ready';
  });
  // closing: probes say 503 at once; each channel finishes its turns under way and lets its users
  // go (the widget's sockets are told to reconnect); then fastify stops listening and waits for the
  // requests in flight; then the app's parts close
  server.addHook('preClose', async () => {
    phase = 'stopping';
    await Promise.all(channels.map((c) => steps.run(`channel ${c.name}`, () => c.stop())));
  });
  server.addHook('onClose', async () => {
    await app.close(steps);
  });
  return server;
}
