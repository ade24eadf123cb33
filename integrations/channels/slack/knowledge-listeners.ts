import type { App } from '@slack/bolt';
import { detectLanguage, normalize } from '../../../knowledge/index.js';
import { homeView, replyBlocks, replyText } from './blocks.js';
import type { SlackDeps } from './deps.js';

/** A mention answered in its thread from the knowledge base, and App Home's desk overview. */
export function registerKnowledgeListeners(app: App, deps: SlackDeps): void {
  const { assistant, words: w, registry, clock } = deps;

  app.event('app_mention', async ({ event, client }) => {
    const question = (event.text ?? '').replace(/<@[A-Z0-9]+>/g, ' ').trim();
    const lang = detectLanguage(normalize(question)) ?? deps.lang;
    const { replies } = assistant.respond(question, lang);
    await client.chat.postMessage({
      channel: event.channel,
      thread_ts: event.thread_ts ?? event.ts,
      text: replyText(replies),
      blocks: replyBlocks(replies),
      unfurl_links: false,
    });
  });

  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    const [open, counts] = await Promise.all([registry.list(), registry.today()]);
    await client.views.publish({ user_id: event.user, view: homeView(open, counts, w, clock()) });
  });
}
