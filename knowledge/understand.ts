import { BuildCache, codeFingerprint } from './build-cache.js';
import {
  type Component,
  entityExtractor,
  gateComponent,
  intentComponent,
  normalizer,
  run,
  searchComponent,
} from './components.js';
import type { Content } from './content/load.js';
import { INTENT_IDS, type IntentId, LANGS, type Lang } from './content/schemas.js';
import { DomainGate, type DomainGateOptions, type DomainVerdict } from './domain/gate.js';
import type { Entities } from './entities/index.js';
import { LinearIntentModel, type LinearIntentOptions, rank } from './intent/linear.js';
import { IntentModel, type IntentResult, type LabelledTokens } from './intent/model.js';
import { KnowledgeSearch, type SearchHit } from './search/search.js';
import {
  isNormalizedMessage,
  type NormalizedMessage,
  normalize,
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
  /** The intent, out_of_scope included, with the domain gate's verdict already applied. */
  intent: IntentResult;
  /** The domain gate's verdict: how likely out of scope, which neighbour, what refund evidence. */
  domain: DomainVerdict;
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
  /** The conversation is inside a refund flow: a neighbour's word does not make it out of scope. */
  inRefundFlow?: boolean;
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

export type IntentModelKind = 'linear' | 'bayes';

export interface UnderstanderOptions {
  segmenter?: SegmenterKind;
  /** Where start-up may keep what it derived, for the next start (DATA_DIR/cache). */
  cacheDir?: string;
  /** `linear` (default): logistic regression; `bayes`: the earlier naive Bayes, for comparison. */
  model?: IntentModelKind;
  linear?: Omit<LinearIntentOptions, 'cache'>;
  gate?: DomainGateOptions;
}

/** A model's probabilities over every intent, whichever model it is. */
interface Classifier {
  classify(tokens: readonly string[]): IntentResult;
  /** Share of the distinct tokens the model saw in training. */
  coverage(tokens: readonly string[]): number;
}

/**
 * The runner of the understanding components (components.ts): normaliser, tokenizer, entity
 * parsers, intent model, domain gate, search — built once from content, then one call per message.
 * Pure and synchronous after creation: the same message and clock give the same result.
 */
export class Understander {
  private readonly intentStep: Component<readonly string[], IntentResult>;
  private readonly gateStep;
  private readonly searchStep;

  private constructor(
    readonly tokenizer: Tokenizer,
    readonly model: Classifier,
    readonly gate: DomainGate,
    readonly search: KnowledgeSearch,
    /** Milliseconds the intent model took to train at creation (0 when it came from the cache). */
    readonly trainMs: number,
  ) {
    this.intentStep = intentComponent(model);
    this.gateStep = gateComponent(gate);
    this.searchStep = searchComponent(search);
  }

  static async create(content: Content, options: UnderstanderOptions = {}): Promise<Understander> {
    const vocabulary = englishVocabulary(content);
    const tokenizer = await Tokenizer.create({
      segmenter: options.segmenter ?? 'icu',
      synonyms: content.synonyms,
      concepts: content.concepts,
      vocabulary,
    });
    const gate = DomainGate.create(content.neighbours, options.gate);
    const fixedNow = new Date('2026-01-15T04:00:00Z');
    const examples = () =>
      Understander.trainingSet(content, (text) => features(tokenizer, gate, text, fixedNow).tokens);
    const cache = new BuildCache(options.cacheDir);
    let model: Classifier;
    let trainMs: number;
    if (options.model === 'bayes') {
      const t0 = performance.now();
      const training = examples();
      const trainingKey = BuildCache.key(training);
      const temperature = cache.get<number>('intent-temperature', trainingKey);
      const nb = IntentModel.train(training, temperature === undefined ? {} : { temperature });
      if (temperature === undefined) cache.set('intent-temperature', trainingKey, nb.temperature);
      model = nb;
      trainMs = performance.now() - t0;
    } else {
      // keyed by everything the features come from, so a restart reads the weights untokenized
      const key = BuildCache.key({
        code: codeFingerprint(),
        segmenter: options.segmenter ?? 'icu',
        examples: content.examples,
        synonyms: content.synonyms,
        concepts: content.concepts,
        neighbours: content.neighbours,
        vocabulary,
      });
      const linear = LinearIntentModel.trainOrLoad(examples, { ...options.linear, cache, key });
      model = linear;
      trainMs = linear.trainMs;
    }
    const search = KnowledgeSearch.build(content.articles, tokenizer, cache);
    return new Understander(tokenizer, model, gate, search, trainMs);
  }

  /** Every training example as tokens: what both models and the peers in the eval learn from. */
  static trainingSet(content: Content, tokens: (text: string) => string[]): LabelledTokens[] {
    const out: LabelledTokens[] = [];
    for (const lang of LANGS)
      for (const intent of INTENT_IDS)
        for (const text of content.examples[lang][intent] ?? []) out.push({ intent, tokens: tokens(text) });
    return out;
  }

  /** The tokens the intent model sees for a message (words, bigrams, concepts, entity markers). */
  featureTokens(text: string | NormalizedMessage, now: Date = new Date()): string[] {
    return features(this.tokenizer, this.gate, text, now).tokens;
  }

  /** A string is normalised here; a turn pipeline that already normalised passes its message. */
  understand(input: string | NormalizedMessage, options: UnderstandOptions = {}): Understanding {
    const f = features(this.tokenizer, this.gate, input, options.now ?? new Date());
    const classified = run(this.intentStep, f.tokens);
    // Coverage over the words only: character n-grams of gibberish ("asdf qwer") are known to the
    // model one by one and would make any string look familiar.
    const raw = { ...classified, coverage: this.model.coverage(f.words) };
    const p = raw.ranking.find((r) => r.intent === 'out_of_scope')?.confidence ?? 0;
    const domain = run(this.gateStep, {
      canonical: f.canonical,
      features: f.tokens,
      outOfScope: p,
      leaning: raw.ranking.find((r) => r.intent !== 'out_of_scope')?.intent,
      inRefundFlow: options.inRefundFlow ?? false,
    });
    const intent = domain.outOfScope === p ? raw : applyGate(raw, p, domain.outOfScope);
    const searchStep = this.searchStep;
    const lang = f.message.lang ?? options.fallbackLang ?? 'zh';
    let hits: SearchHit[] | undefined;
    return {
      normalized: f.message.text,
      detectedLang: f.message.lang,
      script: f.message.script,
      intent,
      domain,
      entities: f.entities,
      get hits() {
        hits ??= run(searchStep, { words: f.words, lang, limit: 3 });
        return hits;
      },
    };
  }
}

function features(tokenizer: Tokenizer, gate: DomainGate, input: string | NormalizedMessage, now: Date) {
  const message = isNormalizedMessage(input) ? input : run(normalizer, input);
  const entities = run(entityExtractor, { keepCase: message.keepCase, now });
  const words = tokenizer.tokens(message.text);
  const canonical = tokenizer.canonical(message.text);
  const tags = gate.tags(canonical);
  // (English character n-grams were measured here too and made every figure worse: the spell
  // checker and the stems already carry the variants.)
  const tokens = [...words, ...entityMarkers(entities), ...tags];
  // Money back with no platform or neighbour named: the shape of our own questions. One feature for
  // the conjunction, which a linear model cannot form from its parts.
  if (
    (words.includes('~refund') || words.includes('~void')) &&
    !words.includes('~offdomain') &&
    tags.length === 0
  )
    tokens.push('!refund-here');
  return { message, canonical, entities, words, tokens };
}

/**
 * The gate raised the probability of out-of-scope from `before` to `after`: the other intents share
 * what is left in their proportions, so the ranking stays a distribution.
 */
function applyGate(raw: IntentResult, before: number, after: number): IntentResult {
  const scale = before >= 1 ? 0 : (1 - after) / (1 - before);
  const labels: IntentId[] = [];
  const p: number[] = [];
  for (const r of raw.ranking) {
    labels.push(r.intent);
    p.push(r.intent === 'out_of_scope' ? after : r.confidence * scale);
  }
  if (!labels.includes('out_of_scope')) {
    labels.push('out_of_scope');
    p.push(after);
  }
  return rank(labels, Float64Array.from(p), raw.coverage);
}

export type { IntentId };
