/**
 * Multinomial logistic regression over sparse binary features, trained with AdaGrad.
 *
 * Why our own and not a library: natural's LogisticRegressionClassifier trains through dense
 * vectors (seconds here, STACK.md), and the npm alternatives we could use offline are either dense
 * too or pull a tensor runtime (tens of MB, slow start) for what is ~150 lines. Discriminative
 * weights are the point: naive Bayes counts every word as independent evidence, so a neighbour's
 * question that shares "card" and "when" with a refund question is pulled into refunds; a logistic
 * model learns that those words carry nothing once "refund" is absent.
 */
export interface SoftmaxOptions {
  epochs?: number;
  /** L2 penalty per update: keeps rare features from deciding alone. */
  l2?: number;
  learningRate?: number;
  /** Shuffling seed: the same data gives the same weights. */
  seed?: number;
  /** Per-label weight of its examples' loss (rarer labels up, over-represented ones down). */
  labelWeight?: Record<string, number>;
}

export interface Labelled<L extends string> {
  features: readonly string[];
  label: L;
}

/** The weights as stored in the build cache. */
export interface SoftmaxState<L extends string> {
  labels: L[];
  features: string[];
  /** Float32 weights (features × labels, then the biases), base64. */
  weights: string;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class SoftmaxRegression<L extends string> {
  private constructor(
    readonly labels: L[],
    private readonly index: Map<string, number>,
    /** row f holds feature f's weight for every label; the last row is the bias */
    private readonly w: Float32Array,
  ) {}

  get featureCount(): number {
    return this.index.size;
  }

  static train<L extends string>(
    data: readonly Labelled<L>[],
    options: SoftmaxOptions = {},
  ): SoftmaxRegression<L> {
    const { epochs = 12, l2 = 1e-5, learningRate = 0.4, seed = 7 } = options;
    const labels = [...new Set(data.map((d) => d.label))].sort();
    const labelOf = new Map(labels.map((l, i) => [l, i]));
    const index = new Map<string, number>();
    const rows = data.map((d) => {
      const ids: number[] = [];
      for (const f of new Set(d.features)) {
        let i = index.get(f);
        if (i === undefined) {
          i = index.size;
          index.set(f, i);
        }
        ids.push(i);
      }
      const y = labelOf.get(d.label) as number;
      return { ids, all: [] as number[], y, weight: options.labelWeight?.[d.label] ?? 1 };
    });
    const k = labels.length;
    const bias = index.size;
    for (const r of rows) r.all = [...r.ids, bias];
    const w = new Float32Array((index.size + 1) * k);
    const g2 = new Float32Array(w.length).fill(1e-8);
    const p = new Float64Array(k);
    const random = mulberry32(seed);
    const order = rows.map((_, i) => i);
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j] as number, order[i] as number];
      }
      for (const r of order) {
        const row = rows[r] as (typeof rows)[number];
        // features scaled by 1/√n: a long message is not n times as sure as a short one
        const x = 1 / Math.sqrt(row.ids.length + 1);
        SoftmaxRegression.logits(w, row.ids, x, k, bias, p);
        softmaxInPlace(p);
        for (let c = 0; c < k; c++) {
          const g = ((p[c] as number) - (c === row.y ? 1 : 0)) * row.weight;
          for (const f of row.all) {
            const at = f * k + c;
            const xf = f === bias ? 1 : x;
            const grad = g * xf + l2 * (w[at] as number);
            g2[at] = (g2[at] as number) + grad * grad;
            w[at] = (w[at] as number) - (learningRate * grad) / Math.sqrt(g2[at] as number);
          }
        }
      }
    }
    return new SoftmaxRegression(labels, index, w);
  }

  private static logits(
    w: Float32Array,
    ids: readonly number[],
    x: number,
    k: number,
    bias: number,
    out: Float64Array,
  ) {
    for (let c = 0; c < k; c++) out[c] = w[bias * k + c] as number;
    for (const f of ids) {
      const o = f * k;
      for (let c = 0; c < k; c++) out[c] = (out[c] as number) + x * (w[o + c] as number);
    }
  }

  /** Raw scores (logits) per label, in `labels` order; unknown features carry nothing. */
  logits(features: readonly string[]): Float64Array {
    const ids: number[] = [];
    for (const f of new Set(features)) {
      const i = this.index.get(f);
      if (i !== undefined) ids.push(i);
    }
    // the same scale as in training, counting the features the model does not know: a message
    // mostly made of unknown words should be less sure, not more
    const n = new Set(features).size;
    const out = new Float64Array(this.labels.length);
    SoftmaxRegression.logits(this.w, ids, 1 / Math.sqrt(n + 1), this.labels.length, this.index.size, out);
    return out;
  }

  knows(feature: string): boolean {
    return this.index.has(feature);
  }

  toState(): SoftmaxState<L> {
    return {
      labels: this.labels,
      features: [...this.index.keys()],
      weights: Buffer.from(this.w.buffer, this.w.byteOffset, this.w.byteLength).toString('base64'),
    };
  }

  static fromState<L extends string>(s: SoftmaxState<L>): SoftmaxRegression<L> {
    const bytes = Buffer.from(s.weights, 'base64');
    const w = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    return new SoftmaxRegression(s.labels, new Map(s.features.map((f, i) => [f, i])), w);
  }
}

/** Softmax in place, at temperature t. */
export function softmaxInPlace(v: Float64Array, t = 1): Float64Array {
  let top = Number.NEGATIVE_INFINITY;
  for (const x of v) top = Math.max(top, x);
  let sum = 0;
  for (let i = 0; i < v.length; i++) {
    const e = Math.exp(((v[i] as number) - top) / t);
    v[i] = e;
    sum += e;
  }
  for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) / sum;
  return v;
}
