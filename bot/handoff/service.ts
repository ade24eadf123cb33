import type { Logger } from '../../contracts/logger.js';
import { append, type ChatMessage } from '../../contracts/messages.js';
import { type CardReply, choices, type Reply, text } from '../../contracts/replies.js';
import type { Requester } from '../../flows/engine/index.js';
import type { IntentId, Lang } from '../../knowledge/index.js';
import type { Answers } from '../answers.js';
import { KeyedMutex } from '../conversations/keyed-mutex.js';
import type { Conversation, ConversationStore } from '../conversations/store.js';
import type { Say } from '../messages.js';
import type { EventBus } from '../ports.js';
import type { AgentDesk, HandoffSummary, Suggestion } from './desk.js';
import type { HandoffRegistry } from './registry.js';
import type { Agent, Handoff, Ticket } from './state.js';

/**
 * Where a person is asked for: the replies, and the conversation as it is now. `live` when agents
 * can take a conversation over right now.
 */
export interface HandoffPort {
  readonly live: boolean;
  request(
    c: Conversation,
    reason: string,
    requester: Requester,
    said?: string,
  ): Promise<{ replies: Reply[]; conversation: Conversation }>;
}

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
}

export type AgentActionResult =
  | { ok: true; conversation: Conversation }
  | { ok: false; reason: 'gone' | 'not_handed_over' | 'taken'; by?: Agent };

type Changed =
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

const TRANSCRIPT = 12;
/** A handoff whose ticket was never opened after this long is given up (see sweep). */
const STUCK_OPENING_MS = 2 * 60_000;

/**
 * Conversations agents own: opening one at the desk, the bot's silence while agents own it, the
 * user's messages out to the desk and the agents' back to every open client (through the bus, so
 * whichever instance holds the user's socket), claiming, resolving, and the honest word to a user
 * nobody claimed in time. Without a desk a person is asked for by saying how to reach one.
 */
export class HandoffService implements HandoffPort {
  private desk: AgentDesk | undefined;
  private readonly pushers = new Map<string, Pusher>();
  /** What this instance has relayed lately, ahead of the conversation's own record of it. */
  private readonly progress = new Map<string, number>();
  /** Summaries of handoffs asked for in a turn not yet saved, for open(). */
  private readonly opening = new Map<string, HandoffSummary>();
  // the user's messages reach the desk in the order they were written
  private readonly relays = new KeyedMutex();

  constructor(private readonly deps: HandoffServiceDeps) {}

  /** Connected once the desk (Slack) is up; until then, and without one, no handover. */
  connect(desk: AgentDesk | undefined): void {
    this.desk = desk;
    // what waited for the desk (messages written while it was away) goes now
    if (desk)
      void this.sweep().catch((err: unknown) => this.deps.logger.warn({ err }, 'handoff sweep failed'));
  }

  get live(): boolean {
    return this.desk !== undefined;
  }

  /**
   * A channel that holds no socket open (Bot Framework) has the agents' messages pushed to it, once,
   * by the instance where the agent acted; `channel` matches the start of the user's channel name.
   */
  pushTo(channel: string, push: Pusher): void {
    this.pushers.set(channel, push);
  }

  private async push(channel: string, conversationId: string, messages: ChatMessage[]): Promise<void> {
    const push = [...this.pushers].find(([name]) => channel === name || channel.startsWith(`${name}/`))?.[1];
    if (!push) return;
    await push(conversationId, messages).catch((err: unknown) =>
      this.deps.logger.error({ err, conversationId, channel }, 'could not deliver agent messages'),
    );
  }

  async request(
    c: Conversation,
    reason: string,
    requester: Requester,
    said?: string,
  ): Promise<{ replies: Reply[]; conversation: Conversation }> {
    const { say } = this.deps;
    const lang = c.lang;
    const closed = { ...c, flow: undefined, awaitingSolved: undefined };
    if (c.handoff) return { replies: [], conversation: c };
    if (!this.desk) return { replies: [text(say('human_agent', lang))], conversation: closed };
    // The ticket is opened after this turn is saved (open()), not under the conversation's lock:
    // the desk may be slow or rate-limited, and the lock's lease is short.
    const summary = this.summarize(c, reason, requester, said);
    this.opening.set(c.id, summary);
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
    const summary = this.opening.get(conversationId);
    if (!summary) return;
    try {
      await this.openTicket(conversationId, summary);
    } finally {
      this.opening.delete(conversationId);
    }
  }

