import { errors, json, type RouteDocs } from '../openapi.js';

/** The Bot Framework channel's route (index.ts). */
export const botFrameworkDocs: RouteDocs = {
  'POST /api/messages': {
    summary: 'Bot Framework messaging endpoint (an Activity)',
    description:
      'A channel token for the configured app registration, or (BOTFRAMEWORK_ANONYMOUS) the Emulator on this machine. With deliveryMode "expectReplies" the replies are in the response.',
    tags: ['botframework'],
    body: { type: 'object', required: ['type'], properties: { type: { type: 'string' } } },
    response: {
      200: json('Accepted; with expectReplies, `{"activities": [...]}`', { type: 'object' }),
      202: { description: 'Accepted' },
      ...errors('UNAUTHORIZED', 'BAD_JSON', 'BODY_TOO_LARGE', 'RATE_LIMITED'),
    },
  },
};
