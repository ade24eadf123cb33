import type { Lang } from '../../knowledge/index.js';
import { keyOf } from './grouping.js';
import { insightText } from './recorder.js';

// The loop of issue 14: a lead labels an unanswered question on /insights (an intent, or "needs a
// new article"); labels wait in a review queue; an operator exports them as a YAML file of
// training examples for knowledge/intents/, measures it with `npm run eval -- --candidate`, and
// only then adopts it. Nothing trains from users' words on its own.

/** The label that is not an intent: the knowledge base lacks an answer. */
export const NEW_ARTICLE = 'new_article';

export type LabelStatus = 'pending' | 'exported';

/** One labelled group of unanswered questions, as stored. */
export interface QuestionLabel {
  /** keyOf(example) in its language: labelling the same question again replaces the label. */
  key: string;
  lang: Lang;
  /** The group's most frequent wording, masked. */
  example: string;
  /** The group's distinct wordings (example first), masked. */
  wordings: string[];
  /** An intent id, or NEW_ARTICLE. */
  label: string;
  /** How often the group was asked when it was labelled. */
  count: number;
  status: LabelStatus;
  labelledAt: string;
  exportedAt: string | null;
  /** The file it went into. */
  exportedTo: string | null;
}

/** The database's side of labels (integrations/stores/db/insights.ts). */
export interface LabelStore {
  /** Adds a label or replaces the pending one of the same key (an exported one stays exported). */
  putLabel(label: QuestionLabel): Promise<'added' | 'replaced' | 'already_exported'>;
  /** Removes a pending label; false when there is none. */
  removeLabel(key: string): Promise<boolean>;
  labels(status?: LabelStatus): Promise<QuestionLabel[]>;
  markExported(keys: readonly string[], file: string, at: string): Promise<void>;
}

/** Wordings a lead may send with one label, and how long each may be. */
export const MAX_WORDINGS = 20;
const MAX_WORDING = 300;

export class LabelInputError extends Error {
  override name = 'LabelInputError';
}

export interface LabelInput {
  lang: unknown;
  example: unknown;
  wordings?: unknown;
  label: unknown;
  count?: unknown;
}

/**
 * A label as a lead's browser sent it, made safe: the text masked again (it came back from a
 * browser, so it is treated as user input), a known language and label, bounded sizes.
 */
export function labelFrom(
  input: LabelInput,
  options: { intents: readonly string[]; now: Date },
): QuestionLabel {
  const lang = input.lang === 'zh' || input.lang === 'en' ? input.lang : undefined;
  if (!lang) throw new LabelInputError('lang must be zh or en');
  if (
    typeof input.label !== 'string' ||
    !(input.label === NEW_ARTICLE || options.intents.includes(input.label))
  )
    throw new LabelInputError(`label must be one of the intents or ${NEW_ARTICLE}`);
  if (typeof input.example !== 'string') throw new LabelInputError('example must be text');
  const clean = (t: string) => insightText(t).slice(0, MAX_WORDING);
  const example = clean(input.example);
  const key = keyOf(example);
  if (!key) throw new LabelInputError('example is empty');
  const more = Array.isArray(input.wordings) ? input.wordings.slice(0, MAX_WORDINGS) : [];
  const wordings: string[] = [example];
  const seen = new Set([key]);
  for (const w of more) {
    if (typeof w !== 'string') continue;
    const text = clean(w);
    const k = keyOf(text);
    if (!k || seen.has(k)) continue;
    seen.add(k);
    wordings.push(text);
  }
  const count =
    typeof input.count === 'number' && Number.isFinite(input.count)
      ? Math.max(1, Math.round(input.count))
      : 1;
  return {
    key: `${lang}:${key}`,
    lang,
    example,
    wordings,
    label: input.label,
    count,
    status: 'pending',
    labelledAt: options.now.toISOString(),
    exportedAt: null,
    exportedTo: null,
  };
}
