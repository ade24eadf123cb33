import { type ExpressionBuilder, type SelectQueryBuilder, sql } from 'kysely';
import {
  type ApplicationOutcomes,
  type ArrivalAccuracy,
  type Bucketed,
  type ClaimTimes,
  type ContainmentByDay,
  type ConversationsByDay,
  type DigestClaims,
  DURATION_BUCKETS,
  type FunnelStep,
  INSIGHT_KINDS,
  type InsightRow,
  type InsightsFilter,
  type InsightsReader,
  type InsightsWriter,
  type LabelStatus,
  type LabelStore,
  type LookupOutcomes,
  type QuestionLabel,
  type Ratings,
  type UnansweredQuery,
} from '../../../bot/insights/index.js';
import type { Database } from './database.js';
import { FunnelDays } from './funnel-days.js';
import { SqlLabels } from './insight-labels.js';
import type { Schema } from './schema.js';

type Events = SelectQueryBuilder<Schema, 'insight_events', object>;

const n = (v: unknown): number => Number(v ?? 0);

/** YYYY-MM-DD, `days` before `day`. */
function daysBefore(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}
const avg = (v: unknown): number | null => (v === null || v === undefined ? null : Math.round(Number(v)));

/**
 * Insight events in the business database: written in batches by the core's recorder, read as one
 * aggregate per chart of /insights, deleted after the retention. Every query reads one kind over a
 * range of days through an index (the bench checks the plans).
 */
export class SqlInsights implements InsightsWriter, InsightsReader, LabelStore, DigestClaims {
  private readonly funnelDays: FunnelDays;
  private readonly queue: SqlLabels;

  constructor(
    private readonly database: Database,
    options: { clock?: () => Date } = {},
  ) {
    this.funnelDays = new FunnelDays(() => this.database.db, options.clock ?? (() => new Date()));
    this.queue = new SqlLabels(() => this.database.db);
  }

  private get db() {
    return this.database.db;
  }

  async write(rows: readonly InsightRow[]): Promise<void> {
    if (!rows.length) return;
    await this.db
      .insertInto('insight_events')
      .values(rows as InsightRow[])
      .execute();
  }

  /** Deletes events of days before `day` (YYYY-MM-DD), kind by kind (each through its index). */
  async deleteBefore(day: string): Promise<number> {
    let deleted = 0;
    for (const kind of INSIGHT_KINDS) {
      const r = await this.db
        .deleteFrom('insight_events')
        .where('kind', '=', kind)
        .where('day', '<', day)
        .executeTakeFirst();
      deleted += Number(r.numDeletedRows ?? 0);
    }
    await this.funnelDays.deleteBefore(day);
    return deleted;
  }

  /** One kind of event in the filter's days and channel. */
  private events(kind: (typeof INSIGHT_KINDS)[number], f: InsightsFilter): Events {
    let q = this.db
      .selectFrom('insight_events')
      .where('kind', '=', kind)
      .where('day', '>=', f.from)
      .where('day', '<=', f.to);
    if (f.channel) q = q.where('channel', '=', f.channel);
    return q;
  }

  async conversations(f: InsightsFilter): Promise<ConversationsByDay[]> {
    const rows = await this.events('conversation', f)
      .select(['day', 'channel', 'lang', (eb) => eb.fn.countAll().as('n')])
      .groupBy(['day', 'channel', 'lang'])
      .orderBy('day')
      .execute();
    return rows.map((r) => ({
      day: r.day,
      channel: r.channel ?? '',
      lang: r.lang ?? '',
      conversations: n(r.n),
    }));
  }

  async containment(f: InsightsFilter): Promise<ContainmentByDay[]> {
    const [started, handed, tickets] = await Promise.all([
      this.events('conversation', f)
        .select(['day', (eb) => eb.fn.countAll().as('n')])
        .groupBy('day')
        .execute(),
      this.events('handoff_asked', f)
        .select(['day', (eb) => eb.fn.count('conversation').distinct().as('n')])
        .groupBy('day')
        .execute(),
      this.events('ticket', f)
        .select(['day', (eb) => eb.fn.countAll().as('n')])
        .groupBy('day')
        .execute(),
    ]);
    const days = new Map<string, ContainmentByDay>();
    const at = (day: string) => {
      const d = days.get(day) ?? { day, conversations: 0, handedOver: 0, tickets: 0 };
      days.set(day, d);
      return d;
    };
    for (const r of started) at(r.day).conversations = n(r.n);
    for (const r of handed) at(r.day).handedOver = n(r.n);
    for (const r of tickets) at(r.day).tickets = n(r.n);
    return [...days.values()].sort((a, b) => (a.day < b.day ? -1 : 1));
  }

