import type { BuildCache } from '../build-cache.js';
import type { IntentId } from '../content/schemas.js';
import type { IntentResult, LabelledTokens, RankedIntent } from './model.js';
import { type SoftmaxOptions, SoftmaxRegression, type SoftmaxState, softmaxInPlace } from './softmax.js';

export interface LinearIntentOptions extends SoftmaxOptions {
  /**
   * Softmax temperature: logistic regression trained to near-zero loss on its own examples is too
   * sure on messages unlike them. Chosen on the development sets' tuning half so that a confidence
   * of 0.7 is right about 70% of the time there (`npm run eval -- --compare` prints the reliability).
   */
  temperature?: number;
  cache?: BuildCache;
}

/** Defaults chosen on the tuning half (test/eval/README.md): weights of the rarer, costlier class. */
export const LINEAR_DEFAULTS = {
  epochs: 10,
  l2: 1e-3,
  learningRate: 0.4,
  temperature: 0.4,
  labelWeight: { out_of_scope: 1 } as Record<string, number>,
};

/** The default intent model: logistic regression over the shared tokens (softmax.ts says why). */
export class LinearIntentModel {
  private constructor(
    private readonly lr: SoftmaxRegression<IntentId>,
    readonly temperature: number,
    /** Milliseconds spent training (0 when the weights came from the cache). */
    readonly trainMs: number,
  ) {}

  /**
   * Trained on `examples()`, or read from the cache under `key` (a fingerprint of everything the
   * examples are derived from): with a hit, the examples are never tokenized.
   */
  static trainOrLoad(
    examples: () => LabelledTokens[],
    options: LinearIntentOptions & { key?: string } = {},
  ): LinearIntentModel {
    const o = { ...LINEAR_DEFAULTS, ...options };
    const settings = { epochs: o.epochs, l2: o.l2, learningRate: o.learningRate, labelWeight: o.labelWeight };
    const key =
      o.key && o.cache ? `${o.key}-${(o.cache.constructor as typeof BuildCache).key(settings)}` : undefined;
    const cached = key ? o.cache?.get<SoftmaxState<IntentId>>('intent-linear', key) : undefined;
    if (cached) return new LinearIntentModel(SoftmaxRegression.fromState(cached), o.temperature, 0);
    const data = examples().map((e) => ({ features: e.tokens, label: e.intent }));
    const t0 = performance.now();
    const lr = SoftmaxRegression.train(data, settings);
    const trainMs = performance.now() - t0;
    if (key) o.cache?.set('intent-linear', key, lr.toState());
    return new LinearIntentModel(lr, o.temperature, trainMs);
  }

  static train(examples: LabelledTokens[], options: LinearIntentOptions = {}): LinearIntentModel {
    const key = options.cache ? (options.cache.constructor as typeof BuildCache).key(examples) : undefined;
    return LinearIntentModel.trainOrLoad(() => examples, key ? { ...options, key } : options);
  }

  /** Every intent's probability, in the model's label order. */
  probabilities(tokens: readonly string[]): { labels: readonly IntentId[]; p: Float64Array } {
    return { labels: this.lr.labels, p: softmaxInPlace(this.lr.logits(tokens), this.temperature) };
  }

  coverage(tokens: readonly string[]): number {
    const distinct = new Set(tokens);
    let known = 0;
    for (const t of distinct) if (this.lr.knows(t)) known++;
    return distinct.size === 0 ? 0 : known / distinct.size;
  }

  classify(tokens: readonly string[]): IntentResult {
    const { labels, p } = this.probabilities(tokens);
    return rank(labels, p, this.coverage(tokens));
  }
}

export function rank(labels: readonly IntentId[], p: Float64Array, coverage: number): IntentResult {
  const ranking: RankedIntent[] = labels
    .map((intent, i) => ({ intent, confidence: p[i] as number }))
    .sort((a, b) => b.confidence - a.confidence);
  const top = ranking[0] ?? { intent: 'out_of_scope' as const, confidence: 0 };
  return { intent: top.intent, confidence: top.confidence, ranking: ranking.slice(0, 5), coverage };
}
