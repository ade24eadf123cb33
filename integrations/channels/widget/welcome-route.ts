import type { FastifyPluginAsync } from 'fastify';
import type { ChannelHost } from '../../../bot/host.js';
import type { Reply } from '../../../contracts/replies.js';

export interface WelcomeRouteOptions {
  answers: Pick<ChannelHost['assistant']['answers'], 'welcome'>;
}

export interface WelcomeBody {
  locale: 'zh' | 'en';
  replies: Reply[];
}

/**
 * GET /api/welcome?locale=zh|en: what a new conversation opens with (the greeting and the main
 * topics as buttons), from the content, so the panel shows it the moment it opens. It creates no
 * conversation: the first pressed topic does. The same for everyone, so it may be cached.
 */
export const welcomeRoute: FastifyPluginAsync<WelcomeRouteOptions> = async (app, { answers }) => {
  app.get<{ Querystring: { locale?: string } }>('/api/welcome', async (request, reply) => {
    const locale = request.query.locale?.toLowerCase().startsWith('en') ? 'en' : 'zh';
    reply.header('cache-control', 'public, max-age=300').header('vary', 'origin');
    const body: WelcomeBody = { locale, replies: answers.welcome(locale) };
    return body;
  });
};
