export interface Scored<L extends string> {
  label: L;
  /** Unnormalised log posterior. */
  score: number;
}

/**
 * Multinomial naive Bayes over token presence, Lidstone smoothing α, scored in log space.
 *
 * Why not natural's BayesClassifier, which DESIGN.md names: `npm run eval` measures both on the
 * same features, and natural's (a Bernoulli variant that normalises by document count and ignores
 * vocabulary size) is several points less accurate here. It also trains through a dense vector over
 * the whole vocabulary per document (seconds at start) and returns exp(sum of logs), which
 * underflows to 0 for every intent once a message is long. This is the textbook model, small
 * enough to read whole; natural still provides the stemmer and the spelling corrector.
 */
export class NaiveBayes<L extends string> {
  private readonly counts = new Map<L, Map<string, number>>();
  private readonly tokenTotals = new Map<L, number>();
  private readonly docs = new Map<L, number>();
  private readonly vocabulary = new Set<string>();
  private documents = 0;
  private labels: L[] = [];
  private prior = new Float64Array(0);
  /**
   * log P(token | label) for every label, one row per token in one flat array (a typed array per
   * token costs ~100 bytes of overhead each, tens of MB at our vocabulary): scoring is a few adds.
   */
  private table = new Float64Array(0);
  private rowOf = new Map<string, number>();

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
    this.labels = [...this.docs.keys()];
    const n = this.labels.length;
    this.prior = Float64Array.from(this.labels, (l) => Math.log((this.docs.get(l) ?? 0) / this.documents));
    const denominators = this.labels.map((l) => Math.log((this.tokenTotals.get(l) ?? 0) + this.alpha * v));
    this.table = new Float64Array(this.vocabulary.size * n);
    this.rowOf = new Map();
    let offset = 0;
    const unseen = denominators.map((d) => Math.log(this.alpha) - d);
    for (const token of this.vocabulary) {
      this.table.set(unseen, offset);
      this.rowOf.set(token, offset);
      offset += n;
    }
    // then only the tokens each label has actually seen
    this.labels.forEach((label, k) => {
      for (const [token, count] of this.counts.get(label) ?? []) {
        this.table[(this.rowOf.get(token) as number) + k] =
          Math.log(count + this.alpha) - (denominators[k] as number);
      }
    });
    // the counts are only needed to build the table
    this.counts.clear();
    this.vocabulary.clear();
  }

  knows(token: string): boolean {
    return this.rowOf.has(token);
  }

  /** Every label with its log-score, best first. Tokens never seen in training carry no evidence. */
  score(tokens: readonly string[]): Scored<L>[] {
    const sums = Float64Array.from(this.prior);
    const table = this.table;
    for (const t of new Set(tokens)) {
      const offset = this.rowOf.get(t);
      if (offset === undefined) continue;
      for (let k = 0; k < sums.length; k++) sums[k] = (sums[k] as number) + (table[offset + k] as number);
    }
    return this.labels
      .map((label, k) => ({ label, score: sums[k] as number }))
      .sort((a, b) => b.score - a.score);
  }
}
