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
  /** The application before its latest amendment (reviewers see both versions). */
  previous?: { version: number; amountFen: number };
  /** Signed links to the proof, in the application's order; undefined when there is no public URL. */
  proofLinks: Array<{ name: string; url?: string }>;
}

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
  approve(number: string, reviewer: Reviewer): Promise<DecisionResult>;
  reject(number: string, reviewer: Reviewer, reason: string): Promise<DecisionResult>;
  /** A question the merchant answers in the widget (with new uploads, if asked). */
  askForMore(number: string, reviewer: Reviewer, question: string): Promise<DecisionResult>;
  /** Whether this Slack user may decide (the allow-listed reviewer group). */
  mayDecide(reviewer: Reviewer): boolean;
}
