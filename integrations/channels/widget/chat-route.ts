import { timingSafeEqual } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ChannelHost } from '../../../bot/host.js';
import { ApiError, unavailableIn } from '../../../contracts/errors.js';
import { MERCHANT_NO, type MerchantTokens } from './merchant-token.js';
import { PerMinute } from './origins.js';

export interface ChatRouteOptions {
  assistant: ChannelHost['assistant'];
  /** Bytes. A message of MAX_MESSAGE_CHARS must fit comfortably: the polite "too long" answer
   * comes from the assistant, not from a 413. */
  bodyLimit: number;
  /** Requests per minute per client address; 0 turns the limit off. */
  ratePerMinute: number;
  /**
   * A caller holding this token may say which merchant is signed in (X-Merchant-No): the merchant
   * portal's server, until the widget carries its own signed token.
   */
  trustedCallerToken?: string | undefined;
  tokens: MerchantTokens;
  /** Messages per minute per conversation; 0 turns the limit off. */
  perConversationPerMinute: number;
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
    /** the widget's id for this message: a resend is answered once */
    clientId: z.string().min(1).max(100).optional(),
    /** a merchant token from the portal (merchant mode) */
    token: z.string().max(4096).optional(),
  })
  .refine((b) => b.text !== undefined || b.action !== undefined, { message: 'give "text" or "action"' });

function describe(error: z.ZodError): string {
  return error.issues
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

function merchantOf(
  headers: Record<string, string | string[] | undefined>,
  token: string | undefined,
): string | undefined {
  const claimed = headers['x-merchant-no'];
  if (claimed === undefined) return undefined;
  const auth = headers.authorization;
  if (!token || typeof auth !== 'string' || !timingSafeEqualString(auth, `Bearer ${token}`)) {
    throw new ApiError('UNAUTHORIZED', { detail: 'X-Merchant-No is only accepted from a trusted caller' });
  }
  if (typeof claimed !== 'string' || !MERCHANT_NO.test(claimed)) {
    throw new ApiError('BAD_REQUEST', { detail: 'X-Merchant-No must be a merchant number' });
  }
  return claimed;
}

function timingSafeEqualString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export const chatRoute: FastifyPluginAsync<ChatRouteOptions> = async (
  app,
  { assistant, bodyLimit, ratePerMinute, trustedCallerToken, tokens, perConversationPerMinute },
) => {
  const perConversation = new PerMinute(perConversationPerMinute);
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
    const { conversationId, text, action, locale: lang, clientId, token } = parsed.data;
    if (conversationId && !perConversation.allow(conversationId)) throw new ApiError('RATE_LIMITED');
    let merchantNo = merchantOf(request.headers, trustedCallerToken);
    if (token) {
      const check = await tokens.verify(token);
      if (!check.ok)
        throw new ApiError(
          'TOKEN_INVALID',
          { detail: check.reason },
          assistant.say('token_refused', lang ?? 'zh'),
        );
      merchantNo = check.merchantNo;
    }
    const result = await assistant
      .turn({
        conversationId,
        text,
        action,
        locale: lang,
        channel: 'api',
        merchantNo,
        address: request.ip,
        clientId,
      })
      .catch((err: unknown) => {
        // a store did not answer: nothing was saved, and the same message again shortly may well work
        if (!unavailableIn(err)) throw err;
        throw new ApiError('UNAVAILABLE', {}, assistant.say('something_wrong', lang ?? 'zh'), { cause: err });
      });
    return { conversationId: result.conversationId, replies: result.replies, messages: result.messages };
  });
};
