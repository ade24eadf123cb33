// `npm run eval -- --compare [--split tune|test]`: every model side by side on every set — our
// held-out test/eval/intents.jsonl and the development sets built by test/eval/devsets/build.ts.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decide } from '../../bot/route.js';
import { type Content, type IntentId, type Lang, loadContent, Understander } from '../../knowledge/index.js';
import { DEVSETS, type DevCase, devsetsDir, readDevset, type Split } from './devsets/files.js';
import { REFUND_INTENTS } from './devsets/labels.js';
import { nlpJs } from './peers.js';

export interface Case {
  text: string;
  lang: Lang;
  intent: IntentId;
  accept?: IntentId[];
}
interface Prediction {
  intent: IntentId;
  confidence: number;
  /** What the router does with it: a direct answer to a refund question is what must not go wrong. */
  answered: boolean;
}
interface Model {
  name: string;
  trainMs: number;
  predict(c: Case): Promise<Prediction> | Prediction;
}

const pct = (n: number, d: number) => (d === 0 ? '   n/a' : `${((100 * n) / d).toFixed(1)}%`.padStart(6));
const right = (c: Case, p: IntentId) => p === c.intent || (c.accept?.includes(p) ?? false);

export function ours(name: string, u: Understander): Model {
  return {
    name,
    trainMs: u.trainMs,
    predict: (c) => {
      const x = u.understand(c.text, { fallbackLang: c.lang });
      const d = decide(x);
      return { intent: x.intent.intent, confidence: x.intent.confidence, answered: d.kind === 'answer' };
    },
  };
}

/** Expected calibration error over ten equal-width bins, and the bins themselves. */
export function reliability(points: Array<{ confidence: number; correct: boolean }>) {
  const bins = Array.from({ length: 10 }, () => ({ n: 0, conf: 0, acc: 0 }));
  for (const p of points) {
    const b = bins[Math.min(9, Math.floor(p.confidence * 10))] as (typeof bins)[number];
    b.n++;
    b.conf += p.confidence;
    b.acc += p.correct ? 1 : 0;
  }
  let ece = 0;
  for (const b of bins) if (b.n) ece += (b.n / points.length) * Math.abs(b.acc / b.n - b.conf / b.n);
  return { ece, bins };
}

export async function evaluate(model: Model, cases: Case[]) {
  const times: number[] = [];
  const rows: Array<{ c: Case; p: Prediction }> = [];
  for (const c of cases) {
    const t0 = performance.now();
    const p = await model.predict(c);
    times.push(performance.now() - t0);
    rows.push({ c, p });
  }
  times.sort((a, b) => a - b);
  const q = (f: number) => (times[Math.min(times.length - 1, Math.floor(f * times.length))] ?? 0) * 1000;
  const inScope = rows.filter((r) => r.c.intent !== 'out_of_scope');
  const oos = rows.filter((r) => r.c.intent === 'out_of_scope');
  const refundRows = inScope.filter((r) => REFUND_INTENTS.includes(r.c.intent));
  const perIntent = new Map<IntentId, { n: number; ok: number }>();
  for (const r of rows) {
    const s = perIntent.get(r.c.intent) ?? { n: 0, ok: 0 };
    s.n++;
    if (right(r.c, r.p.intent)) s.ok++;
    perIntent.set(r.c.intent, s);
  }
  return {
    n: rows.length,
    all: rows.filter((r) => right(r.c, r.p.intent)).length,
    inScope: inScope.length,
    inScopeOk: inScope.filter((r) => right(r.c, r.p.intent)).length,
    refund: refundRows.length,
    refundRecalled: refundRows.filter((r) => REFUND_INTENTS.includes(r.p.intent)).length,
    oos: oos.length,
    falseAccepts: oos.filter((r) => r.p.answered && r.p.intent !== 'out_of_scope').length,
    weak: [...perIntent]
      .filter(([, s]) => s.n >= 5)
      .map(([i, s]) => ({ intent: i, recall: s.ok / s.n, n: s.n }))
      .sort((a, b) => a.recall - b.recall)
      .slice(0, 3),
    p50: q(0.5),
    p99: q(0.99),
    calibration: reliability(
      rows.map((r) => ({ confidence: r.p.confidence, correct: right(r.c, r.p.intent) })),
    ),
    rows,
  };
}

