// What the /insights page asks of the store: one aggregate per chart, for a date range (China
// days, inclusive) and optionally one channel.

export interface InsightsFilter {
  /** YYYY-MM-DD */
  from: string;
  /** YYYY-MM-DD, inclusive */
  to: string;
  channel?: string | undefined;
}

export interface ConversationsByDay {
  day: string;
  channel: string;
  lang: string;
  conversations: number;
}

export interface ContainmentByDay {
  day: string;
  conversations: number;
  /** Conversations in which a person was asked for (an agent or a message left). */
  handedOver: number;
  tickets: number;
}

export interface Bucketed {
  bucket: string;
  count: number;
}

export interface ClaimTimes {
  claimed: number;
  /** Hand-overs to the desk asked for in the range. */
  asked: number;
  /** Nobody claimed them in time: the user was told and offered to leave a message. */
  unclaimed: number;
  resolved: number;
  averageMs: number | null;
  buckets: Bucketed[];
}

export interface ArticleRatings {
  article: string;
  up: number;
  down: number;
}

export interface SolvedAnswers {
  /** A flow's id, or "handoff". */
  flow: string;
  yes: number;
  no: number;
}

export interface Ratings {
  articles: ArticleRatings[];
  solved: SolvedAnswers[];
}

export interface FunnelStep {
  flow: string;
  /** A node's id, or "(ended)" for conversations that reached the tree's end. */
  node: string;
  conversations: number;
}

export interface LookupOutcomes {
  day: string;
  outcome: string;
  count: number;
}

export interface ApplicationOutcomes {
  /** submitted, refused, approved, rejected, executed, failed */
  outcomes: Bucketed[];
  /** Pre-check refusals by rule. */
  refusals: Bucketed[];
  decisionTimes: Bucketed[];
  averageDecisionMs: number | null;
}

export interface ArrivalAccuracy {
  /** Arrived before the earliest day of the window given. */
  early: number;
  onTime: number;
  /** After the expected-by day. */
  late: number;
  /** No completion seen yet. */
  pending: number;
}

export interface UnansweredQuery {
  text: string;
  lang: string | null;
  intent: string | null;
  decision: string | null;
  at: string;
}

/** The store's side of /insights (integrations/stores/db/insights.ts). */
export interface InsightsReader {
  conversations(f: InsightsFilter): Promise<ConversationsByDay[]>;
  containment(f: InsightsFilter): Promise<ContainmentByDay[]>;
  claimTimes(f: InsightsFilter): Promise<ClaimTimes>;
  ratings(f: InsightsFilter): Promise<Ratings>;
  funnels(f: InsightsFilter): Promise<FunnelStep[]>;
  lookups(f: InsightsFilter): Promise<LookupOutcomes[]>;
  applications(f: InsightsFilter): Promise<ApplicationOutcomes>;
  arrivals(f: InsightsFilter): Promise<ArrivalAccuracy>;
  /** The newest unanswered questions in the range (at most `limit`), for grouping. */
  unanswered(f: InsightsFilter, limit: number): Promise<UnansweredQuery[]>;
  /** Channels conversations came from since `day` (YYYY-MM-DD), for the filter. */
  channels(day: string): Promise<string[]>;
}

/** Time-to-claim and time-to-decision buckets, as the page shows them. */
export const DURATION_BUCKETS: ReadonlyArray<{ label: string; belowMs: number }> = [
  { label: '<1m', belowMs: 60_000 },
  { label: '1–5m', belowMs: 5 * 60_000 },
  { label: '5–15m', belowMs: 15 * 60_000 },
  { label: '15–60m', belowMs: 60 * 60_000 },
  { label: '1–4h', belowMs: 4 * 3_600_000 },
  { label: '4–24h', belowMs: 24 * 3_600_000 },
  { label: '>1d', belowMs: Number.POSITIVE_INFINITY },
];
