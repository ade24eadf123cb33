/// <reference lib="dom" />
// The /insights page: the filter, then every chart and table from /insights/api/*.
import type {
  ApplicationOutcomes,
  ArrivalAccuracy,
  ClaimTimes,
  ContainmentByDay,
  ConversationsByDay,
  LookupOutcomes,
} from '../../../../bot/insights/index.js';
import type { UnansweredShown } from '../datasets.js';
import { draw, forget } from './charts.js';
import { type Queue, queue, unanswered } from './labels.js';
import { $, api, channel, form, from, locale, query, t, to } from './page.js';
import { table } from './tables.js';

interface Ratings {
  articles: Array<{ article: string; title: string; up: number; down: number }>;
  solved: Array<{ flow: string; title: string; yes: number; no: number }>;
}
interface Funnel {
  flow: string;
  title: string;
  steps: Array<{ node: string; title: string; conversations: number }>;
}
const chartEl = (id: string) => $<HTMLElement>(`[data-chart="${id}"]`);
const days = (rows: Array<{ day: string }>) => [...new Set(rows.map((r) => r.day))].sort();
const duration = (ms: number | null) =>
  ms === null
    ? '–'
    : ms < 60_000
      ? `${Math.round(ms / 1000)}s`
      : ms < 3_600_000
        ? `${Math.round(ms / 60_000)}m`
        : `${(ms / 3_600_000).toFixed(1)}h`;
const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

const AXIS_BASE = {
  grid: { left: 48, right: 16, top: 40, bottom: 32, containLabel: true },
  tooltip: { trigger: 'axis' },
};

function conversations(rows: ConversationsByDay[]): void {
  const el = chartEl('conversations');
  const x = days(rows);
  const groups = [...new Set(rows.map((r) => `${r.channel} · ${r.lang}`))].sort();
  draw(
    el,
    {
      ...AXIS_BASE,
      grid: { ...AXIS_BASE.grid, top: 56 },
      legend: { top: 0 },
      xAxis: { type: 'category', data: x },
      yAxis: { type: 'value', minInterval: 1 },
      series: groups.map((g) => ({
        name: g,
        type: 'bar',
        stack: 'all',
        data: x.map((d) =>
          rows
            .filter((r) => r.day === d && `${r.channel} · ${r.lang}` === g)
            .reduce((n, r) => n + r.conversations, 0),
        ),
      })),
    },
    locale,
  );
}

function containment(rows: ContainmentByDay[]): void {
  const shown = rows.filter((r) => r.conversations > 0);
  const rate = (r: ContainmentByDay) => Math.min(1, r.handedOver / r.conversations);
  draw(
    chartEl('containment'),
    {
      ...AXIS_BASE,
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => pct(v) },
      legend: { top: 0 },
      xAxis: { type: 'category', data: shown.map((r) => r.day) },
      yAxis: { type: 'value', min: 0, max: 1, axisLabel: { formatter: (v: number) => pct(v) } },
      series: [
        { name: t('containment_rate'), type: 'line', data: shown.map((r) => 1 - rate(r)), smooth: true },
        { name: t('handover_rate'), type: 'line', data: shown.map(rate), smooth: true },
      ],
    },
    locale,
  );
}