/** Our held-out set per language, then every development set built on this machine (its half). */
export function evalSets(split: Split): Array<{ name: string; cases: Case[] }> {
  const here = path.dirname(new URL(import.meta.url).pathname);
  const own: Case[] = readFileSync(path.join(here, 'intents.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Case);
  const sets: Array<{ name: string; cases: Case[] }> = [
    { name: 'intents.jsonl zh (ours, held out)', cases: own.filter((c) => c.lang === 'zh') },
    { name: 'intents.jsonl en (ours, held out)', cases: own.filter((c) => c.lang === 'en') },
  ];
  for (const name of DEVSETS) {
    const cases: DevCase[] | undefined = readDevset(name, split);
    if (cases) sets.push({ name: `${name} (${split})`, cases });
    else console.log(`${name}: not built in ${devsetsDir()} (see test/eval/README.md)`);
  }
  return sets;
}

export async function compare(options: { split: Split; errors: boolean }) {
  const content: Content = loadContent();
  const sets = evalSets(options.split);
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'ra-compare-'));
  const models: Model[] = [
    ours('ours: logistic regression + gate (default)', await Understander.create(content, { cacheDir })),
    ours('naive Bayes (before)', await Understander.create(content, { model: 'bayes' })),
  ];
  const nlp = await nlpJs(content);
  models.push({
    name: nlp.name,
    trainMs: nlp.trainMs,
    predict: async (c) => {
      const r = await nlp.classifyAsync(c.text, c.lang);
      const second = r.ranking[1]?.confidence ?? 0;
      // the same rule as our router's direct answer: a clear winner that is sure enough
      return {
        intent: r.intent,
        confidence: r.confidence,
        answered: r.confidence >= 0.55 && r.confidence - second >= 0.2,
      };
    },
  });
  rmSync(cacheDir, { recursive: true, force: true });

  for (const set of sets) {
    console.log(`\n${set.name}: ${set.cases.length} lines`);
    console.log(
      `  ${'model'.padEnd(44)} ${'right'.padStart(6)} ${'in-sc.'.padStart(6)} ${'refund'.padStart(6)} ${'OOS FA'.padStart(6)}   p50 µs  p99 µs  train ms  ECE   weakest recall`,
    );
    for (const m of models) {
      const r = await evaluate(m, set.cases);
      const weak = r.weak.map((w) => `${w.intent} ${pct(w.recall * w.n, w.n).trim()}`).join(', ');
      console.log(
        `  ${m.name.padEnd(44)} ${pct(r.all, r.n)} ${pct(r.inScopeOk, r.inScope)} ${pct(r.refundRecalled, r.refund)} ${pct(r.falseAccepts, r.oos)}  ${r.p50.toFixed(0).padStart(6)}  ${r.p99.toFixed(0).padStart(6)}  ${m.trainMs.toFixed(0).padStart(8)}  ${r.calibration.ece.toFixed(3)}  ${weak}`,
      );
      if (m === models[0] && options.errors)
        for (const x of r.rows.filter((x) => !right(x.c, x.p.intent)).slice(0, 40))
          console.log(`      [${x.c.intent} → ${x.p.intent} ${x.p.confidence.toFixed(2)}] ${x.c.text}`);
    }
  }
  console.log('\nReliability of our confidence, all sets pooled (bin: lines, mean confidence → accuracy)');
  const pooled: Array<{ confidence: number; correct: boolean }> = [];
  for (const set of sets) {
    const r = await evaluate(models[0] as Model, set.cases);
    for (const x of r.rows) pooled.push({ confidence: x.p.confidence, correct: right(x.c, x.p.intent) });
  }
  const rel = reliability(pooled);
  for (const [i, b] of rel.bins.entries())
    if (b.n)
      console.log(
        `  ${(i / 10).toFixed(1)}–${((i + 1) / 10).toFixed(1)}: ${String(b.n).padStart(5)}  ${(b.conf / b.n).toFixed(2)} → ${(b.acc / b.n).toFixed(2)}`,
      );
  console.log(`  ECE ${rel.ece.toFixed(3)}`);
  console.log(
    '\nright: top intent = label (out_of_scope included) · in-sc.: of in-scope lines · refund: refund questions whose top intent is a refund intent · OOS FA: out-of-scope lines answered directly with an in-scope intent',
  );
}
