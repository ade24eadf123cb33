import { BuildCache } from './build-cache.js';
import type { Content } from './content/load.js';
import { INTENT_IDS, type IntentId, LANGS, type Lang } from './content/schemas.js';
import { type Entities, extractEntities } from './entities/index.js';
import { IntentModel, type IntentResult, type LabelledTokens } from './intent/model.js';
import { KnowledgeSearch, type SearchHit } from './search/search.js';
import {
  isNormalizedMessage,
  type NormalizedMessage,
  normalize,
  normalizeMessage,
  type SegmenterKind,
  Tokenizer,
} from './text/index.js';

export interface Understanding {
  /** The message after normalisation (simplified, half-width, lower case). */
  normalized: string;
  /** Language of the message itself; undefined when it has no letters. */
  detectedLang: Lang | undefined;
  /** Script of the message's Han characters; undefined when it has none. */
  script: NormalizedMessage['script'];
  intent: IntentResult;
  entities: Entities;
  /**
   * Search hits in the message's language (or the fallback when it has none), top three. Searched
   * on first use: most turns are answered from the intent's own article and never need it.
   */
  readonly hits: SearchHit[];
}

export interface UnderstandOptions {
  now?: Date;
  /** Language to search in when the message has no letters of its own. */
  fallbackLang?: Lang;
}

/** Markers for what the entity parsers found: "there is an amount" is a strong intent feature. */
function entityMarkers(e: Entities): string[] {
  const out: string[] = [];
  if (e.reference) out.push('@reference');
  if (e.voucher) out.push('@voucher');
  if (e.orderNo) out.push('@order');
  if (e.amount) out.push('@amount');
  if (e.date) out.push('@date');
  if (e.cardLast4) out.push('@card');
  return out;
}

/** Every English word the content uses, with repeats (the spell checker weighs by frequency). */
function englishVocabulary(content: Content): string[] {
  const texts: string[] = [];
  for (const lang of LANGS)
    for (const list of Object.values(content.examples[lang])) texts.push(...(list ?? []));
  for (const a of content.articles) texts.push(a.title, a.plain, ...a.questions, ...a.tags);
  for (const c of Object.values(content.concepts)) texts.push(...(c.en ?? []));
  for (const [variant, canonical] of Object.entries(content.synonyms.en)) texts.push(variant, canonical);
  const words: string[] = [];
  for (const t of texts) words.push(...(normalize(t).match(/[a-z][a-z']*/g) ?? []));
  return words;
}

export interface UnderstanderOptions {
  segmenter?: SegmenterKind;
  /** Where start-up may keep what it derived, for the next start (DATA_DIR/cache). */
  cacheDir?: string;
}

/**
 * The understanding components (normaliser, tokenizer, entity parsers, intent model, search)
 * built once from content, then one call per message. Pure and synchronous after creation: the
 * same message and clock give the same result.
 */
export class Understander {
  private constructor(
    readonly tokenizer: Tokenizer,
    readonly model: IntentModel,
    readonly search: KnowledgeSearch,
  ) {}

  static async create(content: Content, options: UnderstanderOptions = {}): Promise<Understander> {
    const tokenizer = await Tokenizer.create({
      segmenter: options.segmenter ?? 'icu',
      synonyms: content.synonyms,
      concepts: content.concepts,
      vocabulary: englishVocabulary(content),
    });
    const training: LabelledTokens[] = [];
    const fixedNow = new Date('2026-01-15T04:00:00Z');
    for (const lang of LANGS) {
      for (const intent of INTENT_IDS) {
        for (const text of content.examples[lang][intent] ?? []) {
          training.push({ intent, tokens: Understander.features(tokenizer, text, fixedNow).tokens });
        }
      }
    }
    const cache = new BuildCache(options.cacheDir);
    const trainingKey = BuildCache.key(training);
    const temperature = cache.get<number>('intent-temperature', trainingKey);
    const model = IntentModel.train(training, temperature === undefined ? {} : { temperature });
    if (temperature === undefined) cache.set('intent-temperature', trainingKey, model.temperature);
    const search = KnowledgeSearch.build(content.articles, tokenizer, cache);
    return new Understander(tokenizer, model, search);
  }

  private static features(tokenizer: Tokenizer, input: string | NormalizedMessage, now: Date) {
    const message = isNormalizedMessage(input) ? input : normalizeMessage(input);
    const normalized = message.text;
    const entities = extractEntities(message.keepCase, now);
    const tokens = tokenizer.tokens(normalized);
    return { message, normalized, entities, words: tokens, tokens: [...tokens, ...entityMarkers(entities)] };
  }

  /** The tokens the intent model sees for a message (words, bigrams, concepts, entity markers). */
  featureTokens(text: string, now: Date = new Date()): string[] {
    return Understander.features(this.tokenizer, text, now).tokens;
  }

  /** A string is normalised here; a turn pipeline that already normalised passes its message. */
  understand(input: string | NormalizedMessage, options: UnderstandOptions = {}): Understanding {
    const f = Understander.features(this.tokenizer, input, options.now ?? new Date());
    const detectedLang = f.message.lang;
    const intent = this.model.classify(f.tokens);
    const search = this.search;
    const lang = detectedLang ?? options.fallbackLang ?? 'zh';
    let hits: SearchHit[] | undefined;
    return {
      normalized: f.normalized,
      detectedLang,
      script: f.message.script,
      intent,
      entities: f.entities,
      get hits() {
        hits ??= search.searchTokens(f.words, { lang, limit: 3 });
        return hits;
      },
    };
  }
}

export type { IntentId };
