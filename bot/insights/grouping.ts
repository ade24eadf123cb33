import { normalize } from '../../knowledge/index.js';

/** A question the assistant could not answer, as stored (masked). */
export interface UnansweredRow {
  text: string;
  lang?: string | null;
  intent: string | null;
  decision: string | null;
  at: string;
}

export interface UnansweredGroup {
  /** What a label of this group is stored under (labels.ts): `lang:keyOf(example)`. */
  key: string;
  /** The language most of its questions were asked in. */
  lang: 'zh' | 'en';
  /** The most frequent wording in the group. */
  example: string;
  /** Its distinct wordings, most frequent first (at most WORDINGS_SHOWN). */
  wordings: string[];
  count: number;
  /** The model's top intent for the group's questions, where they share one. */
  intent: string | null;
  /** Why they were unanswered: not_understood, out_of_scope, clarify, down (👎), with counts. */
  decisions: Record<string, number>;
  lastAt: string;
}

/** Wordings kept per group: what a label turns into training examples. */
export const WORDINGS_SHOWN = 20;

/** Two wordings with the same top intent share at least this much of their tokens (Jaccard). */
export const SIMILAR = 0.5;

const PUNCTUATION = /[\p{P}\p{S}\s]+/gu;

/** The text as it is compared: normalised (width, script, case), punctuation and spaces gone. */
export function keyOf(text: string): string {
  return normalize(text).replace(PUNCTUATION, '');
}

/** Latin words and Chinese character bigrams (a single character alone): robust without a dictionary. */
export function tokensOf(text: string): Set<string> {
  const out = new Set<string>();
  const n = normalize(text);
  for (const w of n.match(/[a-z0-9#]+/g) ?? []) out.add(w);
  for (const run of n.match(/\p{Script=Han}+/gu) ?? []) {
    if (run.length === 1) out.add(run);
    for (let i = 0; i + 1 < run.length; i++) out.add(run.slice(i, i + 2));
  }
  return out;
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (!a.size || !b.size) return 0;
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  return shared / (a.size + b.size - shared);
}

interface Cluster {
  wordings: Map<string, number>;
  tokens: Set<string>;
  intent: string | null;
  count: number;
  decisions: Record<string, number>;
  langs: Record<string, number>;
  lastAt: string;
}

/**
 * Unanswered questions grouped so a lead reads each question once: first the same text once
 * normalised; then a wording joins a group with the same top intent whose first wording shares at
 * least half its tokens. Largest groups first.
 */
export function groupUnanswered(rows: readonly UnansweredRow[], limit = 50): UnansweredGroup[] {
  const exact = new Map<string, Cluster>();
  // normalising costs (script conversion): once per distinct wording, not per row
  const keys = new Map<string, string>();
  for (const r of rows) {
    let key = keys.get(r.text);
    if (key === undefined) {
      key = keyOf(r.text);
      keys.set(r.text, key);
    }
    if (!key) continue;
    let c = exact.get(key);
    if (!c) {
      c = {
        wordings: new Map(),
        tokens: tokensOf(r.text),
        intent: r.intent,
        count: 0,
        decisions: {},
        langs: {},
        lastAt: r.at,
      };
      exact.set(key, c);
    }
    c.count++;
    c.wordings.set(r.text, (c.wordings.get(r.text) ?? 0) + 1);
    const d = r.decision ?? 'unknown';
    c.decisions[d] = (c.decisions[d] ?? 0) + 1;
    const lang = r.lang === 'en' ? 'en' : 'zh';
    c.langs[lang] = (c.langs[lang] ?? 0) + 1;
    if (r.at > c.lastAt) c.lastAt = r.at;
  }
  const merged: Cluster[] = [];
  for (const c of [...exact.values()].sort((a, b) => b.count - a.count)) {
    const into = merged.find((m) => m.intent === c.intent && jaccard(m.tokens, c.tokens) >= SIMILAR);
    if (!into) {
      merged.push(c);
      continue;
    }
    into.count += c.count;
    for (const [w, n] of c.wordings) into.wordings.set(w, (into.wordings.get(w) ?? 0) + n);
    for (const [d, n] of Object.entries(c.decisions)) into.decisions[d] = (into.decisions[d] ?? 0) + n;
    for (const [l, n] of Object.entries(c.langs)) into.langs[l] = (into.langs[l] ?? 0) + n;
    if (c.lastAt > into.lastAt) into.lastAt = c.lastAt;
  }
  return merged
    .sort((a, b) => b.count - a.count || (a.lastAt < b.lastAt ? 1 : -1))
    .slice(0, limit)
    .map((c) => {
      // ties: the shorter wording, then the first in code-point order (a stable example to label)
      const wordings = [...c.wordings]
        .sort((a, b) => b[1] - a[1] || a[0].length - b[0].length || (a[0] < b[0] ? -1 : 1))
        .map(([w]) => w);
      const example = wordings[0] ?? '';
      const lang = (c.langs.en ?? 0) > (c.langs.zh ?? 0) ? 'en' : 'zh';
      return {
        key: `${lang}:${keyOf(example)}`,
        lang,
        example,
        wordings: wordings.slice(0, WORDINGS_SHOWN),
        count: c.count,
        intent: c.intent,
        decisions: c.decisions,
        lastAt: c.lastAt,
      };
    });
}
