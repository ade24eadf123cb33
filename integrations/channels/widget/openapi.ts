import { z } from 'zod';
import { chatMessageSchema, replySchema } from '../../../contracts/messages.js';
import { body, errors, fromZod, json, params, type RouteDocs } from '../openapi.js';
import { chatRequestSchema } from './chat-route.js';

const turn = fromZod(
  z.object({
    conversationId: z.string(),
    replies: z.array(replySchema),
    messages: z.array(chatMessageSchema),
  }),
  'output',
);
const history = fromZod(
  z.object({
    conversationId: z.string().nullable(),
    seq: z.number().int(),
    lang: z.enum(['zh', 'en']).optional(),
    messages: z.array(chatMessageSchema),
  }),
  'output',
);
const tags = ['widget'];
const html = (summary: string) => ({
  summary,
  tags: ['pages'],
  response: { 200: body(summary, 'text/html') },
});
const script = (summary: string, type = 'application/javascript') => ({
  summary,
  tags: ['pages'],
  response: { 200: body(summary, type), ...errors('NOT_FOUND') },
});

/** The widget channel's routes (integrations/channels/widget/*-route.ts, widget-assets.ts). */
export const widgetDocs: RouteDocs = {
  'POST /api/chat': {
    summary: 'One message or pressed button; the replies',
    description:
      'Give `text` or `action`. A trusted caller (Authorization: Bearer TRUSTED_CALLER_TOKEN) may name the merchant in X-Merchant-No; a merchant token in `token` does the same for the widget.',
    tags,
    body: fromZod(chatRequestSchema),
    response: {
      200: json('The replies and the conversation’s new messages', turn),
      ...errors(
        'BAD_JSON',
        'BAD_REQUEST',
        'UNAUTHORIZED',
        'TOKEN_INVALID',
        'BODY_TOO_LARGE',
        'UNSUPPORTED_MEDIA_TYPE',
        'RATE_LIMITED',
      ),
    },
  },
  'GET /api/ws': {
    summary: 'The widget’s WebSocket (frames of contracts/socket.ts)',
    tags,
    response: { 101: { description: 'Switching protocols' }, ...errors('ORIGIN_NOT_ALLOWED') },
  },
  'GET /api/conversations/:id/messages': {
    summary: 'A conversation’s messages after number `after` (empty for an unknown one)',
    tags,
    params: params('id'),
    querystring: { type: 'object', properties: { after: { type: 'integer', minimum: 0 } } },
    response: { 200: json('The messages', history), ...errors('BAD_REQUEST') },
  },
  'POST /api/conversations/:id/messages/:messageId/feedback': {
    summary: '👍 or 👎 on an answer',
    tags,
    params: params('id', 'messageId'),
    body: fromZod(z.object({ value: z.enum(['up', 'down']) })),
    response: { 204: { description: 'Recorded' }, ...errors('BAD_REQUEST', 'BAD_JSON', 'NOT_FOUND') },
  },
  'POST /api/upload': {
    summary: 'A proof document (photo or PDF), into the conversation',
    description: 'multipart/form-data: one `file`, and the fields `conversationId` and `locale`.',
    tags,
    body: {
      content: {
        'multipart/form-data': {
          schema: {
            type: 'object',
            required: ['file'],
            properties: {
              file: { type: 'string', format: 'binary' },
              conversationId: { type: 'string' },
              locale: { type: 'string' },
            },
          },
        },
      },
    },
    response: {
      200: json('The replies and the conversation’s new messages', turn),
      ...errors(
        'BAD_REQUEST',
        'UPLOAD_TOO_LARGE',
        'UPLOAD_WRONG_TYPE',
        'UPLOAD_TOO_MANY',
        'UPLOAD_QUOTA_EXCEEDED',
        'RATE_LIMITED',
      ),
    },
  },
  'GET /api/welcome': {
    summary: 'What a new conversation opens with',
    tags,
    querystring: { type: 'object', properties: { locale: { type: 'string', example: 'zh-CN' } } },
    response: {
      200: json(
        'The greeting and the main topics',
        fromZod(z.object({ locale: z.enum(['zh', 'en']), replies: z.array(replySchema) }), 'output'),
      ),
    },
  },
  'GET /kb/:lang/:id': {
    summary: 'An article as a page',
    tags: ['pages'],
    params: {
      type: 'object',
      required: ['lang', 'id'],
      properties: { lang: { type: 'string', enum: ['zh', 'en'] }, id: { type: 'string' } },
    },
    response: { 200: body('The article', 'text/html'), ...errors('NOT_FOUND') },
  },
  'GET /kb/:id': {
    summary: 'An article, in Chinese (a redirect)',
    tags: ['pages'],
    params: params('id'),
    response: { 302: { description: 'To /kb/zh/{id}' }, ...errors('NOT_FOUND') },
  },
  'GET /files/:id': {
    summary: 'An uploaded document, through a signed, expiring link',
    tags,
    params: params('id'),
    querystring: {
      type: 'object',
      required: ['exp', 'sig'],
      properties: { exp: { type: 'string' }, sig: { type: 'string' } },
    },
    response: { 200: body('The file as uploaded', 'application/octet-stream'), ...errors('NOT_FOUND') },
  },
  'GET /widget.js': script('The embeddable widget’s loader'),
  'GET /widget-panel.js': script('The widget’s panel'),
  'GET /': html('The demo’s start page'),
  'GET /favicon.ico': { summary: 'No icon', tags: ['pages'], response: { 204: { description: 'None' } } },
  'GET /demo/portal': html('Demo: the merchant portal (merchant mode)'),
  'GET /demo/help': html('Demo: the help page (consumer mode)'),
  'GET /demo/demo.css': script('Demo styles', 'text/css'),
  'GET /demo/help.js': script('Demo script'),
  'GET /demo/portal.js': script('Demo script'),
  'GET /demo/fixtures': {
    summary: 'The sandbox acquirer’s fixtures (only beside the sandbox)',
    tags: ['pages'],
    response: { 200: json('Fixtures', { type: 'array', items: { type: 'object' } }) },
  },
  'GET /demo/token': {
    summary: 'A merchant token for the demo portal (only beside the sandbox)',
    tags: ['pages'],
    response: {
      200: json('A token and example messages', {
        type: 'object',
        properties: {
          merchantNo: { type: 'string' },
          token: { type: 'string' },
          examples: { type: 'array', items: { type: 'string' } },
        },
      }),
    },
  },
};
