import { timingSafeEqual } from 'node:crypto';
import type {} from '@fastify/swagger';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { ApiError } from '../../contracts/errors.js';
import type { PromMetrics } from './metrics.js';

export interface MetricsRouteOptions {
  metrics: PromMetrics;
  /** Set: a scrape must carry `Authorization: Bearer <token>`. Unset: only this machine may scrape. */
  token?: string | undefined;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Both the socket and the client address (after TRUST_PROXY) must be this machine: behind a proxy
 * on the same host the socket alone would let everyone in.
 */
function fromThisMachine(request: FastifyRequest): boolean {
  return LOOPBACK.has(request.socket.remoteAddress ?? '') && LOOPBACK.has(request.ip);
}

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** GET /metrics: Prometheus text exposition, outside every rate limit (no channel's scope). */
export const metricsRoute: FastifyPluginAsync<MetricsRouteOptions> = async (app, { metrics, token }) => {
  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Prometheus metrics',
        description:
          'Text exposition format. With METRICS_TOKEN set it needs `Authorization: Bearer <METRICS_TOKEN>`; unset, it is served to loopback addresses only.',
        tags: ['operations'],
        security: [{ metricsToken: [] }],
      },
    },
    async (request, reply) => {
      if (token) {
        const auth = request.headers.authorization;
        if (typeof auth !== 'string' || !sameString(auth, `Bearer ${token}`)) {
          reply.header('www-authenticate', 'Bearer realm="metrics"');
          throw new ApiError('UNAUTHORIZED', { detail: 'a bearer token (METRICS_TOKEN)' });
        }
      } else if (!fromThisMachine(request)) {
        throw new ApiError('UNAUTHORIZED', {
          detail: 'metrics are served to this machine only, unless METRICS_TOKEN is set',
        });
      }
      const { contentType, body } = await metrics.exposition();
      return reply.type(contentType).header('cache-control', 'no-store').send(body);
    },
  );
};
