import { body, errors, type RouteDocs } from '../openapi.js';

/** The Slack channel's route (receiver.ts): present when SLACK_BOT_TOKEN and the signing secret are set. */
export const slackDocs: RouteDocs = {
  'POST /slack/events': {
    summary: 'Slack commands, events and interactivity (signed by Slack)',
    description:
      'Verified with SLACK_SIGNING_SECRET over the raw body (headers x-slack-request-timestamp, x-slack-signature); Bolt answers.',
    tags: ['slack'],
    body: {
      content: {
        'application/json': { schema: { type: 'object' } },
        'application/x-www-form-urlencoded': { schema: { type: 'object' } },
      },
    },
    response: { 200: body('Acknowledged (Bolt’s ack payload, if any)', 'application/json'), ...errors() },
  },
};
