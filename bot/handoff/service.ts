import type { Reply } from '../../contracts/replies.js';
import type { Requester } from '../../flows/engine/index.js';
import type { Lang, NormalizedMessage } from '../../knowledge/index.js';
import type { Conversation } from '../conversations/store.js';
import { AgentSide } from './agent-side.js';
import { type AgentActionResult, HandoffContext, type HandoffServiceDeps, type Pusher } from './context.js';
import type { AgentDesk, Suggestion } from './desk.js';
import { Relay } from './relay.js';
import type { Agent, Handoff } from './state.js';
import { sweep } from './sweep.js';
import type { Written } from './ticket-writer.js';
import { UserSide } from './user-side.js';

export type { AgentActionResult, HandoffAudit, HandoffServiceDeps, Pusher } from './context.js';
export type { Written } from './ticket-writer.js';

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
  /**
   * A message while a ticket is being written (`c.ticketDraft`): for the ticket (replies), or about
   * something else (`released`: the conversation without the draft, for the dialogue to answer).
   */
  writeTicket(c: Conversation, message: NormalizedMessage): Promise<Written>;
}

/**
 * Conversations agents own: opening one at the desk, the bot's silence while agents own it, the
 * user's messages out to the desk and the agents' back to every open client (through the bus, so
 * whichever instance holds the user's socket), claiming, resolving, and the honest word to a user
 * nobody claimed in time. One face for the core and the desk; each side is a module of its own
 * (user-side, relay, agent-side, sweep, summary), sharing one context.
 */
export class HandoffService implements HandoffPort {
  private readonly ctx: HandoffContext;
  private readonly user: UserSide;
  private readonly relays: Relay;
  private readonly agents: AgentSide;

  constructor(deps: HandoffServiceDeps) {
    this.ctx = new HandoffContext(deps);
    this.relays = new Relay(this.ctx);
    this.user = new UserSide(this.ctx, this.relays);
    this.agents = new AgentSide(this.ctx);
  }

  /** Connected once the desk (Slack) is up; until then, and without one, no handover. */
  connect(desk: AgentDesk | undefined): void {
    this.ctx.desk = desk;
    // what waited for the desk (messages written while it was away) goes now
    if (desk)
      void this.sweep().catch((err: unknown) => this.ctx.deps.logger.warn({ err }, 'handoff sweep failed'));
  }

  get live(): boolean {
    return this.ctx.desk !== undefined;
  }

  /**
   * A channel that holds no socket open (Bot Framework) has the agents' messages pushed to it, once,
   * by the instance where the agent acted; `channel` matches the start of the user's channel name.
   */
  pushTo(channel: string, push: Pusher): void {
    this.ctx.pushers.set(channel, push);
  }

  request(
    c: Conversation,
    reason: string,
    requester: Requester,
    said?: string,
  ): Promise<{ replies: Reply[]; conversation: Conversation }> {
    return this.user.request(c, reason, requester, said);
  }

  writeTicket(c: Conversation, message: NormalizedMessage): Promise<Written> {
    return this.user.writeTicket(c, message);
  }

  /** After the turn that handed the conversation over is saved: the ticket at the desk. */
  open(conversationId: string): Promise<void> {
    return this.user.open(conversationId);
  }

  whileOwned(c: Conversation, action: string | undefined): { replies: Reply[]; conversation: Conversation } {
    return this.user.whileOwned(c, action);
  }

  afterTurn(
    before: Handoff | undefined,
    c: Conversation,
  ): { conversation: Conversation; after: (() => void) | undefined } {
    return this.user.afterTurn(before, c);
  }

  left(conversationId: string, handoff: Handoff): Promise<void> {
    return this.user.left(conversationId, handoff);
  }

  relay(conversationId: string, saved?: Conversation): void {
    this.relays.relay(conversationId, saved);
  }

  suggestion(message: string, lang: Lang): Suggestion | undefined {
    return this.relays.suggestion(message, lang);
  }

  claim(conversationId: string, agent: Agent, thread?: string): Promise<AgentActionResult> {
    return this.agents.claim(conversationId, agent, thread);
  }

  reply(conversationId: string, agent: Agent, message: string, thread?: string): Promise<AgentActionResult> {
    return this.agents.reply(conversationId, agent, message, thread);
  }

  sendArticle(
    conversationId: string,
    agent: Agent,
    articleId: string,
    thread?: string,
  ): Promise<AgentActionResult> {
    return this.agents.sendArticle(conversationId, agent, articleId, thread);
  }

  resolve(conversationId: string, agent: Agent, thread?: string): Promise<AgentActionResult> {
    return this.agents.resolve(conversationId, agent, thread);
  }

  /** Waiting handoffs nobody claimed in time are told so; messages the desk missed go now. */
  sweep(): Promise<number> {
    return sweep(this.ctx, { user: this.user, relay: this.relays });
  }

  /** An agent's action the desk handles itself (an internal note), for the audit trail. */
  record(action: string, conversationId: string, agent: Agent, outcome: string): Promise<void> {
    return this.ctx.record(action, conversationId, agent, outcome);
  }
}
