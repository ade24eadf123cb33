import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  articleRequestsYaml,
  examplesYaml,
  keyOf,
  type LabelStore,
  type ReviewedBatch,
  reviewBatch,
} from '../../bot/insights/index.js';
import { SqlInsights } from '../../integrations/stores/db/index.js';
import { type Content, LANGS, type Lang, loadContent, projectRoot } from '../../knowledge/index.js';
import type { Resources } from './open.js';
import { INSIGHTS_USAGE } from './usage.js';

type Write = (s: string) => void;

/** Where an export goes unless told: outside intents/, so nothing trains on it until adopted. */
export const CANDIDATES_DIR = path.join(projectRoot, 'knowledge', 'candidates');

/**
 * The lines of every evaluation set we have, by keyOf(text): ours (held out, in test/eval/) and the
 * public development sets, where built (test/eval/README.md). A deployment without them exports
 * anyway, and says so.
 */
export function heldOutKeys(): { keys: Set<string>; sources: string[] } {
  const keys = new Set<string>();
  const sources: string[] = [];
  const evalDir = path.join(projectRoot, 'test', 'eval');
  const devsets = process.env.DEVSETS_DIR ?? path.join(os.tmpdir(), 'refund-assistant-devsets');
  const files = [
    ...['intents.jsonl', 'zh-real-style.jsonl'].map((f) => path.join(evalDir, f)),
    ...(existsSync(devsets)
      ? readdirSync(devsets)
          .filter((f) => f.endsWith('.jsonl'))
          .map((f) => path.join(devsets, f))
      : []),
  ];
  for (const file of files) {
    if (!existsSync(file)) continue;
    sources.push(path.relative(projectRoot, file));
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const text = (JSON.parse(line) as { text?: unknown }).text;
      if (typeof text === 'string') keys.add(keyOf(text));
    }
  }
  return { keys, sources };
}

function knownExamples(content: Content): Record<Lang, Map<string, string>> {
  const known = { zh: new Map<string, string>(), en: new Map<string, string>() };
  for (const lang of LANGS)
    for (const [intent, list] of Object.entries(content.examples[lang]))
      for (const text of list ?? []) known[lang].set(keyOf(text), intent);
  return known;
}

const stamp = (at: Date) => at.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');

export interface ExportResult {
  batch: ReviewedBatch;
  files: string[];
}

/**
 * The queue as files: one examples file per language with new examples, and the article requests.
 * Each examples file is read back as a candidate of the content it is for; a file the content would
 * refuse is not written. Unless a dry run, the labels are marked exported (they leave the queue).
 */
export async function exportLabels(
  store: LabelStore,
  options: { out: string; dryRun: boolean; now: Date; write: Write },
): Promise<ExportResult> {
  const pending = await store.labels('pending');
  const content = loadContent();
  const heldOut = heldOutKeys();
  const batch = reviewBatch(pending, { known: knownExamples(content), heldOut: heldOut.keys });
  const files: Array<{ file: string; text: string }> = [];
  for (const lang of LANGS) {
    const examples = batch.examples[lang];
    const n = Object.values(examples).reduce((sum, list) => sum + list.length, 0);
    if (!n) continue;
    files.push({
      file: path.join(options.out, `${lang}.reviewed-${stamp(options.now)}.yml`),
      text: examplesYaml(lang, examples, { at: options.now, labels: pending.length }),
    });
  }
  if (batch.articleRequests.length)
    files.push({
      file: path.join(options.out, `article-requests-${stamp(options.now)}.yml`),
      text: articleRequestsYaml(batch.articleRequests, { at: options.now }),
    });
  if (!pending.length) options.write('the review queue is empty: nothing to export\n');
  if (!heldOut.sources.length)
    options.write('note: no evaluation sets found here, so none of their lines could be left out\n');
  for (const s of batch.skipped)
    options.write(
      `left out (${s.reason}${s.existing ? `: an example of ${s.existing}` : ''}): [${s.lang}] ${s.label} "${s.text}"\n`,
    );
  if (options.dryRun) {
    for (const f of files) options.write(`--- ${f.file} (dry run, not written)\n${f.text}`);
    return { batch, files: files.map((f) => f.file) };
  }
  if (!files.length) {
    // every wording was left out (known, contradicting or held out): reviewed all the same
    if (pending.length) {
      await store.markExported(batch.keys, '(nothing new)', options.now.toISOString());
      options.write(`${pending.length} labels reviewed: nothing new to export\n`);
    }
    return { batch, files: [] };
  }
  mkdirSync(options.out, { recursive: true });
  for (const f of files) writeFileSync(f.file, f.text);
  const candidates = files.map((f) => f.file).filter((f) => /\/[a-z]{2}\.reviewed-/.test(f));
  try {
    // what npm run check would say once adopted (ContentProblems lists it all)
    loadContent({ candidates });
  } catch (e) {
    for (const f of files) rmSync(f.file, { force: true });
    throw e;
  }
  const names = files.map((f) => path.relative(process.cwd(), f.file)).join(', ');
  await store.markExported(batch.keys, names, options.now.toISOString());
  const added = LANGS.map(
    (l) => `${l} ${Object.values(batch.examples[l]).reduce((sum, list) => sum + list.length, 0)}`,
  ).join(', ');
  options.write(
    `exported ${pending.length} labels: new examples ${added}; ${batch.articleRequests.length} questions need an article\n`,
  );
  for (const f of files) options.write(`  wrote ${path.relative(process.cwd(), f.file)}\n`);
  if (candidates.length)
    options.write(
      `next: npm run eval -- ${candidates.map((c) => `--candidate ${path.relative(process.cwd(), c)}`).join(' ')}\n` +
        '      then move the file into knowledge/intents/ and run npm run check\n',
    );
  return { batch, files: files.map((f) => f.file) };
}

export async function insightsCommand(args: string[], store: LabelStore, out: Write, err: Write) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      out: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
    },
  });
  const [sub] = positionals;
  if (sub === 'queue') {
    const pending = await store.labels('pending');
    if (values.json) out(`${JSON.stringify(pending, null, 2)}\n`);
    else if (!pending.length) out('the review queue is empty\n');
    else
      out(
        `${pending
          .map(
            (l) =>
              `${l.labelledAt.slice(0, 16)}  [${l.lang}] ${l.label.padEnd(22)} ×${l.count}  "${l.example}" (${l.wordings.length} wordings)`,
          )
          .join('\n')}\n`,
      );
    return 0;
  }
  if (sub === 'export') {
    await exportLabels(store, {
      out: path.resolve(values.out ?? CANDIDATES_DIR),
      dryRun: values['dry-run'] ?? false,
      now: new Date(),
      write: out,
    });
    return 0;
  }
  err(`Usage:\n${INSIGHTS_USAGE}`);
  return 2;
}

export { INSIGHTS_USAGE };

/** On this deployment's database only: no acquirer, no model. */
export async function insights(args: string[], open: Resources, out: Write, err: Write): Promise<number> {
  return insightsCommand(args, new SqlInsights(await open.database()), out, err);
}
