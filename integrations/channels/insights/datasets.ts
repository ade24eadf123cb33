import {
  groupUnanswered,
  type InsightsFilter,
  type InsightsReader,
  type LabelStore,
  NEW_ARTICLE,
  type QuestionLabel,
  type UnansweredGroup,
} from '../../../bot/insights/index.js';
import type { Lang } from '../../../knowledge/index.js';

/** Names the page shows instead of ids (articles' and trees' titles, in the page's language). */
export interface Labels {
  article(id: string, lang: Lang): string | undefined;
  flow(id: string, lang: Lang): string | undefined;
  intent(id: string, lang: Lang): string | undefined;
  /** A tree's step as a lead reads it (its question), not its id. */
  node(flow: string, node: string, lang: Lang): string | undefined;
  /** The intents a question can be labelled with, in the catalogue's order. */
  intents(): readonly string[];
}

export interface Context {
  reader: InsightsReader;
  store: LabelStore;
  filter: InsightsFilter;
  lang: Lang;
  labels: Labels;
}

/** A group of unanswered questions as the page shows it: with its label, once labelled. */
export type UnansweredShown = UnansweredGroup & {
  intentTitle: string | null;
  labelled: { label: string; title: string; status: QuestionLabel['status'] } | null;
};

const NEW_ARTICLE_TITLE = { zh: '需要新文章', en: 'Needs a new article' } as const;

function labelTitle(c: Context, label: string): string {
  return label === NEW_ARTICLE ? NEW_ARTICLE_TITLE[c.lang] : (c.labels.intent(label, c.lang) ?? label);
}

/** Unanswered questions read for grouping: the newest this many in the range. */
export const UNANSWERED_READ = 5000;

/** Each chart's data, as /insights/api/NAME returns it. */
export const API = {
  conversations: (c: Context) => c.reader.conversations(c.filter),
  containment: (c: Context) => c.reader.containment(c.filter),
  claims: (c: Context) => c.reader.claimTimes(c.filter),
  ratings: async (c: Context) => {
    const r = await c.reader.ratings(c.filter);
    return {
      articles: r.articles.map((a) => ({ ...a, title: c.labels.article(a.article, c.lang) ?? a.article })),
      solved: r.solved.map((s) => ({ ...s, title: c.labels.flow(s.flow, c.lang) ?? s.flow })),
    };
  },
  funnels: async (c: Context) => {
    const steps = await c.reader.funnels(c.filter);
    const flows = [...new Set(steps.map((s) => s.flow))];
    return flows.map((flow) => ({
      flow,
      title: c.labels.flow(flow, c.lang) ?? flow,
      steps: steps
        .filter((s) => s.flow === flow)
        .map((s) => ({
          node: s.node,
          title: c.labels.node(flow, s.node, c.lang) ?? s.node,
          conversations: s.conversations,
        })),
    }));
  },
  lookups: (c: Context) => c.reader.lookups(c.filter),
  applications: (c: Context) => c.reader.applications(c.filter),
  arrivals: (c: Context) => c.reader.arrivals(c.filter),
  unanswered: async (c: Context): Promise<UnansweredShown[]> => {
    const [rows, labelled] = await Promise.all([
      c.reader.unanswered(c.filter, UNANSWERED_READ),
      c.store.labels(),
    ]);
    const byKey = new Map(labelled.map((l) => [l.key, l]));
    return groupUnanswered(rows, 100).map((g) => {
      const l = byKey.get(g.key);
      return {
        ...g,
        intentTitle: g.intent ? (c.labels.intent(g.intent, c.lang) ?? g.intent) : null,
        labelled: l ? { label: l.label, title: labelTitle(c, l.label), status: l.status } : null,
      };
    });
  },
  /** The review queue, and what a question can be labelled with. */
  queue: async (c: Context) => {
    const all = await c.store.labels();
    const shown = (l: QuestionLabel) => ({ ...l, title: labelTitle(c, l.label) });
    return {
      pending: all.filter((l) => l.status === 'pending').map(shown),
      exported: all
        .filter((l) => l.status === 'exported')
        .slice(0, 20)
        .map(shown),
      choices: [
        ...c.labels.intents().map((id) => ({ id, title: labelTitle(c, id) })),
        { id: NEW_ARTICLE, title: labelTitle(c, NEW_ARTICLE) },
      ],
    };
  },
  channels: async (c: Context) => {
    // the channels of the last half year up to the range's end
    const since = new Date(Date.parse(`${c.filter.to}T00:00:00Z`) - 180 * 86_400_000)
      .toISOString()
      .slice(0, 10);
    return { channels: await c.reader.channels(since), filter: c.filter };
  },
} as const;
export type ApiName = keyof typeof API;