  private async openTicket(conversationId: string, summary: HandoffSummary): Promise<void> {
    const { logger, registry } = this.deps;
    const desk = this.desk;
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
    await this.deps.store.update(conversationId, async (c) => {
      gone = !c.handoff;
      if (!c.handoff || c.handoff.ticket) return undefined;
      return { ...c, handoff: { ...c.handoff, ticket } };
    });
    if (gone) {
      // the user went back to the assistant before the ticket was there
      await this.tellDesk(ticket, conversationId, { kind: 'user_left' });
      return;
    }
    void registry
      .ticketed(conversationId, ticket)
      .catch((err: unknown) => logger.error({ err, conversationId }, 'could not list the ticket'));
    logger.info({ conversationId, desk: ticket.desk, reason: summary.reason }, 'handed over to agents');
    await this.relays.run(conversationId, () => this.flush(conversationId));
  }

  /** The desk could not take the conversation: the bot is back and says how to reach a person. */
  private async openFailed(conversationId: string): Promise<void> {
    const { say } = this.deps;
    const result = await this.change(conversationId, undefined, (c, h) =>
      h.ticket
        ? { conversation: c, entries: [] }
        : {
            conversation: { ...c, handoff: undefined },
            entries: [
              {
                at: this.now(),
                from: 'bot',
                replies: [text(`${say('handoff_failed', c.lang)}${say('human_agent', c.lang)}`)],
              },
            ],
          },
    );
    if (result.ok && result.added.length)
      await this.deps.registry.forget(conversationId).catch(() => undefined);
  }

  /**
   * A message while agents own the conversation: the bot stays silent, except for the user's own
   * handoff buttons (back to the assistant, leave a message). The desk hears of a leave in left().
   */
  whileOwned(c: Conversation, action: string | undefined): { replies: Reply[]; conversation: Conversation } {
    const { say, answers } = this.deps;
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
    if (c.handoff) return { conversation: c, after: () => this.relay(c.id, c) };
    return { conversation: c, after: undefined };
  }

  /** After the turn in which the user went back to the assistant is saved. */
  async left(conversationId: string, handoff: Handoff): Promise<void> {
    this.progress.delete(conversationId);
    await this.deps.registry
      .closed(conversationId, 'left')
      .catch((err: unknown) =>
        this.deps.logger.error({ err, conversationId }, 'could not unlist the handoff'),
      );
    await this.tellDesk(handoff.ticket, conversationId, { kind: 'user_left' });
  }

  /**
   * The user wrote (or sent a file) while agents own the conversation: it goes to the desk, in
   * order. What the desk could not take yet (no ticket yet, the desk down) stays pending in the
   * conversation and goes with the next message or the next sweep: nothing is lost.
   */
  relay(conversationId: string, saved?: Conversation): void {
    void this.relays
      .run(conversationId, () => this.flush(conversationId, saved))
      .catch((err: unknown) =>
        this.deps.logger.error({ err, conversationId }, 'could not pass messages to the agents; will retry'),
      );
  }

  /** `saved`: the conversation as the turn just saved it (saves reading it again). */
  private async flush(conversationId: string, saved?: Conversation): Promise<void> {
    const desk = this.desk;
    if (!desk) return;
    const c = saved ?? (await this.deps.store.load(conversationId));
    const h = c?.handoff;
    if (!c || !h?.ticket) return;
    const ticket = h.ticket;
    // relays of one conversation run one after another; a snapshot may predate what an earlier
    // relay already sent, which this instance remembers
    const from = Math.max(h.relayedUpTo, this.progress.get(conversationId) ?? 0);
    let done = from;
    try {
      for (const m of c.messages.filter((x) => x.from === 'user' && x.id > from)) {
        const said = m.text ?? m.label;
        await desk.userSaid(ticket, conversationId, m, said ? this.suggestion(said, c.lang) : undefined);
        done = m.id;
        this.progress.set(conversationId, done);
      }
    } finally {
      // one write for what went, whether all of it went or not
      if (done > h.relayedUpTo) {
        const upTo = done;
        await this.deps.store.update(conversationId, async (x) =>
          x.handoff && x.handoff.relayedUpTo < upTo
            ? { ...x, handoff: { ...x.handoff, relayedUpTo: upTo } }
            : undefined,
        );
      }
    }
  }

  suggestion(message: string, lang: Lang): Suggestion | undefined {
    const id = this.deps.suggest(message, lang);
    const replies = id ? this.deps.answers.article(id, lang) : undefined;
    const card = replies?.find((r) => r.type === 'article');
    const first = replies?.find((r) => r.type === 'text');
    if (!id || !card || !first) return undefined;
    return { articleId: id, title: card.title, text: first.text };
  }

