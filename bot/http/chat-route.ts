import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { Assistant } from '../assistant.js';
import { ApiError } from '../errors.js';

export interface ChatRouteOptions {
  assistant: Assistant;
  /** Bytes. A message of MAX_MESSAGE_CHARS must fit comfortably: the polite "too long" answer
   * comes from the assistant, not from a 413. */
  bodyLimit: number;
  /** Requests per minute per client address; 0 turns the limit off. */
  ratePerMinute: number;
}

const locale = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(z.string().regex(/^(zh|en)([-_][a-z]{2,4})*$/, 'a locale such as zh-CN or en'))
  .transform((s) => (s.startsWith('zh') ? 'zh' : 'en') as 'zh' | 'en');

export const chatRequestSchema = z
  .object({
    conversationId: z.string().max(200).optional(),
    text: z.string().optional(),
    action: z.string().max(200).optional(),
    locale: locale.optional(),
  })
  .refine((b) => b.text !== undefined || b.action !== undefined, { message: 'give "text" or "action"' });

function describe(error: z.ZodError): string {
  return error.issues
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

export const chatRoute: FastifyPluginAsync<ChatRouteOptions> = async (
  app,
  { assistant, bodyLimit, ratePerMinute },
) => {
  if (ratePerMinute > 0) {
    await app.register(rateLimit, {
      max: ratePerMinute,
      timeWindow: 60_000,
      errorResponseBuilder: () => ({ statusCode: 429, code: 'RATE_LIMITED', message: 'rate limited' }),
    });
  }
  app.post('/api/chat', { bodyLimit }, async (request) => {
    if (request.body === null || typeof request.body !== 'object' || Array.isArray(request.body)) {
      throw new ApiError('BAD_REQUEST', { detail: 'the body must be a JSON object' });
    }
    const parsed = chatRequestSchema.safeParse(request.body);
    if (!parsed.success) throw new ApiError('BAD_REQUEST', { detail: describe(parsed.error) });
    const { conversationId, text, action, locale: lang } = parsed.data;
    const result = await assistant.turn({ conversationId, text, action, locale: lang, channel: 'api' });
    return { conversationId: result.conversationId, replies: result.replies };
  });
};
