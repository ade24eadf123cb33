import PorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import { type ConceptLists, ConceptTagger } from './concepts.js';
import { escapeRegExp } from './regexp.js';
import { Speller } from './speller.js';

export type SegmenterKind = 'icu' | 'jieba';

/** Variant → canonical spelling, per language (typos, homophones, colloquial forms). */
export interface Synonyms {
  zh: Record<string, string>;
  en: Record<string, string>;
}

export interface TokenizerOptions {
  segmenter?: SegmenterKind;
  synonyms?: Synonyms;
  /** Character bigrams over Chinese runs: recall for words the segmenter splits oddly. */
  bigrams?: boolean;
  /** English words as written and word pairs, beside the stems. */
  englishPhrases?: boolean;
  /** Concept lists (knowledge/concepts.yml): each concept mentioned becomes a `~name` token. */
  concepts?: ConceptLists;
  /**
   * English words the content uses (with repeats: frequency breaks ties). An unknown word one edit
   * away from one of them is read as that word: "recieved", "trasaction", "refnd".
   */
  vocabulary?: readonly string[];
}

/** 4+ letters: shorter words have too many neighbours one edit away ("fee" → "see", "few"). */
const MIN_SPELLCHECK_LENGTH = 4;

// Only words that carry nothing for intent or search. Question words and negations stay: "how",
// "when", "not" separate how_to_refund from refund_not_received.
const EN_STOP = new Set(
  'a an the is are am was were be been to of i me my mine it its for on in at and or this that these those do does did you your we our us they them he she his her there here with by as so just pls please plz'.split(
    ' ',
  ),
);