  /** Counts of `duration_ms` per bucket (DURATION_BUCKETS), and the average. */
  private async durations(
    q: Events,
  ): Promise<{ buckets: Bucketed[]; average: number | null; count: number }> {
    const row = await q
      .select((eb) => [
        eb.fn.countAll().as('count'),
        eb.fn.avg('duration_ms').as('average'),
        ...DURATION_BUCKETS.map((b, i) => {
          const lower = DURATION_BUCKETS[i - 1]?.belowMs ?? 0;
          const inBucket = Number.isFinite(b.belowMs)
            ? eb.and([eb('duration_ms', '>=', lower), eb('duration_ms', '<', b.belowMs)])
            : eb('duration_ms', '>=', lower);
          return eb.fn.sum(eb.case().when(inBucket).then(1).else(0).end()).as(`b${i}`);
        }),
      ])
      .executeTakeFirst();
    const r = (row ?? {}) as Record<string, unknown>;
    return {
      count: n(r.count),
      average: avg(r.average),
      buckets: DURATION_BUCKETS.map((b, i) => ({ bucket: b.label, count: n(r[`b${i}`]) })),
    };
  }

  async claimTimes(f: InsightsFilter): Promise<ClaimTimes> {
    const [claimed, asked, resolved, unclaimed] = await Promise.all([
      this.durations(this.events('handoff_claimed', f).where('duration_ms', 'is not', null)),
      this.events('handoff_asked', f)
        .where('outcome', '=', 'desk')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst(),
      this.events('handoff_resolved', f)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst(),
      this.events('handoff_unclaimed', f)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst(),
    ]);
    return {
      claimed: claimed.count,
      asked: n(asked?.n),
      unclaimed: n(unclaimed?.n),
      resolved: n(resolved?.n),
      averageMs: claimed.average,
      buckets: claimed.buckets,
    };
  }

  async ratings(f: InsightsFilter): Promise<Ratings> {
    const upDown = (eb: ExpressionBuilder<Schema, 'insight_events'>, value: string) =>
      eb.fn.sum(eb.case().when('outcome', '=', value).then(1).else(0).end());
    // a 👍/👎 arrives without its channel (the conversation has no channel; its start has)
    let rated = this.events('rating', { ...f, channel: undefined });
    if (f.channel)
      rated = rated.where('conversation', 'in', (eb) =>
        eb
          .selectFrom('insight_events as c')
          .select('c.conversation')
          .where('c.kind', '=', 'conversation')
          // a conversation lives CONVERSATION_TTL_HOURS (72 by default): rated within days of starting
          .where('c.day', '>=', daysBefore(f.from, 7))
          .where('c.day', '<=', f.to)
          .where('c.channel', '=', f.channel ?? ''),
      );
    const [articles, solved] = await Promise.all([
      rated
        .where('article', 'is not', null)
        .select((eb) => ['article', upDown(eb, 'up').as('up'), upDown(eb, 'down').as('down')])
        .groupBy('article')
        .execute(),
      this.events('solved', f)
        .select((eb) => ['flow', upDown(eb, 'yes').as('yes'), upDown(eb, 'no').as('no')])
        .groupBy('flow')
        .execute(),
    ]);
    return {
      articles: articles
        .map((r) => ({ article: r.article ?? '', up: n(r.up), down: n(r.down) }))
        .sort((a, b) => b.up + b.down - (a.up + a.down) || a.article.localeCompare(b.article)),
      solved: solved
        .map((r) => ({ flow: r.flow ?? 'unknown', yes: n(r.yes), no: n(r.no) }))
        .sort((a, b) => b.yes + b.no - (a.yes + a.no)),
    };
  }

  /** Conversations reaching each node of each tree: settled days from their roll-up, the rest live. */
  funnels(f: InsightsFilter): Promise<FunnelStep[]> {
    return this.funnelDays.steps(f);
  }

  async lookups(f: InsightsFilter): Promise<LookupOutcomes[]> {
    const rows = await this.events('lookup', f)
      .select(['day', 'outcome', (eb) => eb.fn.countAll().as('n')])
      .groupBy(['day', 'outcome'])
      .orderBy('day')
      .execute();
    return rows.map((r) => ({ day: r.day, outcome: r.outcome ?? 'unknown', count: n(r.n) }));
  }

  async applications(f: InsightsFilter): Promise<ApplicationOutcomes> {
    const count = (q: Events) => q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
    const byOutcome = (q: Events) =>
      q
        .select(['outcome', (eb) => eb.fn.countAll().as('n')])
        .groupBy('outcome')
        .execute();
    const [submitted, refusals, decided, executed, times] = await Promise.all([
      count(this.events('application_submitted', f)),
      byOutcome(this.events('application_refused', f)),
      byOutcome(this.events('application_decided', f)),
      byOutcome(this.events('application_executed', f)),
      this.durations(this.events('application_decided', f).where('duration_ms', 'is not', null)),
    ]);
    const refused = refusals.reduce((s, r) => s + n(r.n), 0);
    const of = (rows: typeof decided, outcome: string) => n(rows.find((r) => r.outcome === outcome)?.n);
    return {
      outcomes: [
        { bucket: 'submitted', count: n(submitted?.n) },
        { bucket: 'refused', count: refused },
        { bucket: 'approved', count: of(decided, 'approved') },
        { bucket: 'rejected', count: of(decided, 'rejected') },
        { bucket: 'executed', count: of(executed, 'executed') },
        { bucket: 'failed', count: of(executed, 'failed') },
      ],
      refusals: refusals
        .map((r) => ({ bucket: r.outcome ?? 'unknown', count: n(r.n) }))
        .sort((a, b) => b.count - a.count),
      decisionTimes: times.buckets,
      averageDecisionMs: times.average,
    };
  }

