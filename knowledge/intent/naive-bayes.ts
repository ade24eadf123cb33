export interface Scored<L extends string> {
  label: L;
  /** Unnormalised log posterior. */
  score: number;
}

/**
 * Multinomial naive Bayes over token presence, Laplace/Lidstone smoothing α, scored in log space.
 *
 * Why not natural's BayesClassifier, which DESIGN.md names: `npm run eval` measures both on the
 * same features, and natural's (a Bernoulli variant that normalises by document count and ignores
 * vocabulary size) is 4–7 points less accurate here. It also trains through a dense vector over the
 * whole vocabulary per document (seconds at start) and returns exp(sum of logs), which underflows to
 * 0 for every intent once a message is long. The model below is the textbook one and small enough
 * to read in full; natural still provides the stemmer.
 */
export class NaiveBayes<L extends string> {
  private readonly counts = new Map<L, Map<string, number>>();
  private readonly tokenTotals = new Map<L, number>();
  private readonly docs = new Map<L, number>();
  private readonly vocabulary = new Set<string>();
  private documents = 0;
  private logPrior = new Map<L, number>();
  private logDenominator = new Map<L, number>();

  constructor(private readonly alpha = 0.1) {}

  add(tokens: readonly string[], label: L): void {
    const unique = new Set(tokens);
    if (unique.size === 0) return;
    this.documents++;
    this.docs.set(label, (this.docs.get(label) ?? 0) + 1);
    let counts = this.counts.get(label);
    if (!counts) {
      counts = new Map();
      this.counts.set(label, counts);
    }
    for (const t of unique) {
      counts.set(t, (counts.get(t) ?? 0) + 1);
      this.vocabulary.add(t);
    }
    this.tokenTotals.set(label, (this.tokenTotals.get(label) ?? 0) + unique.size);
  }

  train(): void {
    const v = this.vocabulary.size;
    for (const [label, n] of this.docs) {
      this.logPrior.set(label, Math.log(n / this.documents));
      this.logDenominator.set(label, Math.log((this.tokenTotals.get(label) ?? 0) + this.alpha * v));
    }
  }

  knows(token: string): boolean {
    return this.vocabulary.has(token);
  }

  /** Every label with its log-score, best first. Tokens never seen in training carry no evidence. */
  score(tokens: readonly string[]): Scored<L>[] {
    const known: string[] = [];
    for (const t of new Set(tokens)) if (this.vocabulary.has(t)) known.push(t);
    const out: Scored<L>[] = [];
    for (const [label, counts] of this.counts) {
      const denominator = this.logDenominator.get(label) ?? 0;
      let s = this.logPrior.get(label) ?? 0;
      for (const t of known) s += Math.log((counts.get(t) ?? 0) + this.alpha) - denominator;
      out.push({ label, score: s });
    }
    return out.sort((a, b) => b.score - a.score);
  }
}
