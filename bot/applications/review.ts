import type { Transaction } from '../lookups/gateway.js';
import type { Application, ApplicationEvent } from './model.js';

/** Who decides: a Slack user (allow-listed) or an operator at the command line. */
export interface Reviewer {
  /** A Slack user id, or the operator's name (`--reviewer NAME`). */
  id: string;
  /** A display name, where the desk knows it. */
  name?: string;
  channel: 'slack' | 'cli';
}

/**
 * The answer to a reviewer's action. A decision on an application already decided changes
 * nothing and says who decided; above the four-eyes amount the first approval is recorded and
 * waits for a second, different reviewer.
 */
export type DecisionResult =
  | { outcome: 'approved' | 'rejected' | 'asked' | 'amended'; application: Application }
  | { outcome: 'approval_recorded'; application: Application; needed: number }
  | { outcome: 'already_decided'; application: Application; by?: string }
  | { outcome: 'same_reviewer'; application: Application }
  /** The merchant changed the application after the reviewer looked: decide on the new version. */
  | { outcome: 'stale'; application: Application }
  | { outcome: 'not_allowed' }
  | { outcome: 'not_found' }
  | { outcome: 'invalid'; message: string };

/** What the reviewers' desk (Slack) is given to show one application. */
export interface ReviewView {
  application: Application;
  events: ApplicationEvent[];
  /** The payment as the acquirer reports it now; undefined when it could not be reached. */
  transaction?: Transaction;
  /** What can still be refunded of the payment, fen (as the acquirer reports it now). */
  remainingFen?: number;
  /** Approvals needed before it is executed (1, or 2 above the four-eyes amount). */
  approvalsNeeded: number;
  /** Above this amount (fen) two different reviewers must approve. */
  fourEyesAboveFen: number;
  /** The application before its latest amendment (reviewers see both versions). */
  previous?: { version: number; amountFen: number };
  /** Signed links to the proof, in the application's order; undefined when there is no public URL. */
  proofLinks: Array<{ name: string; url?: string }>;
  /** The merchant's reason as the reviewers read it, in both languages. */
  reasonLabel: Localized;
}

export interface Localized {
  zh: string;
  en: string;
}

/** A reason to turn an application down, from knowledge/applications.yml. */
export interface RejectReason {
  id: string;
  label: Localized;
  /** 'required': the reviewer must add a note (the label alone says too little). */
  note: 'required' | 'optional';
}

/**
 * Why a reviewer rejects: free text (the CLI), or one of the reasons — the merchant then reads it
 * in their own language, whatever the reviewer's — with an optional note.
 */
export type Rejection = string | { reason: string; note?: string };

/**
 * Where applications are reviewed (a Slack channel today). The core tells it of every new
 * application and every change; the desk reports reviewers' actions back through ApplicationReview.
 */
export interface ReviewDesk {
  readonly name: string;
  /** A new application: a card in the review channel. */
  opened(view: ReviewView): Promise<void>;
  /** Anything that changed (a decision, an answer from the merchant, the refund executed): the card updated. */
  changed(view: ReviewView, event: ApplicationEvent): Promise<void>;
}

/** What a desk (or the operator's CLI) may do with an application: the same rules everywhere. */
export interface ApplicationReview {
  view(number: string): Promise<ReviewView | undefined>;
  /**
   * `version`: the version the reviewer saw (a card's button carries it): an application amended
   * since is 'stale', not approved.
   */
  approve(number: string, reviewer: Reviewer, options?: { version?: number }): Promise<DecisionResult>;
  reject(number: string, reviewer: Reviewer, why: Rejection): Promise<DecisionResult>;
  /** A question the merchant answers in the widget (with new uploads, if asked). */
  askForMore(number: string, reviewer: Reviewer, question: string): Promise<DecisionResult>;
  /** Whether this Slack user may decide (the allow-listed reviewer group). */
  mayDecide(reviewer: Reviewer): boolean;
  rejectReasons(): readonly RejectReason[];
  /** Applications not finished yet (in review, approved and not executed), newest first. */
  unfinished(limit: number): Promise<string[]>;
  /** The desk to tell of new applications and changes; undefined: none (Slack not connected). */
  attachDesk(desk: ReviewDesk | undefined): void;
}
