import type { ChatMessage } from '../../contracts/messages.js';
import type { CardReply } from '../../contracts/replies.js';
import type { Lang } from '../../knowledge/index.js';
import type { Agent, Ticket } from './state.js';
import type { TicketNotice } from './tickets.js';

/** What agents see first: why, what the user gave, what the acquirer said, what was said. */
export interface HandoffSummary {
  conversationId: string;
  lang: Lang;
  channel: string;
  reason: string;
  openedAt: string;
  intent?: { id: string; title: string };
  merchantNo?: string;
  /** Slots the user gave in the flow (reference, amount in fen, date, card last four, …). */
  given: Record<string, string | number | boolean>;
  reference?: string;
  /** The last status card the user was shown. */
  status?: CardReply;
  /** The most recent messages, masked, oldest first. */
  transcript: ChatMessage[];
}

/** The bot's best knowledge answer to a user's message, offered to agents to send as theirs. */
export interface Suggestion {
  articleId: string;
  title: string;
  text: string;
}

export type DeskEvent =
  | { kind: 'claimed'; agent: Agent }
  | { kind: 'resolved'; agent: Agent }
  | { kind: 'user_left' }
  | { kind: 'unclaimed'; minutes: number };

/**
 * Where agents work (Slack today). The core hands conversations over through this port and never
 * knows which desk it is; a desk reports agents' actions back through HandoffService.
 */
export interface AgentDesk {
  readonly name: string;
  open(summary: HandoffSummary): Promise<Ticket>;
  /** A message the user wrote (or a file they sent) while agents own the conversation. */
  userSaid(
    ticket: Ticket,
    conversationId: string,
    message: ChatMessage,
    suggestion: Suggestion | undefined,
  ): Promise<void>;
  /** Something agents should see in the ticket. */
  event(ticket: Ticket, conversationId: string, event: DeskEvent): Promise<void>;
  /** A message left for a person (its contact masked): for agents to call back. */
  postTicket?(ticket: TicketNotice): Promise<void>;
}