function claims(c: ClaimTimes): void {
  draw(
    chartEl('claims'),
    {
      ...AXIS_BASE,
      xAxis: { type: 'category', data: c.buckets.map((b) => b.bucket) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', data: c.buckets.map((b) => b.count), barMaxWidth: 40 }],
    },
    locale,
  );
  const note = $<HTMLElement>('[data-note="claims"]');
  note.textContent = t('claims_summary')
    .replace('{claimed}', String(c.claimed))
    .replace('{asked}', String(c.asked))
    .replace('{avg}', duration(c.averageMs))
    .replace('{unclaimed}', String(c.unclaimed));
}

function ratings(r: Ratings): void {
  const top = r.articles.slice(0, 12).reverse();
  draw(
    chartEl('ratings'),
    {
      ...AXIS_BASE,
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      legend: { top: 0 },
      yAxis: {
        type: 'category',
        data: top.map((a) => a.title),
        axisLabel: { width: 180, overflow: 'truncate' },
      },
      xAxis: { type: 'value', minInterval: 1 },
      series: [
        { name: t('up'), type: 'bar', stack: 'r', data: top.map((a) => a.up), color: '#16a34a' },
        { name: t('down'), type: 'bar', stack: 'r', data: top.map((a) => a.down), color: '#dc2626' },
      ],
    },
    locale,
  );
  table(
    'solved',
    [t('col_flow'), t('col_yes'), t('col_no'), 'CSAT'],
    r.solved.map((x) => [x.title, x.yes, x.no, x.yes + x.no ? pct(x.yes / (x.yes + x.no)) : '–']),
  );
}

function funnels(list: Funnel[]): void {
  const box = $<HTMLElement>('[data-funnels]');
  for (const old of box.querySelectorAll<HTMLElement>('[data-chart]')) forget(old);
  box.replaceChildren();
  if (!list.length) {
    const p = document.createElement('p');
    p.className = 'note';
    p.textContent = t('no_data');
    box.append(p);
    return;
  }
  for (const f of list) {
    const wrap = document.createElement('div');
    const h = document.createElement('h2');
    h.textContent = f.title;
    const el = document.createElement('div');
    el.className = 'funnel';
    el.dataset.chart = `funnel-${f.flow}`;
    wrap.append(h, el);
    box.append(wrap);
    const steps = f.steps.slice(0, 10);
    draw(
      el,
      {
        tooltip: { trigger: 'item', formatter: '{b}: {c}' },
        series: [
          {
            type: 'funnel',
            // in the order of the tree's steps as reached (the end last), not re-sorted
            sort: 'none',
            left: 8,
            width: '50%',
            top: 8,
            bottom: 8,
            minSize: '12%',
            gap: 1,
            // a step's question can be long: cut to the space beside the funnel (the tooltip has it whole)
            label: {
              position: 'right',
              formatter: '{c} · {b}',
              fontSize: 11,
              color: '#374151',
              width: 150,
              overflow: 'truncate',
            },
            labelLine: { length: 12 },
            data: steps.map((x) => ({
              name: x.node === '(ended)' ? t('funnel_ended') : x.title,
              value: x.conversations,
            })),
          },
        ],
      },
      locale,
    );
  }
}

function lookups(rows: LookupOutcomes[]): void {
  const x = days(rows);
  const outcomes = [...new Set(rows.map((r) => r.outcome))].sort();
  draw(
    chartEl('lookups'),
    {
      ...AXIS_BASE,
      legend: { top: 0 },
      xAxis: { type: 'category', data: x },
      yAxis: { type: 'value', minInterval: 1 },
      series: outcomes.map((o) => ({
        name: t(`outcome_${o}`),
        type: 'bar',
        stack: 'l',
        data: x.map((d) => rows.find((r) => r.day === d && r.outcome === o)?.count ?? 0),
      })),
    },
    locale,
  );
}

function applications(a: ApplicationOutcomes): void {
  draw(
    chartEl('applications'),
    {
      ...AXIS_BASE,
      xAxis: {
        type: 'category',
        data: a.outcomes.map((o) => t(`outcome_${o.bucket}`)),
        axisLabel: { interval: 0 },
      },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', data: a.outcomes.map((o) => o.count), barMaxWidth: 40, colorBy: 'data' }],
    },
    locale,
  );
  draw(
    chartEl('decision-times'),
    {
      ...AXIS_BASE,
      xAxis: { type: 'category', data: a.decisionTimes.map((b) => b.bucket) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', data: a.decisionTimes.map((b) => b.count), barMaxWidth: 40, color: '#7c3aed' }],
    },
    locale,
  );
  table(
    'refusals',
    [t('col_rule'), t('col_count')],
    a.refusals.map((r) => [r.bucket, r.count]),
  );
}

function arrivals(a: ArrivalAccuracy): void {
  const data = [
    { name: t('early'), value: a.early, itemStyle: { color: '#0891b2' } },
    { name: t('on_time'), value: a.onTime, itemStyle: { color: '#16a34a' } },
    { name: t('late'), value: a.late, itemStyle: { color: '#dc2626' } },
    { name: t('pending'), value: a.pending, itemStyle: { color: '#9ca3af' } },
  ];
  draw(
    chartEl('arrivals'),
    {
      tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
      legend: { top: 0 },
      series: [{ type: 'pie', radius: ['38%', '68%'], top: 24, data, label: { formatter: '{b}\n{c}' } }],
    },
    locale,
  );
}

function exportLinks(): void {
  for (const a of document.querySelectorAll<HTMLAnchorElement>('a[data-export]'))
    a.href = `/insights/export/${a.dataset.export}.csv?${query()}`;
}

async function load(): Promise<void> {
  exportLinks();
  history.replaceState(null, '', `/insights?${query()}`);
  const jobs: Array<Promise<void>> = [
    api<ConversationsByDay[]>('conversations').then(conversations),
    api<ContainmentByDay[]>('containment').then(containment),
    api<ClaimTimes>('claims').then(claims),
    api<Ratings>('ratings').then(ratings),
    api<Funnel[]>('funnels').then(funnels),
    api<LookupOutcomes[]>('lookups').then(lookups),
    api<ApplicationOutcomes>('applications').then(applications),
    api<ArrivalAccuracy>('arrivals').then(arrivals),
    Promise.all([api<UnansweredShown[]>('unanswered'), api<Queue>('queue')]).then(([groups, q]) => {
      unanswered(groups, q.choices, load);
      queue(q, load);
    }),
  ];
  const results = await Promise.allSettled(jobs);
  const failed = results.some((r) => r.status === 'rejected');
  document.body.dataset.loaded = failed ? 'failed' : 'true';
  if (failed) {
    const p = document.createElement('p');
    p.className = 'error';
    p.setAttribute('role', 'alert');
    p.textContent = t('load_failed');
    document.querySelector('main')?.prepend(p);
  }
}

async function start(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const meta = await api<{ channels: string[]; filter: { from: string; to: string } }>('channels');
  from.value = params.get('from') ?? meta.filter.from;
  to.value = params.get('to') ?? meta.filter.to;
  for (const c of meta.channels) {
    const o = document.createElement('option');
    o.value = c;
    o.textContent = c;
    channel.append(o);
  }
  channel.value = params.get('channel') ?? '';
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void load();
  });
  await load();
}

void start();
