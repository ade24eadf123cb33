import type { Logger } from '../../contracts/logger.js';
import { append, type ChatMessage } from '../../contracts/messages.js';
import type { Commands, Lang, Localized } from '../../knowledge/index.js';
import type { Answers } from '../answers.js';
import { KeyedMutex } from '../conversations/keyed-mutex.js';
import type { Conversation, ConversationStore } from '../conversations/store.js';
import type { InsightsSink } from '../insights/events.js';
import type { Say } from '../messages.js';
import type { EventBus } from '../ports.js';
import type { AgentDesk, HandoffSummary } from './desk.js';
import type { HandoffRegistry } from './registry.js';
import type { Agent, Handoff } from './state.js';
import type { TicketStore } from './tickets.js';

/** One agent action, for the audit trail (the desk adds who and where). */
export type HandoffAudit = (entry: {
  action: string;
  conversationId: string;
  agent?: Agent;
  outcome: string;
  desk: string;
}) => Promise<void>;

export interface HandoffServiceDeps {
  store: ConversationStore;
  registry: HandoffRegistry;
  answers: Answers;
  say: Say;
  logger: Logger;
  clock: () => Date;
  bus?: EventBus;
  /** A waiting handoff nobody claims in this time: the user is told, and offered to leave a message. */
  claimTimeoutMs: number;
  /** The bot's best article for a message, offered to agents. */
  suggest: (message: string, lang: Lang) => string | undefined;
  audit?: HandoffAudit;
  /** Messages left for a person, with how to reach the user. */
  tickets: TicketStore;
  /** Named with every ticket and whenever no agent can be reached (knowledge/policy.yml, SUPPORT_HOTLINE). */
  hotline: { number: string; name: Localized };
  /** "算了" / cancel while a ticket is written. */
  commands: Commands;
  /** Hand-overs claimed and resolved, tickets left (bot/insights). */
  insights?: InsightsSink;
}

export type AgentActionResult =
  | { ok: true; conversation: Conversation }
  | { ok: false; reason: 'gone' | 'not_handed_over' | 'taken'; by?: Agent };

export type Changed =
  | {
      ok: true;
      conversation: Conversation;
      added: ChatMessage[];
      claimedNow: boolean;
      ticket: Handoff['ticket'];
      channel: string;
    }
  | { ok: false; reason: 'gone' | 'not_handed_over' | 'taken'; by?: Agent };

/** Delivers new messages of a conversation to its user on a channel without a live socket. */
export type Pusher = (conversationId: string, messages: ChatMessage[]) => Promise<void>;

export function strip(r: Changed): AgentActionResult {
  return r.ok ? { ok: true, conversation: r.conversation } : r;
}

/**
 * What every side of a handoff shares: the desk (once connected), channels that are pushed to,
 * what this instance has relayed, summaries waiting for their ticket, and the one way to change a
 * handed-over conversation (under its lock, numbered, sent to every open client).
 */
export class HandoffContext {
  desk: AgentDesk | undefined;
  readonly pushers = new Map<string, Pusher>();
  /** What this instance has relayed lately, ahead of the conversation's own record of it. */
  readonly progress = new Map<string, number>();
  /** Summaries of handoffs asked for in a turn not yet saved, for open(). */
  readonly opening = new Map<string, HandoffSummary>();
  // the user's messages reach the desk in the order they were written
  readonly relays = new KeyedMutex();
  /** What a turn that wrote a ticket does once it is saved (post it to the desk, tell a thread). */
  readonly afterSave = new Map<string, () => Promise<void>>();

  constructor(readonly deps: HandoffServiceDeps) {}

  async push(channel: string, conversationId: string, messages: ChatMessage[]): Promise<void> {
    const push = [...this.pushers].find(([name]) => channel === name || channel.startsWith(`${name}/`))?.[1];
    if (!push) return;
    await push(conversationId, messages).catch((err: unknown) =>
      this.deps.logger.error({ err, conversationId, channel }, 'could not deliver agent messages'),
    );
  }

  /**
   * Changes a handed-over conversation under its lock, numbers the new messages and sends them to
   * every open client.
   */
  async change(
    conversationId: string,
    thread: string | undefined,
    step: (
      c: Conversation,
      h: Handoff,
    ) =>
      | { conversation: Conversation; entries: Array<Omit<ChatMessage, 'id'>> }
      | { refused: 'taken'; by: Agent | undefined },
  ): Promise<Changed> {
    // set inside the locked update; a conversation that is gone leaves it as it starts
    let outcome = { ok: false, reason: 'gone' } as Changed;
    await this.deps.store.update(conversationId, async (loaded) => {
      // an agent acting on a handoff set aside while the user leaves a message takes it back up
      const parked = loaded.ticketDraft?.handoff;
      const c = !loaded.handoff && parked ? { ...loaded, handoff: parked, ticketDraft: undefined } : loaded;
      const h = c.handoff;
      // (a ticket still being saved has just been vouched for by the desk that posted it)
      if (!h || (thread !== undefined && h.ticket !== undefined && h.ticket.thread !== thread)) {
        outcome = { ok: false, reason: 'not_handed_over' };
        return undefined;
      }
      const next = step(c, h);
      if ('refused' in next) {
        outcome = { ok: false, reason: next.refused, ...(next.by && { by: next.by }) };
        return undefined;
      }
      const log = append(next.conversation, next.entries);
      const conversation = {
        ...next.conversation,
        seq: log.seq,
        messages: log.messages,
        updatedAt: this.now(),
      };
      outcome = {
        ok: true,
        conversation,
        added: log.added,
        claimedNow: h.status === 'waiting' && conversation.handoff?.status === 'claimed',
        ticket: h.ticket,
        channel: h.channel,
      };
      return conversation;
    });
    const done = outcome as Changed;
    if (done.ok && done.added.length) {
      await this.deps.bus
        ?.publish({ conversationId, messages: done.added })
        .catch((err: unknown) => this.deps.logger.warn({ err }, 'could not publish agent messages'));
      await this.push(done.channel, conversationId, done.added);
    }
    return done;
  }

  async tellDesk(
    ticket: Handoff['ticket'] | undefined,
    conversationId: string,
    event: Parameters<AgentDesk['event']>[2],
  ): Promise<void> {
    if (!this.desk || !ticket) return;
    await this.desk
      .event(ticket, conversationId, event)
      .catch((err: unknown) => this.deps.logger.warn({ err, conversationId }, 'could not update the ticket'));
  }

  async audit(
    action: string,
    conversationId: string,
    agent: Agent,
    result: { ok: boolean; reason?: string },
  ): Promise<void> {
    await this.record(action, conversationId, agent, result.ok ? 'ok' : (result.reason ?? 'refused'));
  }

  /** An agent's action the desk handles itself (an internal note), for the audit trail. */
  async record(action: string, conversationId: string, agent: Agent, outcome: string): Promise<void> {
    await this.deps.audit?.({ action, conversationId, agent, outcome, desk: this.desk?.name ?? 'desk' });
  }

  now(): string {
    return this.deps.clock().toISOString();
  }
}
