import type { Lang } from '../../knowledge/index.js';

// What support leads' insights are made of (issue 14): one event per thing that happened, recorded
// by the core as it happens. Text is the user's own words only where they are the "unanswered"
// material, and then masked; conversations and refunds are named by a hash, never by their id.

export const INSIGHT_KINDS = [
  /** A conversation's first turn. */
  'conversation',
  /** Every turn: its decision, intent, confidence, flow node, article. */
  'turn',
  /** 👍/👎 on an answer (outcome up | down), with its article. */
  'rating',
  /** "Did this solve it?" answered (outcome yes | no), for a flow or a hand-over. */
  'solved',
  /** A person asked for (outcome desk: agents can take it; message: the user may leave a message). */
  'handoff_asked',
  /** An agent claimed a hand-over; durationMs: time to claim. */
  'handoff_claimed',
  /** Nobody claimed it in time (HANDOFF_CLAIM_TIMEOUT); durationMs: how long it waited. */
  'handoff_unclaimed',
  /** An agent resolved it; durationMs: since it was asked for. */
  'handoff_resolved',
  /** A message left for a person (a ticket). */
  'ticket',
  /** A look-up: found, not_found, proof_failed, denied, locked, unavailable (the acquirer down). */
  'lookup',
  'application_submitted',
  /** The pre-check refused it; outcome: the rule. */
  'application_refused',
  /** outcome approved | rejected; durationMs: from submission to the decision. */
  'application_decided',
  /** outcome executed | failed (at the acquirer). */
  'application_executed',
  /** An arrival estimate given for a refund (subject); dateFrom–dateTo: the window, dateTo expected-by. */
  'estimate',
  /** A refund seen completed (subject); dateTo: the day it arrived. */
  'arrival',
] as const;
export type InsightKind = (typeof INSIGHT_KINDS)[number];

/** What turns decide, as the insights name it. */
export type TurnDecision =
  | 'answer'
  | 'smalltalk'
  | 'clarify'
  | 'out_of_scope'
  | 'not_understood'
  | 'flow'
  | 'application'
  | 'handoff'
  | 'with_agent'
  | 'action'
  | 'rejected';

export interface InsightEvent {
  kind: InsightKind;
  /** Default: the recorder's clock. */
  at?: Date;
  channel?: string | undefined;
  lang?: Lang | undefined;
  /** Hashed by the recorder. */
  conversationId?: string | undefined;
  intent?: string | undefined;
  decision?: TurnDecision | undefined;
  confidence?: number | undefined;
  flow?: string | undefined;
  node?: string | undefined;
  article?: string | undefined;
  /** The user's words: masked (and numbers blotted) by the recorder. */
  text?: string | undefined;
  outcome?: string | undefined;
  /** A refund or application id: hashed by the recorder. */
  subject?: string | undefined;
  durationMs?: number | undefined;
  /** YYYY-MM-DD */
  dateFrom?: string | undefined;
  /** YYYY-MM-DD */
  dateTo?: string | undefined;
  data?: Record<string, string | number | boolean> | undefined;
}

/**
 * Where the core records insights. Fire-and-forget: `record` never throws and never waits; a store
 * that fails loses events (logged), never a turn.
 */
export interface InsightsSink {
  record(event: InsightEvent): void;
}

export const noInsights: InsightsSink = { record() {} };

/** One event as stored: masked, hashed, dated in China. */
export interface InsightRow {
  at: string;
  /** YYYY-MM-DD in China (Asia/Shanghai). */
  day: string;
  kind: InsightKind;
  channel: string | null;
  lang: string | null;
  conversation: string | null;
  intent: string | null;
  decision: string | null;
  confidence: number | null;
  flow: string | null;
  node: string | null;
  article: string | null;
  text: string | null;
  outcome: string | null;
  subject: string | null;
  duration_ms: number | null;
  date_from: string | null;
  date_to: string | null;
  /** JSON, or null. */
  data: string | null;
}

/** Where rows are written (integrations/stores/db/insights.ts). */
export interface InsightsWriter {
  write(rows: readonly InsightRow[]): Promise<void>;
}
