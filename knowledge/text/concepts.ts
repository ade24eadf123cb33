import type { Lang } from '../content/schemas.js';

export type ConceptLists = Record<string, Partial<Record<Lang, string[]>>>;

const LATIN_WORD = /[a-z0-9+'-]+/g;

/**
 * Marks a message with the concepts it mentions (`~fail`, `~arrive`, …), from knowledge/concepts.yml.
 * Lookups in a set, at every position for Chinese (words are a few characters long) and over runs
 * of up to four words for English: linear in the message, whatever the size of the lists (a regular
 * expression alternation of several hundred words tries each one at every position).
 */
export class ConceptTagger {
  private readonly zh = new Map<string, string[]>();
  private readonly en = new Map<string, string[]>();
  private maxZh = 0;
  private maxEnWords = 0;

  constructor(concepts: ConceptLists) {
    for (const [name, lists] of Object.entries(concepts)) {
      for (const word of lists.zh ?? []) {
        const w = word.toLowerCase();
        this.zh.set(w, [...(this.zh.get(w) ?? []), `~${name}`]);
        this.maxZh = Math.max(this.maxZh, [...w].length);
      }
      for (const phrase of lists.en ?? []) {
        // the tokenizer reads "doesn't" as "does not"; so must the lists
        const w = (phrase.toLowerCase().replace(/n't\b/g, ' not').match(LATIN_WORD) ?? []).join(' ');
        if (!w) continue;
        this.en.set(w, [...(this.en.get(w) ?? []), `~${name}`]);
        this.maxEnWords = Math.max(this.maxEnWords, w.split(' ').length);
      }
    }
  }

  /** `text` is the tokenizer's canonical form (normalised, variants replaced). */
  tag(text: string): string[] {
    const found = new Set<string>();
    const add = (hits: string[] | undefined) => {
      if (hits) for (const h of hits) found.add(h);
    };
    // Chinese words may contain digits or Latin letters (t+1, 3q, pos机): scan the whole text.
    const chars = [...text];
    for (let i = 0; i < chars.length; i++) {
      let key = '';
      for (let n = 0; n < this.maxZh && i + n < chars.length; n++) {
        key += chars[i + n];
        add(this.zh.get(key));
      }
    }
    const words = text.match(LATIN_WORD) ?? [];
    for (let i = 0; i < words.length; i++) {
      let key = '';
      for (let n = 0; n < this.maxEnWords && i + n < words.length; n++) {
        key = n === 0 ? (words[i] as string) : `${key} ${words[i + n]}`;
        add(this.en.get(key));
      }
    }
    return [...found];
  }
}
