import type { App } from '@slack/bolt';
import type { Requester } from '../../../flows/engine/index.js';
import { detectLanguage, normalize } from '../../../knowledge/index.js';
import { ACTIONS, type KbHit, kbBlocks, replyBlocks, replyText, sharedBy, statusBlocks } from './blocks.js';
import type { SlackDeps } from './deps.js';

const REFERENCE = /(?<!\d)\d{12}(?!\d)/;

type StatusReply =
  | { ok: true; blocks: ReturnType<typeof statusBlocks>; text: string }
  | { ok: false; text: string };

/**
 * The live status of one reference for an agent: a Block Kit card, or why not. Agents see what
 * they ask for (no proof asked); every look-up is audited with their Slack user id.
 */
export async function statusFor(
  deps: SlackDeps,
  reference: string,
  who: { team?: string | undefined; user: string },
  /** Whether the card carries a "post to the channel" button (only where it is shown privately). */
  { shareable }: { shareable: boolean },
): Promise<StatusReply> {
  const { lookups, words: w, lang } = deps;
  const requester: Requester = {
    channel: 'slack',
    role: 'agent',
    conversationId: `slack:${who.team ?? '-'}:${who.user}`,
    actor: who.user,
  };
  const answer = await lookups.status({ reference }, requester, 'transaction');
  if (answer.outcome === 'found') {
    const card = lookups.toResult(answer, lang).replies.find((r) => r.type === 'card');
    if (card) return { ok: true, blocks: statusBlocks(card, reference, w, shareable), text: card.title };
  }
  if (answer.outcome === 'not_found') return { ok: false, text: w('notFound', { reference }) };
  if (answer.outcome === 'unavailable') return { ok: false, text: w('unavailable') };
  return { ok: false, text: w('denied') };
}

/** `/refund <reference>`, `/kb <question>`, and their "share" and "post to channel" buttons. */
export function registerCommands(app: App, deps: SlackDeps): void {
  const { words: w, logger, assistant } = deps;

  app.command('/refund', async ({ command, ack, respond }) => {
    const reference = REFERENCE.exec(normalize(command.text ?? ''))?.[0];
    if (!reference) {
      await ack({ response_type: 'ephemeral', text: w('refundUsage') });
      return;
    }
    // Slack wants the ack within three seconds; the acquirer may take longer
    await ack();
    const reply = await statusFor(
      deps,
      reference,
      { team: command.team_id, user: command.user_id },
      { shareable: true },
    );
    await respond({
      response_type: 'ephemeral',
      text: reply.text,
      ...(reply.ok && { blocks: reply.blocks }),
    });
  });

  app.action(ACTIONS.share, async ({ ack, body, action, respond }) => {
    await ack();
    const reference = 'value' in action && typeof action.value === 'string' ? action.value : '';
    if (!REFERENCE.test(reference)) return;
    const reply = await statusFor(
      deps,
      reference,
      { team: body.team?.id, user: body.user.id },
      { shareable: false },
    );
    if (!reply.ok) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: reply.text });
      return;
    }
    await respond({
      response_type: 'in_channel',
      replace_original: false,
      text: reply.text,
      blocks: [...reply.blocks, sharedBy(body.user.id, w)],
    });
  });

  app.command('/kb', async ({ command, ack }) => {
    const query = (command.text ?? '').trim().slice(0, 500);
    if (!query) {
      await ack({ response_type: 'ephemeral', text: w('kbUsage') });
      return;
    }
    const lang = detectLanguage(normalize(query)) ?? deps.lang;
    const { understanding, articles } = assistant.understand(query, lang);
    const ids = [...new Set([...articles, ...understanding.hits.map((h) => h.id)])].slice(0, 3);
    const hits: KbHit[] = ids.flatMap((id) => {
      const card = assistant.answers.article(id, lang)?.find((r) => r.type === 'article');
      return card ? [{ id, lang, title: card.title, snippet: card.snippet, url: card.url }] : [];
    });
    logger.info({ user: command.user_id, team: command.team_id, hits: hits.length }, 'slack /kb');
    // search is fast: the answer goes straight back as the ack
    await ack({
      response_type: 'ephemeral',
      text: hits.length ? (hits[0]?.title ?? '') : w('kbNone'),
      ...(hits.length && { blocks: kbBlocks(query, hits, w) }),
    });
  });

  app.action(ACTIONS.post, async ({ ack, body, action, respond }) => {
    await ack();
    const value = 'value' in action && typeof action.value === 'string' ? action.value : '';
    const [lang, id = ''] = value.split(':', 2);
    const replies = (lang === 'zh' || lang === 'en') && assistant.answers.article(id, lang);
    if (!replies) return;
    await respond({
      response_type: 'in_channel',
      replace_original: false,
      text: replyText(replies),
      blocks: [...replyBlocks(replies), sharedBy(body.user.id, w)],
    });
  });
}
