import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ChannelHost } from '../../../bot/host.js';
import { ApiError } from '../../../contracts/errors.js';
import { langOfLocale } from '../../../knowledge/index.js';
import type { FileLinks } from '../../stores/file-links.js';
import type { UploadStore } from '../../stores/uploads.js';

export interface ConversationRoutesOptions {
  assistant: ChannelHost['assistant'];
  uploads: UploadStore;
  fileLinks: FileLinks;
  clock: () => Date;
  /** Uploads per minute per client address; 0: off. */
  uploadRatePerMinute: number;
}

type UploadMessage =
  | 'upload_too_large'
  | 'upload_wrong_type'
  | 'upload_empty'
  | 'upload_too_many'
  | 'upload_conversation_full';

const megabytes = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;

/**
 * What the widget needs besides chatting: the history after a reload (and the HTTP fallback's way to
 * catch up), 👍/👎 on an answer, and proof uploads, checked by their bytes; agents open an upload
 * through a signed, expiring link.
 */
export const conversationRoutes: FastifyPluginAsync<ConversationRoutesOptions> = async (
  app,
  { assistant, uploads, fileLinks, clock, uploadRatePerMinute },
) => {
  app.get<{ Params: { id: string }; Querystring: { exp?: string; sig?: string } }>(
    '/files/:id',
    async (request, reply) => {
      const { id } = request.params;
      const file = fileLinks.verify(id, request.query.exp, request.query.sig, clock())
        ? await uploads.read(id)
        : undefined;
      // a bad signature and a missing file look the same from outside
      if (!file) throw new ApiError('NOT_FOUND', { detail: 'no such file, or the link has expired' });
      return reply
        .header('content-type', file.type)
        .header('content-disposition', `inline; filename="${id}"`)
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "sandbox; default-src 'none'")
        .header('cache-control', 'private, max-age=300')
        .send(file.bytes);
    },
  );

  app.get<{ Params: { id: string }; Querystring: { after?: string } }>(
    '/api/conversations/:id/messages',
    async (request) => {
      const after = Number(request.query.after ?? 0);
      if (!Number.isInteger(after) || after < 0)
        throw new ApiError('BAD_REQUEST', { detail: 'after must be a message number' });
      const history = await assistant.history(request.params.id, after);
      // an unknown or expired conversation is an empty one, not an error: the widget starts afresh
      return history ?? { conversationId: null, seq: 0, messages: [] };
    },
  );

  const feedback = z.object({ value: z.enum(['up', 'down']) });
  app.post<{ Params: { id: string; messageId: string } }>(
    '/api/conversations/:id/messages/:messageId/feedback',
    async (request, reply) => {
      const body = feedback.safeParse(request.body);
      if (!body.success) throw new ApiError('BAD_REQUEST', { detail: 'give {"value": "up" | "down"}' });
      const found = await assistant.rate(
        request.params.id,
        Number(request.params.messageId),
        body.data.value,
      );
      if (!found) throw new ApiError('NOT_FOUND', { detail: 'no such answer in that conversation' });
      return reply.status(204).send();
    },
  );

  await app.register(async (scope) => {
    if (uploadRatePerMinute > 0) {
      // the form's locale is not read yet when this refuses: the browser's language speaks instead
      await scope.register(rateLimit, {
        max: uploadRatePerMinute,
        timeWindow: 60_000,
        errorResponseBuilder: (request) =>
          new ApiError(
            'RATE_LIMITED',
            {},
            assistant.say('upload_rate_limited', langOfLocale(request.headers['accept-language']) ?? 'zh'),
          ),
      });
    }
    await scope.register(multipart, {
      limits: { fileSize: uploads.maxBytes, files: 1, fields: 5, fieldSize: 1000 },
    });
    scope.post('/api/upload', async (request) => {
      const file = await request.file().catch(() => undefined);
      if (!file) throw new ApiError('BAD_REQUEST', { detail: 'send one file as multipart/form-data' });
      const field = (name: string) => {
        const f = file.fields[name];
        return f && !Array.isArray(f) && f.type === 'field' ? String(f.value) : undefined;
      };
      const locale = langOfLocale(field('locale'));
      const bytes = await file.toBuffer().catch(() => undefined);
      const { files, bytes: conversationBytes } = uploads.perConversation;
      const say = (key: UploadMessage) =>
        assistant.say(key, locale ?? 'zh', {
          max:
            key === 'upload_too_many'
              ? files
              : megabytes(key === 'upload_conversation_full' ? conversationBytes : uploads.maxBytes),
        });
      if (!bytes || file.file.truncated)
        throw new ApiError('UPLOAD_TOO_LARGE', { limit: uploads.maxBytes }, say('upload_too_large'));
      // a name to show, not a path: separators and control characters go
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
      const name = (file.filename || 'file').replace(/[\\/\u0000-\u001f]/g, '_').slice(0, 120);
      const conversationId = field('conversationId');
      const saved = await uploads.save(bytes, { conversationId, name });
      if (!saved.ok) {
        switch (saved.reason) {
          case 'too_large':
            throw new ApiError('UPLOAD_TOO_LARGE', { limit: uploads.maxBytes }, say('upload_too_large'));
          case 'empty':
            throw new ApiError('BAD_REQUEST', { detail: 'the file is empty' }, say('upload_empty'));
          case 'too_many_files':
            throw new ApiError('UPLOAD_TOO_MANY', { max: files }, say('upload_too_many'));
          case 'conversation_full':
            throw new ApiError(
              'UPLOAD_QUOTA_EXCEEDED',
              { limit: conversationBytes },
              say('upload_conversation_full'),
            );
          default:
            throw new ApiError('UPLOAD_WRONG_TYPE', {}, say('upload_wrong_type'));
        }
      }
      let result: Awaited<ReturnType<typeof assistant.attach>>;
      try {
        result = await assistant.attach(
          { conversationId, locale, channel: 'widget' },
          { id: saved.id, name, type: saved.type, size: saved.size },
        );
      } catch (err) {
        // not in any conversation, so nobody could ever open it
        await uploads.remove(saved.id).catch(() => undefined);
        throw err;
      }
      if (result.conversationId !== conversationId) await uploads.assign(saved.id, result.conversationId);
      return { conversationId: result.conversationId, replies: result.replies, messages: result.messages };
    });
  });
};
