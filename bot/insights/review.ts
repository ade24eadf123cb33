import yaml from 'js-yaml';
import type { Lang } from '../../knowledge/index.js';
import { keyOf } from './grouping.js';
import { NEW_ARTICLE, type QuestionLabel } from './labels.js';

/** Why a labelled wording does not become a training example. */
export type SkipReason =
  /** Already an example of the same intent. */
  | 'known'
  /** Already an example of another intent: a person decides which is right. */
  | 'conflict'
  /** A line of a held-out evaluation set: training on it would make the figures lie. */
  | 'held_out'
  /** Two labels in this batch gave it different intents. */
  | 'ambiguous';

export interface Skipped {
  text: string;
  lang: Lang;
  label: string;
  reason: SkipReason;
  /** For a conflict: the intent the existing example has. */
  existing?: string;
}

export interface ArticleRequest {
  lang: Lang;
  example: string;
  count: number;
  wordings: string[];
}

export interface ReviewedBatch {
  /** New training examples per language and intent. */
  examples: Record<Lang, Record<string, string[]>>;
  articleRequests: ArticleRequest[];
  skipped: Skipped[];
  /** The labels this batch used up (every pending one given). */
  keys: string[];
}

export interface ReviewOptions {
  /** Each language's training examples today, by keyOf(text): their intent. */
  known: Record<Lang, ReadonlyMap<string, string>>;
  /** keyOf(text) of every held-out and development line we have. */
  heldOut: ReadonlySet<string>;
}

/**
 * The reviewed labels as a batch of training examples: each wording once, none that the model
 * already has, none that would contradict an example, and none from an evaluation set.
 */
export function reviewBatch(labels: readonly QuestionLabel[], options: ReviewOptions): ReviewedBatch {
  const examples: ReviewedBatch['examples'] = { zh: {}, en: {} };
  const articleRequests: ArticleRequest[] = [];
  const skipped: Skipped[] = [];
  const chosen = new Map<string, { label: string; text: string; lang: Lang }>();
  for (const l of labels) {
    if (l.label === NEW_ARTICLE) {
      articleRequests.push({ lang: l.lang, example: l.example, count: l.count, wordings: l.wordings });
      continue;
    }
    for (const text of l.wordings) {
      const key = keyOf(text);
      if (!key) continue;
      const base = { text, lang: l.lang, label: l.label };
      if (options.heldOut.has(key)) {
        skipped.push({ ...base, reason: 'held_out' });
        continue;
      }
      const existing = options.known[l.lang].get(key);
      if (existing !== undefined) {
        skipped.push(
          existing === l.label ? { ...base, reason: 'known' } : { ...base, reason: 'conflict', existing },
        );
        continue;
      }
      const id = `${l.lang}:${key}`;
      const before = chosen.get(id);
      if (before && before.label !== l.label) {
        chosen.delete(id);
        skipped.push({ ...base, reason: 'ambiguous' }, { ...before, reason: 'ambiguous' });
        continue;
      }
      chosen.set(id, base);
    }
  }
  for (const { text, lang, label } of chosen.values()) {
    const list = examples[lang][label] ?? [];
    list.push(text);
    examples[lang][label] = list;
  }
  articleRequests.sort((a, b) => b.count - a.count);
  return { examples, articleRequests, skipped, keys: labels.map((l) => l.key) };
}

/** A file for knowledge/intents/ (the loader's `<lang>.<source>.yml`), with where it came from. */
export function examplesYaml(
  lang: Lang,
  examples: Record<string, string[]>,
  options: { at: Date; labels: number },
): string {
  const sorted = Object.fromEntries(Object.entries(examples).sort(([a], [b]) => a.localeCompare(b)));
  const head = [
    '# Reviewed questions from /insights: unanswered questions real users asked, labelled by a',
    `# support lead and exported ${options.at.toISOString().slice(0, 16).replace('T', ' ')} UTC (${options.labels} labels).`,
    '# Masked at the source. Measure before adopting: npm run eval -- --candidate <this file>',
  ].join('\n');
  return `${head}\n${yaml.dump({ lang, examples: sorted }, { lineWidth: -1, quotingType: '"', forceQuotes: true })}`;
}

/** What content writers are asked for: questions the knowledge base has no answer to. */
export function articleRequestsYaml(requests: readonly ArticleRequest[], options: { at: Date }): string {
  const head = [
    '# Questions a support lead marked "needs a new article" on /insights: a worklist for content',
    `# writers (not loaded by the assistant). Exported ${options.at.toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
  ].join('\n');
  return `${head}\n${yaml.dump({ requests }, { lineWidth: -1, quotingType: '"' })}`;
}
