import type { Role } from '../../contracts/roles.js';
import type { Lang } from '../../knowledge/index.js';
import type { Reply } from './replies.js';
import type { Values } from './state.js';

/** Who is asking, as far as the channel knows: look-ups decide from this what may be shown. */
export interface Requester {
  channel: string;
  /** Who the channel vouches for; unset: a consumer (or a merchant, when `merchantNo` is set). */
  role?: Role;
  conversationId: string;
  /** A signed-in merchant's number, given by a trusted caller. */
  merchantNo?: string;
  /** The client's network address, for lock-outs. */
  address?: string;
  /** Who exactly, where the channel knows (a Slack user id): for the audit trail. */
  actor?: string;
}

export interface LookupRequest {
  what: 'refund' | 'transaction';
  slots: Values;
  lang: Lang;
  requester: Requester;
}

export type LookupOutcome = 'found' | 'not_found' | 'unavailable' | 'denied';

export interface LookupResult {
  outcome: LookupOutcome;
  /** Facts for conditions and texts: `refund.status`, `refund.method`, `transaction.amount`, … */
  facts: Values;
  /** What to show (a status card), in the request's language. */
  replies: Reply[];
}

/** The flows' door to live data (the payment gateway's look-ups, with who may see what). */
export interface LookupPort {
  lookup(request: LookupRequest): Promise<LookupResult>;
  /** Look-ups are paused for this requester (too many failed proofs): no proof is asked for then. */
  isLocked?(request: Pick<LookupRequest, 'slots' | 'requester'>): Promise<boolean>;
}

export interface ApplicationStepRequest {
  step: 'assess' | 'amount' | 'precheck' | 'submit' | 'answer';
  slots: Values;
  facts: Values;
  lang: Lang;
  requester: Requester;
}

export interface ApplicationStepResult {
  /** Picks the node's next step (`outcomes`), e.g. refundable, void, refused, ok, amount, submitted. */
  outcome: string;
  /** `application.*` facts for texts and conditions. */
  facts: Values;
  replies: Reply[];
  /** Slots to forget, so the question that fills them is asked again (an amount over what remains). */
  clear?: string[];
}

/** The flows' door to refund applications (bot/applications): the merchant's draft, step by step. */
export interface ApplicationPort {
  step(request: ApplicationStepRequest): Promise<ApplicationStepResult>;
}
