import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import BetterSqlite from 'better-sqlite3';
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { type InsightRow, toRow } from '../../bot/insights/index.js';
import { loadFlows } from '../../flows/engine/index.js';
import { API, type ApiName, type Context } from '../../integrations/channels/insights/datasets.js';
import { insightsPage } from '../../integrations/channels/insights/pages.js';
import { Database, SqlInsights } from '../../integrations/stores/db/index.js';
import type { Schema } from '../../integrations/stores/db/schema.js';
import { loadContent, projectRoot } from '../../knowledge/index.js';
import { syntheticDays } from '../../test/support/insights.js';
import { freshPgDatabase } from '../../test/support/postgres.js';
import { fmt, percentile } from '../shared.js';

const PG = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
const TURNS = Number(process.env.BENCH_INSIGHT_TURNS ?? 1_000_000);
const DAYS = 180;
const RUNS = 25;
const TODAY = '2026-11-25';
const COLUMNS = [
  'at',
  'day',
  'kind',
  'channel',
  'lang',
  'conversation',
  'intent',
  'decision',
  'confidence',
  'flow',
  'node',
  'article',
  'text',
  'outcome',
  'subject',
  'duration_ms',
  'date_from',
  'date_to',
  'data',
] as const satisfies ReadonlyArray<keyof InsightRow>;
const NUMERIC = new Set(['confidence', 'duration_ms']);

/**
 * /insights over a million recorded turns (plus the hand-overs, ratings, look-ups, estimates and
 * applications that go with them, 180 days), on the SQLite file and on PostgreSQL: the bulk load,
 * each chart's query p95 for the page's default 30 days and for all 180, every plan checked for a
 * table scan, and the page's transferred weight (HTML + script + JSON, gzipped).
 */
