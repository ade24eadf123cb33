import classifiers from 'natural/lib/natural/classifiers/index.js';

export interface Scored<L extends string> {
  label: L;
  /** Log-score (unnormalised log posterior). */
  score: number;
}

/**
 * natural's Bayes classifier, trained through its sparse path and scored in log space.
 *
 * Why not `classifier.train()` / `getClassifications()` as they come: both build a dense vector over
 * the whole vocabulary for every document (seconds to train on our ~3,000 examples, ~0.5 ms per
 * message), and the posterior is returned as `exp(sum of logs)`, which underflows to 0 for every
 * intent once a message has a few hundred features — long messages would then have no answer.
 * The counts, smoothing and formula are natural's; only the arithmetic stays in log space.
 */
export class NaiveBayes<L extends string> {
  private readonly bayes: InstanceType<typeof classifiers.BayesClassifier>;
  private readonly vocabulary = new Set<string>();
  private labels: L[] = [];
  private logPrior = new Map<L, number>();
  private logTotal = new Map<L, number>();

  constructor(private readonly smoothing = 1) {
    this.bayes = new classifiers.BayesClassifier(undefined, smoothing);
  }

  add(tokens: readonly string[], label: L): void {
    const unique = [...new Set(tokens)];
    if (unique.length === 0) return;
    // natural's sparse observation: an object whose values are the feature names
    const observation: Record<string, string> = {};
    unique.forEach((t, i) => {
      observation[i] = t;
    });
    this.bayes.classifier.addExample(observation, label);
    for (const t of unique) this.vocabulary.add(t);
  }

  train(): void {
    const { classTotals, totalExamples } = this.bayes.classifier;
    this.labels = Object.keys(classTotals) as L[];
    for (const label of this.labels) {
      const total = classTotals[label] ?? 1;
      this.logPrior.set(label, Math.log(total / totalExamples));
      this.logTotal.set(label, Math.log(total));
    }
  }

  knows(token: string): boolean {
    return this.vocabulary.has(token);
  }

  /** Every label with its log-score, best first. Tokens never seen in training are ignored. */
  score(tokens: readonly string[]): Scored<L>[] {
    const known = [...new Set(tokens)].filter((t) => this.vocabulary.has(t));
    const features = this.bayes.classifier.classFeatures;
    const out: Scored<L>[] = [];
    for (const label of this.labels) {
      const counts = features[label] ?? {};
      const logTotal = this.logTotal.get(label) ?? 0;
      let s = this.logPrior.get(label) ?? 0;
      for (const t of known) s += Math.log(counts[t] ?? this.smoothing) - logTotal;
      out.push({ label, score: s });
    }
    return out.sort((a, b) => b.score - a.score);
  }
}
