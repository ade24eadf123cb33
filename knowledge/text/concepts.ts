import type { Lang } from '../content/schemas.js';
import { escapeRegExp } from './regexp.js';

export type ConceptLists = Record<string, Partial<Record<Lang, string[]>>>;

/**
 * Marks a message with the concepts it mentions (`~fail`, `~arrive`, …), from knowledge/concepts.yml.
 * One alternation per language: a single scan finds every listed word.
 */
export class ConceptTagger {
  private readonly zh: RegExp | undefined;
  private readonly en: RegExp | undefined;
  private readonly owner = new Map<string, string[]>();

  constructor(concepts: ConceptLists) {
    const zhWords: string[] = [];
    const enWords: string[] = [];
    for (const [name, lists] of Object.entries(concepts)) {
      for (const lang of ['zh', 'en'] as const) {
        for (const word of lists[lang] ?? []) {
          const w = word.toLowerCase();
          (lang === 'zh' ? zhWords : enWords).push(w);
          this.owner.set(w, [...(this.owner.get(w) ?? []), `~${name}`]);
        }
      }
    }
    const byLength = (a: string, b: string) => b.length - a.length;
    this.zh = zhWords.length
      ? new RegExp([...new Set(zhWords)].sort(byLength).map(escapeRegExp).join('|'), 'g')
      : undefined;
    this.en = enWords.length
      ? new RegExp(
          `(?<![a-z])(?:${[...new Set(enWords)].sort(byLength).map(escapeRegExp).join('|')})(?![a-z])`,
          'g',
        )
      : undefined;
  }

  /** `text` is the tokenizer's canonical form (normalised, variants replaced). */
  tag(text: string): string[] {
    const found = new Set<string>();
    for (const re of [this.zh, this.en]) {
      if (!re) continue;
      for (const m of text.matchAll(re)) for (const c of this.owner.get(m[0]) ?? []) found.add(c);
    }
    return [...found];
  }
}