export async function insightsSection(): Promise<void> {
  console.log(`\nInsights (/insights): ${TURNS.toLocaleString('en')} turn events over ${DAYS} days`);
  execFileSync(process.execPath, ['integrations/channels/insights/build.mjs'], {
    cwd: projectRoot,
    stdio: 'inherit',
  });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ra-bench-insights-'));
  try {
    await backend('SQLite', await Database.open({ dataDir: dir }), {
      file: path.join(dir, 'refund-assistant.sqlite'),
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const pgDb = await freshPgDatabase('ra_bench_insights', { server: PG, quiet: true });
  if (!pgDb) {
    console.log(`  PostgreSQL: skipped (not reachable at ${PG})`);
    return;
  }
  try {
    const { url } = pgDb;
    await backend('PostgreSQL', await Database.open({ dataDir: '', url }), { url });
  } finally {
    await pgDb.drop();
  }
}

async function load(database: Database): Promise<{ rows: number; turns: number; ms: number }> {
  const content = loadContent();
  const flows = loadFlows({ articleIds: new Set(content.articles.map((a) => a.id)) })
    .filter((f) => f.intents.length > 0)
    .map((f) => ({ id: f.id, nodes: Object.keys(f.nodes) }));
  const articles = content.articles.map((a) => a.id);
  // the weekday/weekend mix averages 0.986 of the daily figure
  const turnsPerDay = TURNS / DAYS / 0.986;
  const started = performance.now();
  let rows = 0;
  let turns = 0;
  for (const day of syntheticDays({ to: TODAY, days: DAYS, turnsPerDay, flows, articles }, toRow)) {
    rows += day.length;
    turns += day.filter((r) => r.kind === 'turn').length;
    await insert(database, day);
  }
  // what autovacuum does after a burst of writes (index-only scans need the visibility map)
  if (database.dialect === 'postgres') await sql`vacuum analyze insight_events`.execute(database.db);
  return { rows, turns, ms: performance.now() - started };
}

/** A day's rows at once: SQLite in one transaction; PostgreSQL one statement per column array. */
async function insert(database: Database, rows: InsightRow[]): Promise<void> {
  if (database.dialect === 'sqlite') {
    await database.db.transaction().execute(async (tx) => {
      for (let i = 0; i < rows.length; i += 500)
        await tx
          .insertInto('insight_events')
          .values(rows.slice(i, i + 500))
          .execute();
    });
    return;
  }
  for (let i = 0; i < rows.length; i += 20_000) {
    const batch = rows.slice(i, i + 20_000);
    const arrays = COLUMNS.map((c) => {
      const values = batch.map((r) => r[c]);
      return NUMERIC.has(c) ? sql`${values}::float8[]` : sql`${values}::text[]`;
    });
    await sql`insert into insight_events (${sql.join(COLUMNS.map((c) => sql.ref(c)))}) select * from unnest(${sql.join(arrays)})`.execute(
      database.db,
    );
  }
}

/** A second Kysely on the same database that keeps every query it runs (for EXPLAIN). */
function recording(where: { file?: string; url?: string }) {
  const seen: Array<{ sql: string; parameters: readonly unknown[] }> = [];
  const dialect = where.url
    ? new PostgresDialect({ pool: new pg.Pool({ connectionString: where.url, max: 2 }) })
    : new SqliteDialect({ database: new BetterSqlite(where.file) });
  const db = new Kysely<Schema>({
    dialect,
    log: (e) => {
      if (e.level === 'query') seen.push({ sql: e.query.sql, parameters: e.query.parameters });
    },
  });
  return { db, seen };
}

/** The plans that read insight_events whole (a sequential scan, or SQLite's SCAN without an index). */
async function scans(
  db: Kysely<Schema>,
  dialect: Database['dialect'],
  queries: Array<{ sql: string; parameters: readonly unknown[] }>,
): Promise<string[]> {
  const found: string[] = [];
  for (const q of queries) {
    const explain = dialect === 'postgres' ? `explain ${q.sql}` : `explain query plan ${q.sql}`;
    const { rows } = await db.executeQuery(CompiledQuery.raw(explain, [...q.parameters]));
    const text = rows
      .map((r) => {
        const row = r as Record<string, unknown>;
        return String(row['QUERY PLAN'] ?? row.detail ?? JSON.stringify(row));
      })
      .join('\n');
    const scan =
      dialect === 'postgres'
        ? /Seq Scan on insight_events/.test(text)
        : /SCAN (insight_events|a|c)\b(?! USING (COVERING )?INDEX)/.test(text);
    if (scan) found.push(`${q.sql.slice(0, 100)}…\n        ${text.replace(/\n/g, '\n        ')}`);
  }
  return found;
}

async function backend(
  name: string,
  database: Database,
  where: { file?: string; url?: string },
): Promise<void> {
  try {
    const loaded = await load(database);
    console.log(
      `  ${name}: loaded ${loaded.rows.toLocaleString('en')} events (${loaded.turns.toLocaleString('en')} turns) in ${(loaded.ms / 1000).toFixed(1)} s (${Math.round((loaded.rows * 1000) / loaded.ms).toLocaleString('en')} rows/s)`,
    );
    const reader = new SqlInsights(database);
    const labels = {
      article: () => undefined,
      flow: () => undefined,
      intent: () => undefined,
      node: () => undefined,
      intents: () => [] as string[],
    };
    const ranges = [
      { label: '30 days', filter: { from: '2026-10-27', to: TODAY } },
      { label: `${DAYS} days`, filter: { from: '2026-05-30', to: TODAY } },
      { label: '30 days, one channel', filter: { from: '2026-10-27', to: TODAY, channel: 'teams' } },
    ];
    const names = (Object.keys(API) as ApiName[]).filter((n) => n !== 'channels');
    // the funnels' daily roll-up is made once, the first time a view asks for settled days
    const t0 = performance.now();
    await reader.funnels({ from: '2026-05-30', to: TODAY });
    console.log(`    funnels' daily roll-up of ${DAYS} days, once: ${fmt(performance.now() - t0)}`);
    for (const range of ranges) {
      const context: Context = { reader, store: reader, filter: range.filter, lang: 'zh', labels };
      const cells: string[] = [];
      for (const api of names) {
        await API[api](context); // warm
        const times: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          const t0 = performance.now();
          await API[api](context);
          times.push(performance.now() - t0);
        }
        times.sort((a, b) => a - b);
        cells.push(`${api} ${fmt(percentile(times, 95))}`);
      }
      console.log(`    p95 over ${RUNS} runs, ${range.label}: ${cells.join(' · ')}`);
    }
    // every query's plan: none may read the table whole
    const rec = recording(where);
    const recorded: Context = {
      reader: new SqlInsights({ db: rec.db, dialect: database.dialect } as unknown as Database),
      store: reader,
      filter: { from: '2026-10-27', to: TODAY, channel: 'widget' },
      lang: 'zh',
      labels,
    };
    for (const api of Object.keys(API) as ApiName[]) await API[api](recorded);
    await API.ratings({ ...recorded, filter: { from: '2026-10-27', to: TODAY } });
    const queries = [...rec.seen];
    const scanned = await scans(rec.db, database.dialect, queries);
    await rec.db.destroy();
    console.log(
      scanned.length
        ? `    plans: ${scanned.length} of ${queries.length} queries read insight_events whole:\n      ${scanned.join('\n      ')}`
        : `    plans (EXPLAIN): all ${queries.length} queries read insight_events through an index`,
    );
    // what a lead's browser downloads for the page (default range): HTML, the script, every JSON
    const full: Context = {
      reader,
      store: reader,
      filter: ranges[0]?.filter ?? { from: TODAY, to: TODAY },
      lang: 'zh',
      labels,
    };
    const html = gzipSync(insightsPage('zh')).length;
    const js = gzipSync(readFileSync(path.join(projectRoot, 'dist', 'public', 'insights.js'))).length;
    let json = 0;
    for (const api of Object.keys(API) as ApiName[])
      json += gzipSync(JSON.stringify(await API[api](full))).length;
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
    console.log(
      `    page weight (gzipped, 30 days): ${kb(html + js + json)} = HTML ${kb(html)} + script ${kb(js)} + JSON ${kb(json)} (${Object.keys(API).length} requests)`,
    );
  } finally {
    await database.close();
  }
}
