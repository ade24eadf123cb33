import type { IntentId } from '../content/schemas.js';
import { NaiveBayes, type Scored } from './naive-bayes.js';

export interface RankedIntent {
  intent: IntentId;
  confidence: number;
}

export interface IntentResult extends RankedIntent {
  /** Best first; the top five. */
  ranking: RankedIntent[];
  /** Share of the message's distinct tokens the model saw in training (0 when it knows none). */
  coverage: number;
}

export interface LabelledTokens {
  tokens: string[];
  intent: IntentId;
}

function softmax(scores: Scored<IntentId>[], temperature: number): RankedIntent[] {
  const top = scores[0]?.score ?? 0;
  const exps = scores.map((s) => Math.exp((s.score - top) / temperature));
  const sum = exps.reduce((a, b) => a + b, 0);
  return scores.map((s, i) => ({ intent: s.label, confidence: (exps[i] ?? 0) / sum }));
}

/** Mean negative log-likelihood of the true labels at temperature t. */
function nll(heldOut: Array<{ scores: Float64Array; truth: number }>, t: number): number {
  let total = 0;
  for (const { scores, truth } of heldOut) {
    const top = scores[0] as number;
    let sum = 0;
    for (const s of scores) sum += Math.exp((s - top) / t);
    total += Math.log(sum) - ((scores[truth] as number) - top) / t;
  }
  return total / heldOut.length;
}

/**
 * Bayes log-scores are not probabilities (STACK.md): they are far too sure of themselves. A single
 * temperature, fitted on held-out folds of the training examples (never the evaluation set), turns
 * them into confidences that mean roughly what they say, so the thresholds in the router hold.
 */
function fitTemperature(examples: LabelledTokens[], folds = 4): number {
  const heldOut: Array<{ scores: Float64Array; truth: number }> = [];
  for (let f = 0; f < folds; f++) {
    const nb = new NaiveBayes<IntentId>();
    examples.forEach((e, i) => {
      if (i % folds !== f) nb.add(e.tokens, e.intent);
    });
    nb.train();
    examples.forEach((e, i) => {
      if (i % folds !== f) return;
      const scored = nb.score(e.tokens);
      const truth = scored.findIndex((s) => s.label === e.intent);
      if (truth >= 0) heldOut.push({ scores: Float64Array.from(scored, (s) => s.score), truth });
    });
  }
  // the likelihood is unimodal in t: golden-section search, one new evaluation per step
  const g = (Math.sqrt(5) - 1) / 2;
  let lo = 0.25;
  let hi = 16;
  let a = hi - g * (hi - lo);
  let b = lo + g * (hi - lo);
  let fa = nll(heldOut, a);
  let fb = nll(heldOut, b);
  for (let i = 0; i < 18; i++) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - g * (hi - lo);
      fa = nll(heldOut, a);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + g * (hi - lo);
      fb = nll(heldOut, b);
    }
  }
  return (lo + hi) / 2;
}

export class IntentModel {
  private constructor(
    private readonly nb: NaiveBayes<IntentId>,
    readonly temperature: number,
  ) {}

  static train(examples: LabelledTokens[], options: { temperature?: number } = {}): IntentModel {
    const nb = new NaiveBayes<IntentId>();
    for (const e of examples) nb.add(e.tokens, e.intent);
    nb.train();
    return new IntentModel(nb, options.temperature ?? fitTemperature(examples));
  }

  coverage(tokens: readonly string[]): number {
    const distinct = new Set(tokens);
    let known = 0;
    for (const t of distinct) if (this.nb.knows(t)) known++;
    return distinct.size === 0 ? 0 : known / distinct.size;
  }

  classify(tokens: readonly string[]): IntentResult {
    const ranking = softmax(this.nb.score(tokens), this.temperature);
    const top = ranking[0] ?? { intent: 'out_of_scope' as const, confidence: 0 };
    return {
      intent: top.intent,
      confidence: top.confidence,
      ranking: ranking.slice(0, 5),
      coverage: this.coverage(tokens),
    };
  }
}
