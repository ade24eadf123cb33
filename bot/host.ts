import type { Logger } from '../contracts/logger.js';
import type { ApplicationReview } from './applications/index.js';
import type { Assistant } from './assistant.js';
import type { ConversationStore } from './conversations/store.js';
import type { HandoffRegistry, HandoffService } from './handoff/index.js';
import type { LookupService } from './lookups/index.js';
import type { EventBus, KeyValue, Lock } from './ports.js';

/**
 * What a channel may call, and nothing else: the turn pipeline, a conversation's history and
 * events, the agents' actions, look-ups for agents, and records of its own. app/ builds one for
 * every channel; a channel never sees the composition root.
 */
export interface ChannelHost {
  /** One turn, whatever the channel; history, uploads and 👍/👎; the words and answers it speaks with. */
  readonly assistant: Pick<
    Assistant,
    'turn' | 'history' | 'attach' | 'rate' | 'understand' | 'respond' | 'say' | 'answers'
  >;
  /** New messages of a conversation, for clients that hold a line open. */
  readonly events: Pick<EventBus, 'subscribe'>;
  /** Conversations agents own: the desk's side (claim, reply, resolve, the desk itself). */
  readonly handoffs: HandoffService;
  /** Who is waiting and today's counts (an agent desk's home page). */
  readonly handoffRegistry: HandoffRegistry;
  /** Refund applications as reviewers see them: the same rules as the operator's CLI. */
  readonly applications: ApplicationReview;
  /** Look-ups for agents and operators (who may see what is decided inside). */
  readonly lookups: LookupService;
  readonly conversations: Pick<ConversationStore, 'load'>;
  /** A channel's own records (thread ids, conversation references), in the deployment's store. */
  records<T>(namespace: string): KeyValue<T>;
  /** One task at a time per key, across instances (a channel's own keys contain a ':'). */
  readonly lock: Lock;
  readonly logger: Logger;
  clock(): Date;
}
