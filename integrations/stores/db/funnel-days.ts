import type { Kysely } from 'kysely';
import type { FunnelStep, InsightsFilter } from '../../../bot/insights/index.js';
import { addDays, formatDate, parseIsoDate, todayIn } from '../../../knowledge/index.js';
import type { Schema } from './schema.js';

const n = (v: unknown): number => Number(v ?? 0);
const nextDay = (day: string) => formatDate(addDays(parseIsoDate(day) ?? todayIn(new Date(day)), 1));

interface Reached {
  flow: string;
  node: string;
  /** Turns that entered the node (or ended the tree there). */
  reached: number;
  /** Of them, turns that ended the tree. */
  ended: number;
}

/**
 * The funnels' counts per settled day, kept in `insight_funnel_days`: a tree's turns are most of
 * all turns, and counting them again for every 180-day view cost a second on SQLite. A day is
 * rolled up once it is over by a whole day (every instance's recorder has long written it), the
 * first time a view asks for it; days after that are counted live. Two instances rolling up the
 * same day write the same rows (conflicts do nothing).
 */
export class FunnelDays {
  constructor(
    private readonly db: () => Kysely<Schema>,
    private readonly clock: () => Date,
  ) {}

  /** The last day that is rolled up (or may be): the day before yesterday, in China. */
  private settled(): string {
    return formatDate(addDays(todayIn(this.clock()), -2));
  }

  async steps(f: InsightsFilter): Promise<FunnelStep[]> {
    const settled = this.settled();
    const rolledTo = [f.to, settled].sort()[0] as string;
    const parts: Reached[][] = [];
    if (f.from <= rolledTo) {
      await this.rollUp(f.from, rolledTo);
      parts.push(await this.rolled({ ...f, to: rolledTo }));
    }
    if (f.to > settled)
      parts.push(await this.live({ ...f, from: f.from > settled ? f.from : nextDay(settled) }));
    const sum = new Map<string, Reached>();
    for (const r of parts.flat()) {
      const key = `${r.flow}\u0000${r.node}`;
      const s = sum.get(key) ?? { flow: r.flow, node: r.node, reached: 0, ended: 0 };
      s.reached += r.reached;
      s.ended += r.ended;
      sum.set(key, s);
    }
    const ended = new Map<string, number>();
    for (const r of sum.values()) ended.set(r.flow, (ended.get(r.flow) ?? 0) + r.ended);
    const steps: FunnelStep[] = [...sum.values()].map((r) => ({
      flow: r.flow,
      node: r.node,
      conversations: r.reached,
    }));
    // the end of a tree is a step of its own: how many got there
    for (const [flow, count] of ended) if (count) steps.push({ flow, node: '(ended)', conversations: count });
    return steps.sort(
      (a, b) =>
        (a.flow < b.flow ? -1 : a.flow > b.flow ? 1 : 0) ||
        Number(a.node === '(ended)') - Number(b.node === '(ended)') ||
        b.conversations - a.conversations ||
        (a.node < b.node ? -1 : 1),
    );
  }

  /** Straight from the events: the turns that entered a node or ended the tree (covering index). */
  private async live(f: InsightsFilter): Promise<Reached[]> {
    let q = this.db()
      .selectFrom('insight_events')
      .where('kind', '=', 'turn')
      .where('day', '>=', f.from)
      .where('day', '<=', f.to)
      .where('flow', 'is not', null)
      .where('outcome', 'in', ['entered', 'ended']);
    if (f.channel) q = q.where('channel', '=', f.channel);
    const rows = await q
      .select((eb) => [
        'flow',
        'node',
        eb.fn.countAll().as('reached'),
        eb.fn.sum(eb.case().when('outcome', '=', 'ended').then(1).else(0).end()).as('ended'),
      ])
      .groupBy(['flow', 'node'])
      .execute();
    return rows.map((r) => ({
      flow: r.flow ?? '',
      node: r.node ?? '',
      reached: n(r.reached),
      ended: n(r.ended),
    }));
  }

  private async rolled(f: InsightsFilter): Promise<Reached[]> {
    let q = this.db().selectFrom('insight_funnel_days').where('day', '>=', f.from).where('day', '<=', f.to);
    if (f.channel) q = q.where('channel', '=', f.channel);
    const rows = await q
      .select((eb) => ['flow', 'node', eb.fn.sum('reached').as('reached'), eb.fn.sum('ended').as('ended')])
      .groupBy(['flow', 'node'])
      .execute();
    return rows.map((r) => ({ flow: r.flow, node: r.node, reached: n(r.reached), ended: n(r.ended) }));
  }

  /** Rolls up the days of [from, to] not rolled up yet, a run of missing days per statement. */
  private async rollUp(from: string, to: string): Promise<void> {
    const done = new Set(
      (
        await this.db()
          .selectFrom('insight_rollups')
          .select('day')
          .where('name', '=', 'funnels')
          .where('day', '>=', from)
          .where('day', '<=', to)
          .execute()
      ).map((r) => r.day),
    );
    const runs: Array<[string, string]> = [];
    for (let day = from; day <= to; day = nextDay(day)) {
      if (done.has(day)) continue;
      const last = runs.at(-1);
      if (last && nextDay(last[1]) === day) last[1] = day;
      else runs.push([day, day]);
    }
    for (const [a, b] of runs) await this.rollUpRun(a, b);
  }

  private async rollUpRun(from: string, to: string): Promise<void> {
    await this.db()
      .transaction()
      .execute(async (trx) => {
        await trx
          .insertInto('insight_funnel_days')
          .columns(['day', 'channel', 'flow', 'node', 'reached', 'ended'])
          .expression((eb) =>
            eb
              .selectFrom('insight_events')
              .where('kind', '=', 'turn')
              .where('day', '>=', from)
              .where('day', '<=', to)
              .where('flow', 'is not', null)
              .where('outcome', 'in', ['entered', 'ended'])
              .select((s) => [
                'day',
                s.fn.coalesce('channel', s.val('')).as('channel'),
                s.fn.coalesce('flow', s.val('')).as('flow'),
                s.fn.coalesce('node', s.val('')).as('node'),
                s.fn.countAll().as('reached'),
                s.fn.sum(s.case().when('outcome', '=', 'ended').then(1).else(0).end()).as('ended'),
              ])
              .groupBy(['day', 'channel', 'flow', 'node']),
          )
          .onConflict((oc) => oc.doNothing())
          .execute();
        const days: Array<{ name: string; day: string }> = [];
        for (let day = from; day <= to; day = nextDay(day)) days.push({ name: 'funnels', day });
        await trx
          .insertInto('insight_rollups')
          .values(days)
          .onConflict((oc) => oc.doNothing())
          .execute();
      });
  }

  async deleteBefore(day: string): Promise<void> {
    await this.db().deleteFrom('insight_funnel_days').where('day', '<', day).execute();
    await this.db().deleteFrom('insight_rollups').where('day', '<', day).execute();
  }
}
