// `npm run eval -- --candidate FILE [--candidate FILE…] [--split tune|test]`: what a batch of
// reviewed questions (app/cli/insights.ts exports them from /insights' review queue) would do to
// understanding, before anything trains on it. The model as it is and the model with the batch,
// side by side on our held-out set and every development set built here.
import path from 'node:path';
import { type IntentId, LANGS, type Lang, loadContent, Understander } from '../../knowledge/index.js';
import { type Case, evalSets, evaluate, ours } from './compare.js';
import type { Split } from './devsets/files.js';

const pct = (n: number, d: number) => (d === 0 ? '   n/a' : `${((100 * n) / d).toFixed(1)}%`.padStart(6));
const delta = (a: number, b: number, d: number) => {
  if (!d) return '';
  const x = (100 * (b - a)) / d;
  return `${x >= 0 ? '+' : ''}${x.toFixed(1)}`.padStart(6);
};

export async function candidateEval(options: { files: string[]; split: Split }) {
  const baseline = loadContent();
  // refuses a file npm run check would refuse, with the whole list of problems
  const withBatch = loadContent({ candidates: options.files });
  const added: Case[] = [];
  for (const lang of LANGS)
    for (const [intent, list] of Object.entries(withBatch.examples[lang]) as [IntentId, string[]][]) {
      const before = new Set(baseline.examples[lang][intent] ?? []);
      for (const text of list) if (!before.has(text)) added.push({ text, lang: lang as Lang, intent });
    }
  console.log(
    `candidate: ${options.files.map((f) => path.relative(process.cwd(), f)).join(', ')} — ${added.length} new examples`,
  );
  const sets = evalSets(options.split);
  const before = ours('as it is', await Understander.create(baseline));
  const after = ours('with the batch', await Understander.create(withBatch));
  // what the batch teaches: its own questions the model gets wrong today
  const taught = await evaluate(before, added);
  console.log(
    `the batch's own questions: ${taught.all} of ${taught.n} already understood today; ${taught.n - taught.all} to learn\n`,
  );
  console.log(
    `  ${'set'.padEnd(36)} ${'n'.padStart(5)}  ${'right'.padStart(6)} ${'→'.padStart(1)} ${'right'.padStart(6)} ${'Δ'.padStart(6)}   ${'OOS FA'.padStart(6)} → ${'OOS FA'.padStart(6)}`,
  );
  let worse = false;
  for (const set of sets) {
    const a = await evaluate(before, set.cases);
    const b = await evaluate(after, set.cases);
    if (b.all < a.all || b.falseAccepts > a.falseAccepts) worse = true;
    console.log(
      `  ${set.name.padEnd(36)} ${String(a.n).padStart(5)}  ${pct(a.all, a.n)} → ${pct(b.all, b.n)} ${delta(a.all, b.all, a.n)}   ${pct(a.falseAccepts, a.oos)} → ${pct(b.falseAccepts, b.oos)}`,
    );
  }
  console.log(
    worse
      ? '\nsome set got worse: look at --errors on that set before adopting the batch'
      : '\nno set got worse: adopt by moving the file into knowledge/intents/ and running npm run check',
  );
}
