import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifySchema } from 'fastify';
import type { RouteDocs } from '../channels/openapi.js';

export interface OpenApiOptions {
  version: string;
  /** Every part's route docs, keyed `METHOD /url`. */
  docs: readonly RouteDocs[];
}

/**
 * The OpenAPI 3 document at GET /docs/json (and /docs/yaml), and Swagger UI at /docs from the
 * assets inside @fastify/swagger-ui (nothing is downloaded). Registered on the root before any
 * route, so that it sees every one; a route's own `schema` wins over its docs entry.
 */
export async function registerOpenApi(server: FastifyInstance, options: OpenApiOptions): Promise<void> {
  const docs: Record<string, FastifySchema> = Object.assign({}, ...options.docs);
  await server.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'refund-assistant',
        description:
          'POS refund support assistant. Every error is `{"error":{"code","message"}}` with a code of contracts/errors.ts (README, "Errors").',
        version: options.version,
      },
      components: {
        securitySchemes: {
          metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN' },
        },
      },
    },
    transform: ({ schema, url, route }) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const documented = methods.map((m) => docs[`${m} ${url}`]).find(Boolean);
      return { schema: { ...documented, ...schema }, url };
    },
  });
  await server.register(swaggerUi, { routePrefix: '/docs' });
}

const notReady = {
  description: 'NOT_READY',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        properties: {
          error: {
            type: 'object',
            properties: { code: { type: 'string', enum: ['NOT_READY'] }, message: { type: 'string' } },
          },
        },
      },
    },
  },
};

/** The server's own routes (app/server.ts). */
export const operationsDocs: RouteDocs = {
  'GET /healthz': {
    summary: 'Liveness: 200 once started, 503 while starting or stopping',
    tags: ['operations'],
    response: {
      200: {
        description: 'Ready',
        content: {
          'application/json': {
            schema: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } } },
          },
        },
      },
      503: notReady,
    },
  },
  'GET /readyz': {
    summary: 'Readiness: 200 when this instance can take traffic, 503 otherwise',
    tags: ['operations'],
    response: { 200: { description: 'Ready' }, 503: notReady },
  },
};
