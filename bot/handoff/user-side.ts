import type { Reply } from '../../contracts/replies.js';
import { choices, text } from '../../contracts/replies.js';
import type { Requester } from '../../flows/engine/index.js';
import type { NormalizedMessage } from '../../knowledge/index.js';
import type { Conversation } from '../conversations/store.js';
import { maskText } from './contact.js';
import type { HandoffContext } from './context.js';
import type { HandoffSummary } from './desk.js';
import type { Relay } from './relay.js';
import type { Handoff, Ticket } from './state.js';
import { summarize } from './summary.js';
import { TicketWriter, type Written } from './ticket-writer.js';

/**
 * The user's side of a handoff: asking for a person, the ticket opening at the desk (or failing,
 * and the user told so), the bot's silence while agents own the conversation, going back to the
 * assistant. Without a desk (or when the desk cannot take it, or nobody claims it in time) the
 * user leaves a message with how to be reached: a ticket (ticket-writer.ts).
 */
export class UserSide {
  private readonly writer: TicketWriter;

  constructor(
    private readonly ctx: HandoffContext,
    private readonly relay: Relay,
  ) {
    this.writer = new TicketWriter(ctx, { left: (id, h) => this.left(id, h) });
  }

  /** The user's message while a ticket is being written (the dialogue routes it here first). */
  writeTicket(c: Conversation, message: NormalizedMessage): Promise<Written> {
    return this.writer.write(c, message);
  }

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
    // nobody to hand over to: never a promise of a person who is not there, but a message they will read
    if (!this.ctx.desk) return this.writer.offer(c, closed, reason, requester, said);
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
      await this.openFailed(conversationId, summary);
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

  /**
   * The desk could not take the conversation: the bot is back, says so, and offers to take a
   * message instead.
   */
  async openFailed(conversationId: string, summary?: HandoffSummary): Promise<void> {
    const { say } = this.ctx.deps;
    const result = await this.ctx.change(conversationId, undefined, (c, h) => {
      if (h.ticket) return { conversation: c, entries: [] };
      const [offer] = this.writer.offerReplies(c.lang, { merchant: h.merchantNo !== undefined });
      const said = offer?.type === 'text' ? offer.text : '';
      return {
        conversation: { ...c, handoff: undefined, ticketDraft: this.writer.draftFrom(h, summary?.given) },
        entries: [
          { at: this.ctx.now(), from: 'bot', replies: [text(`${say('handoff_failed', c.lang)}${said}`)] },
        ],
      };
    });
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
    if (action === 'handoff:message') {
      const prompt = [text(say('handoff_message_prompt', c.lang))];
      // with a thread to resume, the message is written outside the desk's silence (ticket-writer.ts)
      if (c.handoff?.ticket) return { replies: prompt, conversation: this.writer.park(c, c.handoff) };
      return { replies: prompt, conversation: c };
    }
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
    const turn = this.transitions(before, maskEmails(c));
    const saved = this.ctx.afterSave.get(c.id);
    this.ctx.afterSave.delete(c.id);
    if (!saved) return turn;
    return {
      conversation: turn.conversation,
      after: () => {
        turn.after?.();
        void saved().catch((err: unknown) =>
          this.ctx.deps.logger.error({ err, conversationId: c.id }, 'after a ticket turn'),
        );
      },
    };
  }

  private transitions(
    before: Handoff | undefined,
    c: Conversation,
  ): { conversation: Conversation; after: (() => void) | undefined } {
    if (!before && c.handoff?.ticket) {
      // a handoff set aside while the user left a message, resumed: what they wrote goes to the desk
      return { conversation: c, after: () => this.relay.relay(c.id, c) };
    }
    if (!before && c.handoff) {
      const conversation = { ...c, handoff: { ...c.handoff, relayedUpTo: c.seq } };
      return { conversation, after: () => void this.open(c.id) };
    }
    // set aside while a message is written is not gone
    if (before && !c.handoff && !c.ticketDraft?.handoff)
      return { conversation: c, after: () => void this.left(c.id, before) };
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

/**
 * The turn's own messages with e-mail addresses masked: the turn masks card and phone numbers
 * (contracts/masking), an address left for a ticket must not stay in the conversation either.
 */
function maskEmails(c: Conversation): Conversation {
  const from = c.messages.length - 2;
  if (!c.messages.slice(from).some((m) => m.from === 'user' && m.text?.includes('@'))) return c;
  return {
    ...c,
    messages: c.messages.map((m, i) =>
      i >= from && m.from === 'user' && m.text ? { ...m, text: maskText(m.text) } : m,
    ),
  };
}
