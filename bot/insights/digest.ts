import { addDays, formatDate, todayIn } from '../../knowledge/index.js';
import { groupUnanswered } from './grouping.js';
import type { InsightsReader } from './queries.js';

// The daily digest of issue 14: yesterday's numbers and its top five unanswered questions, posted
// once a day in the support channel (integrations/channels/slack/digest.ts says it in Slack).

/** Which instance posts a day's digest: the one whose claim is accepted (the database decides). */
export interface DigestClaims {
  /** True for exactly one caller per day. */
  claimDigest(day: string, at: string): Promise<boolean>;
  digestPosted(day: string, at: string): Promise<void>;
  /** Gives the day back after a failed post, so a later attempt may take it. */
  releaseDigest(day: string): Promise<void>;
}

export interface DigestFigures {
  /** YYYY-MM-DD, the day reported on (China). */
  day: string;
  conversations: number;
  /** Conversations in which a person was asked for. */
  handedOver: number;
  tickets: number;
  /** Solved without a person: 1 − handed over / conversations; null without conversations. */
  containment: number | null;
  claimed: number;
  /** Nobody claimed them in time. */
  unclaimed: number;
  averageClaimMs: number | null;
  up: number;
  down: number;
  solvedYes: number;
  solvedNo: number;
  lookups: Record<string, number>;
  applications: Record<string, number>;
  arrivals: { early: number; onTime: number; late: number };
  /** The five largest groups of unanswered questions (masked). */
  unanswered: Array<{ example: string; count: number }>;
}

/** Questions read to find the day's top five groups. */
const UNANSWERED_READ = 2000;

export async function dailyFigures(reader: InsightsReader, day: string): Promise<DigestFigures> {
  const f = { from: day, to: day };
  const [containment, claims, ratings, lookups, applications, arrivals, unanswered] = await Promise.all([
    reader.containment(f),
    reader.claimTimes(f),
    reader.ratings(f),
    reader.lookups(f),
    reader.applications(f),
    reader.arrivals(f),
    reader.unanswered(f, UNANSWERED_READ),
  ]);
  const sum = <T>(rows: readonly T[], of: (r: T) => number) => rows.reduce((n, r) => n + of(r), 0);
  const conversations = sum(containment, (r) => r.conversations);
  const handedOver = sum(containment, (r) => r.handedOver);
  const byOutcome: Record<string, number> = {};
  for (const r of lookups) byOutcome[r.outcome] = (byOutcome[r.outcome] ?? 0) + r.count;
  return {
    day,
    conversations,
    handedOver,
    tickets: sum(containment, (r) => r.tickets),
    containment: conversations ? Math.max(0, 1 - handedOver / conversations) : null,
    claimed: claims.claimed,
    unclaimed: claims.unclaimed,
    averageClaimMs: claims.averageMs,
    up: sum(ratings.articles, (a) => a.up),
    down: sum(ratings.articles, (a) => a.down),
    solvedYes: sum(ratings.solved, (s) => s.yes),
    solvedNo: sum(ratings.solved, (s) => s.no),
    lookups: byOutcome,
    applications: Object.fromEntries(applications.outcomes.map((o) => [o.bucket, o.count])),
    arrivals: { early: arrivals.early, onTime: arrivals.onTime, late: arrivals.late },
    unanswered: groupUnanswered(unanswered, 5).map((g) => ({ example: g.example, count: g.count })),
  };
}

/**
 * The day whose digest is due at `now`: yesterday (China), once today's hour in China has reached
 * `hour`; before that, nothing (the day before's digest went out yesterday).
 */
export function digestDue(now: Date, hour: number): string | undefined {
  // China keeps one offset all year (no summer time): its hour is UTC's plus eight
  const chinaHour = (now.getUTCHours() + 8) % 24;
  if (chinaHour < hour) return undefined;
  return formatDate(addDays(todayIn(now), -1));
}
