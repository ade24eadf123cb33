import { setTimeout as sleep } from 'node:timers/promises';
import type { App, BlockAction, types, webApi } from '@slack/bolt';
import type { AgentActionResult } from '../../../bot/handoff/index.js';
import { ACTIONS } from './blocks.js';
import { statusFor } from './commands.js';
import type { SlackDeps } from './deps.js';
import { fromMrkdwn } from './mrkdwn.js';

/** "note:" (or 备注：) at the start: for the other agents, never for the user. */
const NOTE = /^\s*(note|备注)\s*[:：]/i;

/**
 * The agents' side of a handoff, in its thread: Claim, Resolve, Look up, Send (the bot's
 * suggestion), and replies in the thread, which reach the user's widget live.
 */
export function registerHandoffListeners(app: App, deps: SlackDeps): void {
  const { handoffs, words: w, agents, logger, desk } = deps;
  if (!desk) return;

  /**
   * The conversation of a thread. A reply can arrive a moment before the desk has stored the new
   * thread (it learns the thread's id from Slack's answer): look again briefly before ignoring it.
   */
  const threadConversation = async (place: string, thread: string) => {
    for (let attempt = 0; ; attempt++) {
      const id = await desk.conversationOf(place, thread);
      if (id || attempt === 3) return id;
      await sleep(100);
    }
  };

  /** A word to the agent alone, in the thread they acted in. */
  const whisper = async (
    client: webApi.WebClient,
    body: BlockAction,
    text: string,
    blocks?: types.KnownBlock[],
  ) => {
    const channel = body.channel?.id;
    if (!channel) return;
    await client.chat.postEphemeral({
      channel,
      user: body.user.id,
      text,
      ...(blocks && { blocks }),
      ...(body.message?.thread_ts && { thread_ts: body.message.thread_ts }),
    });
  };
  const refusal = (r: AgentActionResult) =>
    r.ok ? undefined : r.reason === 'taken' ? w('takenBy', { agent: r.by?.name ?? '' }) : w('closed');
  /** The thread a button was pressed in: the root message's own ts, or its thread's. */
  const threadOf = (body: BlockAction) => body.message?.thread_ts ?? body.message?.ts;
  const buttonValue = (action: unknown) =>
    typeof action === 'object' && action !== null && 'value' in action && typeof action.value === 'string'
      ? action.value
      : '';

  app.action<BlockAction>(ACTIONS.claim, async ({ ack, body, action, client }) => {
    await ack();
    const agent = await agents.of(client, body.user.id, body.user.name);
    const refused = refusal(await handoffs.claim(buttonValue(action), agent, threadOf(body)));
    if (refused) await whisper(client, body, refused);
  });

  app.action<BlockAction>(ACTIONS.resolve, async ({ ack, body, action, client }) => {
    await ack();
    const agent = await agents.of(client, body.user.id, body.user.name);
    const refused = refusal(await handoffs.resolve(buttonValue(action), agent, threadOf(body)));
    if (refused) await whisper(client, body, refused);
  });

  app.action<BlockAction>(ACTIONS.lookUp, async ({ ack, body, action, client }) => {
    await ack();
    const conversation = await deps.store.load(buttonValue(action));
    const reference = conversation?.handoff?.reference;
    if (!reference) {
      await whisper(client, body, w('noReference'));
      return;
    }
    const reply = await statusFor(
      deps,
      reference,
      { team: body.team?.id, user: body.user.id },
      { shareable: false },
    );
    await whisper(client, body, reply.text, reply.ok ? reply.blocks : undefined);
  });

  app.action<BlockAction>(ACTIONS.send, async ({ ack, body, action, client }) => {
    await ack();
    const [conversationId = '', articleId = ''] = buttonValue(action).split('|', 2);
    const agent = await agents.of(client, body.user.id, body.user.name);
    const result = await handoffs.sendArticle(conversationId, agent, articleId, threadOf(body));
    await whisper(client, body, refusal(result) ?? w('sent', { agent: agent.name }));
  });

  // an agent's reply in a handoff thread
  app.message(async ({ message, client }) => {
    if (!('thread_ts' in message) || !message.thread_ts || message.thread_ts === message.ts) return;
    if (message.channel !== deps.supportChannel) return;
    if (message.subtype !== undefined && message.subtype !== 'file_share') return;
    const conversationId = await threadConversation(message.channel, message.thread_ts);
    if (!conversationId || !message.user) return;
    if (message.subtype === 'file_share') {
      // files stay in Slack: the agent is told rather than left believing the user has it
      await client.chat.postEphemeral({
        channel: message.channel,
        user: message.user,
        thread_ts: message.thread_ts,
        text: w('fileNotSent'),
      });
      if (!message.text?.trim()) return;
    }
    const text = message.text ?? '';
    const agent = await agents.of(client, message.user);
    const react = (name: string) =>
      client.reactions
        .add({ channel: message.channel, timestamp: message.ts, name })
        .catch((err: unknown) => logger.warn({ err }, 'could not add a reaction'));
    if (NOTE.test(text)) {
      await handoffs.record('note', conversationId, agent, 'internal');
      await react('lock');
      return;
    }
    const said = fromMrkdwn(text);
    if (!said) return;
    const result = await handoffs.reply(conversationId, agent, said, message.thread_ts);
    if (result.ok) {
      await react('white_check_mark');
      return;
    }
    logger.info({ conversationId, reason: result.reason }, 'agent reply not delivered');
    await client.chat.postEphemeral({
      channel: message.channel,
      user: message.user,
      thread_ts: message.thread_ts,
      text: w('notDelivered'),
    });
  });
}