  /**
   * An agent takes the conversation; the user sees them join. `thread` (where the agent acted) must
   * be this handoff's ticket: a button or reply in an older, resolved thread reaches nobody.
   */
  async claim(conversationId: string, agent: Agent, thread?: string): Promise<AgentActionResult> {
    const result = await this.change(conversationId, thread, (c, h) => {
      if (h.status === 'claimed') {
        if (h.agent?.id === agent.id) return { conversation: c, entries: [] };
        return { refused: 'taken' as const, by: h.agent };
      }
      return this.claimedBy(c, h, agent, []);
    });
    return this.afterAgent('claim', conversationId, agent, result);
  }

  /** An agent's reply reaches the user; replying to a waiting conversation claims it. */
  async reply(
    conversationId: string,
    agent: Agent,
    message: string,
    thread?: string,
  ): Promise<AgentActionResult> {
    return this.agentSays(conversationId, agent, { text: message.slice(0, 4000) }, 'reply', thread);
  }

  /** The bot's suggested article, sent as the agent's answer. */
  async sendArticle(
    conversationId: string,
    agent: Agent,
    articleId: string,
    thread?: string,
  ): Promise<AgentActionResult> {
    const c = await this.deps.store.load(conversationId);
    const replies = c && this.deps.answers.article(articleId, c.lang);
    if (!replies) return { ok: false, reason: 'gone' };
    return this.agentSays(
      conversationId,
      agent,
      { replies: replies.filter((r) => r.type !== 'choices') },
      'send_suggestion',
      thread,
    );
  }

  /** The agents are done: the bot is back and asks whether it was solved. */
  async resolve(conversationId: string, agent: Agent, thread?: string): Promise<AgentActionResult> {
    const { say, answers } = this.deps;
    const result = await this.change(conversationId, thread, (c) => {
      const question = answers.solvedQuestion(c.lang);
      return {
        conversation: { ...c, handoff: undefined, awaitingSolved: 'handoff', offered: question[1].choices },
        entries: [
          { at: this.now(), from: 'system', text: say('agent_left', c.lang, { name: agent.name }) },
          { at: this.now(), from: 'bot', replies: question },
        ],
      };
    });
    if (result.ok) {
      this.progress.delete(conversationId);
      await this.deps.registry.closed(conversationId, 'resolved');
      await this.tellDesk(result.ticket, conversationId, { kind: 'resolved', agent });
    }
    await this.audit('resolve', conversationId, agent, result);
    return strip(result);
  }

  /**
   * Waiting handoffs nobody claimed in time: the user hears so honestly, once, and may leave a
   * message (which still reaches the agents) or go back to the assistant. Returns how many.
   */
  async sweep(): Promise<number> {
    const { registry, say, claimTimeoutMs } = this.deps;
    const now = this.deps.clock().getTime();
    let told = 0;
    for (const open of await registry.list()) {
      const c = await this.deps.store.load(open.conversationId);
      if (!c?.handoff) {
        this.progress.delete(open.conversationId);
        await registry.forget(open.conversationId);
        continue;
      }
      if (!c.handoff.ticket) {
        // an instance that went away between the turn and the desk: the user must not wait forever
        if (!this.opening.has(c.id) && now - Date.parse(c.handoff.openedAt) > STUCK_OPENING_MS)
          await this.openFailed(c.id);
        continue;
      }
      // messages the desk could not take before (it was down): now
      await this.relays
        .run(c.id, () => this.flush(c.id))
        .catch((err: unknown) =>
          this.deps.logger.warn({ err, conversationId: c.id }, 'messages still waiting for the desk'),
        );
      if (open.status !== 'waiting' || open.unclaimedNotified) continue;
      if (now - Date.parse(open.openedAt) < claimTimeoutMs) continue;
      const result = await this.change(open.conversationId, undefined, (c, h) => {
        if (h.status !== 'waiting' || h.unclaimedNotified) return { conversation: c, entries: [] };
        const offered = [
          { label: say('handoff_leave_message', c.lang), action: 'handoff:message' },
          { label: say('handoff_back_to_bot', c.lang), action: 'handoff:leave' },
        ];
        return {
          conversation: { ...c, handoff: { ...h, unclaimedNotified: true }, offered },
          entries: [
            {
              at: this.now(),
              from: 'bot',
              replies: [text(say('handoff_unclaimed', c.lang)), choices(offered)],
            },
          ],
        };
      });
      if (!result.ok || !result.added.length) continue;
      told++;
      await registry.unclaimed(open.conversationId);
      await this.tellDesk(result.ticket, open.conversationId, {
        kind: 'unclaimed',
        minutes: Math.round(claimTimeoutMs / 60_000),
      });
    }
    return told;
  }

