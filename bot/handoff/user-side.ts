import type { Reply } from '../../contracts/replies.js';
import { choices, text } from '../../contracts/replies.js';
import type { Requester } from '../../flows/engine/index.js';
import type { Conversation } from '../conversations/store.js';
import type { HandoffContext } from './context.js';
import type { HandoffSummary } from './desk.js';
import type { Relay } from './relay.js';
import type { Handoff, Ticket } from './state.js';
import { summarize } from './summary.js';

/**
 * The user's side of a handoff: asking for a person, the ticket opening at the desk (or failing,
 * and the user told so), the bot's silence while agents own the conversation, going back to the
 * assistant. Without a desk a person is asked for by saying how to reach one.
 */
export class UserSide {
  constructor(
    private readonly ctx: HandoffContext,
    private readonly relay: Relay,
  ) {}

  async request(
    c: Conversation,
    reason: string,
    requester: Requester,
    said?: string,
  ): Promise<{ replies: Reply[]; conversation: Conversation }> {
    const { say } = this.ctx.deps;
    const lang = c.lang;
    const closed = { ...c, flow: undefined, awaitingSolved: undefined };
    if (c.handoff) return { replies: [], conversation: c };
    if (!this.ctx.desk) return { replies: [text(say('human_agent', lang))], conversation: closed };
    // The ticket is opened after this turn is saved (open()), not under the conversation's lock:
    // the desk may be slow or rate-limited, and the lock's lease is short.
    const summary = summarize(this.ctx, c, reason, requester, said);
    this.ctx.opening.set(c.id, summary);
    const handoff: Handoff = {
      status: 'waiting',
      openedAt: summary.openedAt,
      reason,
      channel: requester.channel,
      relayedUpTo: 0,
      unclaimedNotified: false,
      ...(summary.reference && { reference: summary.reference }),
      ...(requester.merchantNo && { merchantNo: requester.merchantNo }),
    };
    return {
      replies: [
        text(say('handoff_connecting', lang)),
        choices([{ label: say('handoff_back_to_bot', lang), action: 'handoff:leave' }]),
      ],
      conversation: { ...closed, handoff, misunderstandings: 0 },
    };
  }

  /**
   * After the turn that handed the conversation over is saved: the ticket at the desk, then
   * whatever the user wrote meanwhile. If the desk cannot take it, the user hears so.
   */
  async open(conversationId: string): Promise<void> {
    const summary = this.ctx.opening.get(conversationId);
    if (!summary) return;
    try {
      await this.openTicket(conversationId, summary);
    } finally {
      this.ctx.opening.delete(conversationId);
    }
  }

  async openTicket(conversationId: string, summary: HandoffSummary): Promise<void> {
    const { logger, registry } = this.ctx.deps;
    const desk = this.ctx.desk;
    // The desk's list (App Home, the sweep) is one record changed under its own lock: under a burst
    // its writes queue, and the ticket must not wait behind them. Listed first (the sweep then
    // notices a ticket that never came), not awaited.
    void registry
      .opened({
        conversationId,
        openedAt: summary.openedAt,
        status: 'waiting',
        channel: summary.channel,
        reason: summary.reason,
        lang: summary.lang,
        unclaimedNotified: false,
      })
      .catch((err: unknown) => logger.error({ err, conversationId }, 'could not list the handoff'));
    let ticket: Ticket;
    try {
      if (!desk) throw new Error('the desk went away');
      ticket = await desk.open(summary);
    } catch (err) {
      logger.error({ err, conversationId }, 'could not open a handoff at the desk');
      await this.openFailed(conversationId);
      return;
    }
    let gone = false;
    await this.ctx.deps.store.update(conversationId, async (c) => {
      gone = !c.handoff;
      if (!c.handoff || c.handoff.ticket) return undefined;
      return { ...c, handoff: { ...c.handoff, ticket } };
    });
    if (gone) {
      // the user went back to the assistant before the ticket was there
      await this.ctx.tellDesk(ticket, conversationId, { kind: 'user_left' });
      return;
    }
    void registry
      .ticketed(conversationId, ticket)
      .catch((err: unknown) => logger.error({ err, conversationId }, 'could not list the ticket'));
    logger.info({ conversationId, desk: ticket.desk, reason: summary.reason }, 'handed over to agents');
    await this.ctx.relays.run(conversationId, () => this.relay.flush(conversationId));
  }

  /** The desk could not take the conversation: the bot is back and says how to reach a person. */
  async openFailed(conversationId: string): Promise<void> {
    const { say } = this.ctx.deps;
    const result = await this.ctx.change(conversationId, undefined, (c, h) =>
      h.ticket
        ? { conversation: c, entries: [] }
        : {
            conversation: { ...c, handoff: undefined },
            entries: [
              {
                at: this.ctx.now(),
                from: 'bot',
                replies: [text(`${say('handoff_failed', c.lang)}${say('human_agent', c.lang)}`)],
              },
            ],
          },
    );
    if (result.ok && result.added.length)
      await this.ctx.deps.registry.forget(conversationId).catch(() => undefined);
  }

  /**
   * A message while agents own the conversation: the bot stays silent, except for the user's own
   * handoff buttons (back to the assistant, leave a message). The desk hears of a leave in left().
   */
  whileOwned(c: Conversation, action: string | undefined): { replies: Reply[]; conversation: Conversation } {
    const { say, answers } = this.ctx.deps;
    if (action === 'handoff:leave' && c.handoff) {
      return {
        replies: [text(say('handoff_left', c.lang)), choices(answers.mainTopics(c.lang))],
        conversation: { ...c, handoff: undefined },
      };
    }
    if (action === 'handoff:message')
      return { replies: [text(say('handoff_message_prompt', c.lang))], conversation: c };
    return { replies: [], conversation: c };
  }

  /**
   * The hand-over's transitions across one turn, from the handoff before it to the conversation
   * after it: handed over now (the ticket opens once the turn is saved; the turn's messages are in
   * its summary, not relayed again), the user went back to the assistant, or a message to relay.
   * `after` runs once the turn is saved, never under the conversation's lock.
   */
  afterTurn(
    before: Handoff | undefined,
    c: Conversation,
  ): { conversation: Conversation; after: (() => void) | undefined } {
    if (!before && c.handoff) {
      const conversation = { ...c, handoff: { ...c.handoff, relayedUpTo: c.seq } };
      return { conversation, after: () => void this.open(c.id) };
    }
    if (before && !c.handoff) return { conversation: c, after: () => void this.left(c.id, before) };
    if (c.handoff) return { conversation: c, after: () => this.relay.relay(c.id, c) };
    return { conversation: c, after: undefined };
  }

  /** After the turn in which the user went back to the assistant is saved. */
  async left(conversationId: string, handoff: Handoff): Promise<void> {
    this.ctx.progress.delete(conversationId);
    await this.ctx.deps.registry
      .closed(conversationId, 'left')
      .catch((err: unknown) =>
        this.ctx.deps.logger.error({ err, conversationId }, 'could not unlist the handoff'),
      );
    await this.ctx.tellDesk(handoff.ticket, conversationId, { kind: 'user_left' });
  }
}