export interface Table {
  columns: string[];
  rows: Array<Array<string | number | null>>;
}

/** Every table of the page as CSV (/insights/export/NAME.csv). */
export const EXPORTS: Record<string, (c: Context) => Promise<Table>> = {
  conversations: async (c) => ({
    columns: ['day', 'channel', 'lang', 'conversations'],
    rows: (await API.conversations(c)).map((r) => [r.day, r.channel, r.lang, r.conversations]),
  }),
  containment: async (c) => ({
    columns: ['day', 'conversations', 'handed_over', 'tickets', 'containment'],
    rows: (await API.containment(c)).map((r) => [
      r.day,
      r.conversations,
      r.handedOver,
      r.tickets,
      r.conversations ? Math.round((1 - r.handedOver / r.conversations) * 1000) / 1000 : null,
    ]),
  }),
  'claim-times': async (c) => ({
    columns: ['bucket', 'claimed'],
    rows: (await API.claims(c)).buckets.map((b) => [b.bucket, b.count]),
  }),
  ratings: async (c) => ({
    columns: ['article', 'title', 'up', 'down'],
    rows: (await API.ratings(c)).articles.map((a) => [a.article, a.title, a.up, a.down]),
  }),
  solved: async (c) => ({
    columns: ['flow', 'title', 'yes', 'no'],
    rows: (await API.ratings(c)).solved.map((s) => [s.flow, s.title, s.yes, s.no]),
  }),
  funnels: async (c) => ({
    columns: ['flow', 'node', 'step', 'conversations'],
    rows: (await API.funnels(c)).flatMap((f) =>
      f.steps.map((s) => [f.flow, s.node, s.title, s.conversations]),
    ),
  }),
  lookups: async (c) => ({
    columns: ['day', 'outcome', 'count'],
    rows: (await API.lookups(c)).map((r) => [r.day, r.outcome, r.count]),
  }),
  applications: async (c) => ({
    columns: ['outcome', 'count'],
    rows: (await API.applications(c)).outcomes.map((o) => [o.bucket, o.count]),
  }),
  refusals: async (c) => ({
    columns: ['rule', 'count'],
    rows: (await API.applications(c)).refusals.map((o) => [o.bucket, o.count]),
  }),
  'decision-times': async (c) => ({
    columns: ['bucket', 'decided'],
    rows: (await API.applications(c)).decisionTimes.map((o) => [o.bucket, o.count]),
  }),
  arrivals: async (c) => {
    const a = await API.arrivals(c);
    return {
      columns: ['outcome', 'refunds'],
      rows: [
        ['early', a.early],
        ['on_time', a.onTime],
        ['late', a.late],
        ['pending', a.pending],
      ],
    };
  },
  unanswered: async (c) => ({
    columns: ['example', 'count', 'lang', 'intent', 'reasons', 'last_at', 'label', 'label_status'],
    rows: (await API.unanswered(c)).map((g) => [
      g.example,
      g.count,
      g.lang,
      g.intent,
      Object.entries(g.decisions)
        .map(([d, n]) => `${d}:${n}`)
        .join(' '),
      g.lastAt,
      g.labelled?.label ?? null,
      g.labelled?.status ?? null,
    ]),
  }),
  labels: async (c) => ({
    columns: ['example', 'lang', 'label', 'wordings', 'count', 'status', 'labelled_at', 'exported_to'],
    rows: (await c.store.labels()).map((l) => [
      l.example,
      l.lang,
      l.label,
      l.wordings.length,
      l.count,
      l.status,
      l.labelledAt,
      l.exportedTo,
    ]),
  }),
};

function cell(v: string | number | null): string {
  const s = v === null ? '' : String(v);
  // a cell a spreadsheet would run as a formula is defused; quotes, commas and breaks quoted
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r']/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(t: Table): string {
  // a BOM so Excel reads the Chinese as UTF-8
  return `\ufeff${[t.columns, ...t.rows].map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}