  private async agentSays(
    conversationId: string,
    agent: Agent,
    said: { text?: string; replies?: Reply[] },
    action: string,
    thread: string | undefined,
  ): Promise<AgentActionResult> {
    const result = await this.change(conversationId, thread, (c, h) => {
      const message: Omit<ChatMessage, 'id'> = { at: this.now(), from: 'agent', author: agent.name, ...said };
      if (h.status === 'claimed') return { conversation: c, entries: [message] };
      return this.claimedBy(c, h, agent, [message]);
    });
    return this.afterAgent(action, conversationId, agent, result);
  }

  /** A waiting conversation becomes the agent's: the user sees them join, then `then`. */
  private claimedBy(
    c: Conversation,
    h: Handoff,
    agent: Agent,
    then: Array<Omit<ChatMessage, 'id'>>,
  ): { conversation: Conversation; entries: Array<Omit<ChatMessage, 'id'>> } {
    const joined: Omit<ChatMessage, 'id'> = {
      at: this.now(),
      from: 'system',
      text: this.deps.say('agent_joined', c.lang, { name: agent.name }),
    };
    return {
      conversation: { ...c, handoff: { ...h, status: 'claimed', agent, claimedAt: this.now() } },
      entries: [joined, ...then],
    };
  }

  /** After an agent's claim or message: the desk's list and ticket learn of a claim; audited. */
  private async afterAgent(
    action: string,
    conversationId: string,
    agent: Agent,
    result: Changed,
  ): Promise<AgentActionResult> {
    if (result.ok && result.claimedNow) {
      await this.deps.registry.claimed(conversationId, agent);
      await this.tellDesk(result.ticket, conversationId, { kind: 'claimed', agent });
    }
    await this.audit(action, conversationId, agent, result);
    return strip(result);
  }

  /**
   * Changes a handed-over conversation under its lock, numbers the new messages and sends them to
   * every open client.
   */
  private async change(
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
    await this.deps.store.update(conversationId, async (c) => {
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

  private summarize(c: Conversation, reason: string, requester: Requester, said?: string): HandoffSummary {
    const given = Object.fromEntries(
      Object.entries(c.flow?.slots ?? {}).filter((e): e is [string, string | number | boolean] =>
        ['string', 'number', 'boolean'].includes(typeof e[1]),
      ),
    );
    const transcript: ChatMessage[] = [
      ...c.messages,
      ...(said ? [{ id: c.seq + 1, at: this.now(), from: 'user' as const, text: said }] : []),
    ].slice(-TRANSCRIPT);
    const status = [...c.messages]
      .reverse()
      .flatMap((m) => m.replies ?? [])
      .find((r): r is CardReply => r.type === 'card');
    const reference =
      (typeof given.reference === 'string' && given.reference) ||
      [...transcript]
        .reverse()
        .map((m) => (m.from === 'user' ? /(?<!\d)\d{12}(?!\d)/.exec(m.text ?? '')?.[0] : undefined))
        .find(Boolean);
    const intent = c.lastIntent as IntentId | undefined;
    return {
      conversationId: c.id,
      lang: c.lang,
      channel: requester.channel,
      reason,
      openedAt: this.now(),
      given,
      transcript,
      ...(intent && { intent: { id: intent, title: this.deps.answers.intentLabel(intent, c.lang) } }),
      ...(requester.merchantNo && { merchantNo: requester.merchantNo }),
      ...(reference && { reference }),
      ...(status && { status }),
    };
  }

  private async tellDesk(
    ticket: Handoff['ticket'] | undefined,
    conversationId: string,
    event: Parameters<AgentDesk['event']>[2],
  ): Promise<void> {
    if (!this.desk || !ticket) return;
    await this.desk
      .event(ticket, conversationId, event)
      .catch((err: unknown) => this.deps.logger.warn({ err, conversationId }, 'could not update the ticket'));
  }

  private async audit(
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

  private now(): string {
    return this.deps.clock().toISOString();
  }
}

function strip(r: Changed): AgentActionResult {
  return r.ok ? { ok: true, conversation: r.conversation } : r;
}
