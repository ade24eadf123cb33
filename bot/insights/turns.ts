import type { NormalizedMessage } from '../../knowledge/index.js';
import { APPLICATION_FLOW } from '../applications/dialogue.js';
import type { Conversation } from '../conversations/store.js';
import type { Outcome } from '../dialogue/types.js';
import type { InsightEvent, TurnDecision } from './events.js';

export interface TurnSeen {
  channel: string;
  /** The conversation as loaded, and as saved after the turn. */
  before: Conversation;
  after: Conversation;
  outcome: Outcome;
  message: NormalizedMessage | undefined;
  /** A button pressed (or its label typed). */
  pressed: string | undefined;
  /** Agents owned the conversation during the turn. */
  owned: boolean;
  /** The ids of the articles in the turn's replies. */
  articles: readonly string[];
}

/** Unanswered: the user's words are kept (masked) for these, and only these. */
const UNANSWERED: ReadonlySet<TurnDecision> = new Set(['not_understood', 'out_of_scope', 'clarify']);

function decisionOf(s: TurnSeen, askedNow: boolean, flow: string | undefined): TurnDecision {
  if (askedNow) return 'handoff';
  if (s.owned) return 'with_agent';
  if (flow) return flow === APPLICATION_FLOW ? 'application' : 'flow';
  switch (s.outcome.decision?.kind) {
    case 'answer':
      return 'answer';
    case 'smalltalk':
      return 'smalltalk';
    case 'clarify':
      return 'clarify';
    case 'out_of_scope':
      return 'out_of_scope';
    case 'no_match':
      return 'not_understood';
    default:
      return s.pressed !== undefined ? 'action' : 'rejected';
  }
}

function entered(before: Conversation, state: NonNullable<Conversation['flow']>): boolean {
  return before.flow?.flow !== state.flow || before.flow.node !== state.node;
}

/**
 * What one turn tells the insights: the conversation's start, the turn itself (its decision,
 * intent, confidence, the tree node it is at, or just ended in), a person asked for, and "did this
 * solve it?" answered.
 */
export function turnEvents(s: TurnSeen): InsightEvent[] {
  const { before, after, outcome } = s;
  const common = { channel: s.channel, lang: after.lang, conversationId: after.id };
  const events: InsightEvent[] = [];
  if (before.turns === 0) events.push({ kind: 'conversation', ...common });
  const askedNow =
    (!before.handoff && after.handoff !== undefined && !before.ticketDraft?.handoff) ||
    (!before.ticketDraft && after.ticketDraft !== undefined && !after.ticketDraft.handoff);
  // a tree that ended in this turn is at its last node (lastFlow is a new state then)
  const ended = !after.flow && after.lastFlow !== undefined && after.lastFlow !== before.lastFlow;
  const state = after.flow ?? (ended ? after.lastFlow : undefined);
  const decision = decisionOf(s, askedNow, state?.flow);
  const understood = outcome.understanding?.intent;
  const intent =
    outcome.decision?.kind === 'answer'
      ? outcome.decision.intent
      : outcome.decision?.kind === 'clarify'
        ? outcome.decision.candidates[0]
        : understood?.intent;
  const raw = s.message?.raw;
  events.push({
    kind: 'turn',
    ...common,
    decision,
    intent,
    confidence: understood?.confidence,
    flow: state?.flow,
    node: state?.node,
    article: s.articles[0],
    // a node reached in this turn (not asked again): the funnels count these, no distinct needed
    ...(state && { outcome: ended ? 'ended' : entered(before, state) ? 'entered' : 'stayed' }),
    ...(UNANSWERED.has(decision) && !before.flow && raw && { text: raw }),
  });
  if (askedNow)
    events.push({
      kind: 'handoff_asked',
      ...common,
      intent: before.lastIntent,
      flow: before.flow?.flow,
      outcome: after.handoff ? 'desk' : 'message',
    });
  for (const f of after.feedback.slice(before.feedback.length)) {
    if (f.message !== undefined) continue; // a 👍/👎: recorded by rate()
    events.push({ kind: 'solved', ...common, flow: f.flow ?? 'unknown', outcome: f.solved ? 'yes' : 'no' });
  }
  return events;
}