const RUN = /(\p{Script=Han}+)|([a-z][a-z']*)|(\d+(?:\.\d+)?)/gu;

type WordSegmenter = (run: string) => string[];

function icuSegmenter(): WordSegmenter {
  const seg = new Intl.Segmenter('zh', { granularity: 'word' });
  return (run) => {
    const out: string[] = [];
    for (const s of seg.segment(run)) if (s.isWordLike) out.push(s.segment);
    return out;
  };
}

async function jiebaSegmenter(userWords: string[]): Promise<WordSegmenter> {
  const { Jieba } = await import('@node-rs/jieba');
  const { dict } = await import('@node-rs/jieba/dict.js');
  const jieba = Jieba.withDict(dict);
  if (userWords.length > 0) jieba.loadDict(Buffer.from(userWords.map((w) => `${w} 100000`).join('\n')));
  return (run) => jieba.cut(run, false);
}

/** `wholeWord`: English variants replace whole words only ("recieved", not inside another word). */
function buildReplacer(
  map: Record<string, string>,
  { wholeWord }: { wholeWord: boolean },
): (text: string) => string {
  const variants = Object.keys(map).sort((a, b) => b.length - a.length);
  if (variants.length === 0) return (t) => t;
  const escaped = variants.map(escapeRegExp);
  const pattern = wholeWord ? `\\b(?:${escaped.join('|')})\\b` : escaped.join('|');
  const re = new RegExp(pattern, 'g');
  return (text) => text.replace(re, (m) => map[m] ?? m);
}

/**
 * One tokenizer for the search index and the intent model (DESIGN.md): Chinese words plus
 * character bigrams, English words without stop words and Porter-stemmed, digit runs as a shape
 * token (`#d12` for a 12-digit number) so "a long number" is a feature without the number itself.
 * Input must already be normalised (knowledge/text/normalize.ts).
 */
/** What a tokenizer is made of, once its options are resolved. */
interface TokenizerParts {
  segment: WordSegmenter;
  fixZh: (t: string) => string;
  fixEn: (t: string) => string;
  bigrams: boolean;
  phrases: boolean;
  concepts: ConceptTagger | undefined;
  speller: Speller | undefined;
}

export class Tokenizer {
  private readonly segment: WordSegmenter;
  private readonly fixZh: (t: string) => string;
  private readonly fixEn: (t: string) => string;
  private readonly bigrams: boolean;
  private readonly phrases: boolean;
  private readonly concepts: ConceptTagger | undefined;
  private readonly speller: Speller | undefined;

  private constructor(parts: TokenizerParts) {
    this.segment = parts.segment;
    this.fixZh = parts.fixZh;
    this.fixEn = parts.fixEn;
    this.bigrams = parts.bigrams;
    this.phrases = parts.phrases;
    this.concepts = parts.concepts;
    this.speller = parts.speller;
  }

  static async create(options: TokenizerOptions = {}): Promise<Tokenizer> {
    const synonyms = options.synonyms ?? { zh: {}, en: {} };
    const canonicalZh = [...new Set(Object.values(synonyms.zh))];
    return new Tokenizer({
      segment: options.segmenter === 'jieba' ? await jiebaSegmenter(canonicalZh) : icuSegmenter(),
      fixZh: buildReplacer(synonyms.zh, { wholeWord: false }),
      fixEn: buildReplacer(synonyms.en, { wholeWord: true }),
      bigrams: options.bigrams ?? true,
      phrases: options.englishPhrases ?? true,
      concepts: options.concepts ? new ConceptTagger(options.concepts) : undefined,
      speller: options.vocabulary?.length ? new Speller(options.vocabulary) : undefined,
    });
  }

  /** Canonical spellings applied; what the tokenizer actually reads. */
  canonical(normalized: string): string {
    const words = normalized.replace(/n't\b/g, ' not').replace(/[a-z][a-z']*/g, (w) => this.spell(w));
    return this.fixEn(this.fixZh(words));
  }

  private readonly stems = new Map<string, string>();

  private stem(word: string): string {
    let s = this.stems.get(word);
    if (s === undefined) {
      s = PorterStemmer.stem(word);
      if (this.stems.size >= 50_000) this.stems.clear();
      this.stems.set(word, s);
    }
    return s;
  }

  /** Corrections already worked out: the same typos come back, and working one out costs ~50 µs. */
  private readonly corrections = new Map<string, string>();

  private spell(word: string): string {
    const speller = this.speller;
    if (!speller || speller.isCorrect(word)) return word;
    const known = this.corrections.get(word);
    if (known !== undefined) return known;
    const corrected = this.correct(speller, word);
    // bounded: an attacker's stream of random words must not grow it without end
    if (this.corrections.size >= 10_000) this.corrections.clear();
    this.corrections.set(word, corrected);
    return corrected;
  }

  private correct(speller: Speller, word: string): string {
    // "hellooo", "byeee", "soooo": stretched letters are emphasis, not spelling
    const squeezed = word.replace(/([a-z])\1{2,}/g, '$1');
    if (squeezed !== word && speller.isCorrect(squeezed)) return squeezed;
    if (squeezed.length < MIN_SPELLCHECK_LENGTH) return squeezed;
    return speller.corrections(squeezed)[0] ?? squeezed;
  }

  tokens(normalized: string): string[] {
    const text = this.canonical(normalized);
    const out: string[] = [];
    let previous: string | undefined;
    for (const m of text.matchAll(RUN)) {
      const [, han, latin, digits] = m;
      if (han !== undefined) {
        out.push(...this.segment(han));
        if (this.bigrams && han.length > 2) {
          for (let i = 0; i + 1 < han.length; i++) out.push(han.slice(i, i + 2));
        }
      } else if (latin !== undefined) {
        const word = latin.replace(/'s?$/, '');
        if (word.length === 0) continue;
        if (!EN_STOP.has(word)) out.push(this.stem(word));
        if (this.phrases) {
          // English meaning sits in short phrases ("how long", "not arrived", "same day") that
          // stems alone lose; the words themselves, stop words included, and each adjacent pair.
          out.push(`w:${word}`);
          if (previous !== undefined) out.push(`${previous}_${word}`);
          previous = word;
        }
        continue;
      } else if (digits !== undefined) {
        const length = digits.replace('.', '').length;
        out.push(`#d${length > 12 ? 'long' : length}`);
      }
      previous = undefined;
    }
    if (this.concepts) out.push(...this.concepts.tag(text));
    return out;
  }
}