  /**
   * Each refund given an estimate in the range, its window (the first one given) against the first
   * completion seen for it, whenever that was.
   */
  async arrivals(f: InsightsFilter): Promise<ArrivalAccuracy> {
    const row = await this.db
      .with('est', () =>
        this.events('estimate', f)
          .where('subject', 'is not', null)
          .select((eb) => [
            'subject',
            eb.fn.min('date_from').as('earliest'),
            eb.fn.min('date_to').as('latest'),
          ])
          .groupBy('subject'),
      )
      .with('arr', (db) =>
        db
          .selectFrom('insight_events')
          .where('kind', '=', 'arrival')
          // a refund arrives after its estimate was given: nothing before the range
          .where('day', '>=', f.from)
          .where('subject', 'is not', null)
          .where('subject', 'in', (eb) => eb.selectFrom('est').select('est.subject'))
          .select((eb) => ['subject', eb.fn.min('date_to').as('arrived')])
          .groupBy('subject'),
      )
      .selectFrom('est')
      .leftJoin('arr', 'arr.subject', 'est.subject')
      .select((eb) => {
        const when = (cond: ReturnType<typeof sql<boolean>>) =>
          eb.fn.sum(eb.case().when(cond).then(1).else(0).end());
        return [
          eb.fn.countAll().as('total'),
          when(sql<boolean>`arr.arrived < est.earliest`).as('early'),
          when(sql<boolean>`arr.arrived >= est.earliest and arr.arrived <= est.latest`).as('on_time'),
          when(sql<boolean>`arr.arrived > est.latest`).as('late'),
        ];
      })
      .executeTakeFirst();
    const early = n(row?.early);
    const onTime = n(row?.on_time);
    const late = n(row?.late);
    return { early, onTime, late, pending: n(row?.total) - early - onTime - late };
  }

  /** Only turns and ratings carry text (the recorder's rule), so `text is not null` is the filter. */
  async unanswered(f: InsightsFilter, limit: number): Promise<UnansweredQuery[]> {
    let q = this.db
      .selectFrom('insight_events')
      .where('text', 'is not', null)
      .where('day', '>=', f.from)
      .where('day', '<=', f.to);
    if (f.channel) {
      // a 👎 arrives without its channel: it is the channel's when its conversation started there
      const channel = f.channel;
      q = q.where((eb) =>
        eb.or([
          eb('channel', '=', channel),
          eb.and([
            eb('kind', '=', 'rating'),
            eb(
              'conversation',
              'in',
              eb
                .selectFrom('insight_events as c')
                .select('c.conversation')
                .where('c.kind', '=', 'conversation')
                .where('c.day', '>=', daysBefore(f.from, 7))
                .where('c.day', '<=', f.to)
                .where('c.channel', '=', channel),
            ),
          ]),
        ]),
      );
    }
    const rows = await q
      .select(['text', 'lang', 'intent', 'decision', 'kind', 'outcome', 'at'])
      .orderBy('day', 'desc')
      .orderBy('at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      text: r.text ?? '',
      lang: r.lang,
      intent: r.intent,
      // a 👎 is unanswered too: its reason is the thumbs-down
      decision: r.kind === 'rating' ? 'thumbs_down' : r.decision,
      at: r.at,
    }));
  }

  async channels(since: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('insight_events')
      .where('kind', '=', 'conversation')
      .where('day', '>=', since)
      .where('channel', 'is not', null)
      .select('channel')
      .distinct()
      .execute();
    return rows.map((r) => r.channel ?? '').sort();
  }

  // the loop's review queue and the digest's claims live in their own file (insight-labels.ts)
  putLabel(label: QuestionLabel): Promise<'added' | 'replaced' | 'already_exported'> {
    return this.queue.putLabel(label);
  }

  removeLabel(key: string): Promise<boolean> {
    return this.queue.removeLabel(key);
  }

  labels(status?: LabelStatus): Promise<QuestionLabel[]> {
    return this.queue.labels(status);
  }

  markExported(keys: readonly string[], file: string, at: string): Promise<void> {
    return this.queue.markExported(keys, file, at);
  }

  claimDigest(day: string, at: string): Promise<boolean> {
    return this.queue.claimDigest(day, at);
  }

  digestPosted(day: string, at: string): Promise<void> {
    return this.queue.digestPosted(day, at);
  }

  releaseDigest(day: string): Promise<void> {
    return this.queue.releaseDigest(day);
  }
}
