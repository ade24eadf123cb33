import type {} from '@fastify/swagger';
import type { FastifySchema } from 'fastify';
import { z } from 'zod';
import { ERRORS, type ErrorCode } from '../../contracts/errors.js';

/**
 * How a channel's routes read in the OpenAPI document (GET /docs/json), keyed `METHOD /url` as
 * fastify registers them. Documentation only: the handlers validate with zod (its messages are the
 * API's), so these never become fastify validators; the request and response bodies come from the
 * same zod schemas.
 */
export type RouteDocs = Readonly<Record<string, FastifySchema>>;

type JsonSchema = Record<string, unknown>;

/** A zod schema as OpenAPI 3.0 JSON Schema: what a client sends (`input`) or is sent (`output`). */
export function fromZod(schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonSchema {
  return z.toJSONSchema(schema, { io, target: 'openapi-3.0', unrepresentable: 'any' }) as JsonSchema;
}

/** `{"error":{"code","message"}}` with the codes a route may answer. */
export function errorBody(codes: readonly ErrorCode[]): JsonSchema {
  return {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: { type: 'string', enum: [...codes] },
          message: {
            type: 'string',
            description: "English, or the person's language where the route says so",
          },
        },
      },
    },
  };
}

/** Error responses by HTTP status, each with the codes of contracts/errors.ts it may carry. */
export function errors(...codes: ErrorCode[]): Record<string, JsonSchema> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of [...codes, 'INTERNAL' as const]) {
    const status = ERRORS[code].status;
    byStatus.set(status, [...new Set([...(byStatus.get(status) ?? []), code])]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [
      String(status),
      { description: list.join(', '), content: { 'application/json': { schema: errorBody(list) } } },
    ]),
  );
}

/** A JSON response. */
export const json = (description: string, schema: JsonSchema): JsonSchema => ({
  description,
  content: { 'application/json': { schema } },
});

/** A response that is not JSON (a page, a script, a file). */
export const body = (description: string, type: string): JsonSchema => ({
  description,
  content: { [type]: { schema: { type: 'string' } } },
});

/** Path parameters, each a string. */
export const params = (...names: string[]): JsonSchema => ({
  type: 'object',
  required: names,
  properties: Object.fromEntries(names.map((n) => [n, { type: 'string' }])),
});
