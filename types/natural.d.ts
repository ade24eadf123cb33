// natural's package root import costs ~1.4 s and loads ./.env (STACK.md), so we import two of its
// files directly; these declarations cover just what we use from them.
declare module 'natural/lib/natural/stemmers/porter_stemmer.js' {
  const PorterStemmer: { stem(token: string): string };
  export default PorterStemmer;
}

declare module 'natural/lib/natural/classifiers/index.js' {
  export class BayesClassifier {
    constructor(stemmer?: unknown, smoothing?: number);
    classifier: {
      classFeatures: Record<string, Record<string, number>>;
      classTotals: Record<string, number>;
      totalExamples: number;
      smoothing: number;
      addExample(observation: Record<string, string> | number[], label: string): void;
    };
    addDocument(tokens: string[], label: string): void;
    train(): void;
    getClassifications(tokens: string[]): Array<{ label: string; value: number }>;
  }
  const classifiers: { BayesClassifier: typeof BayesClassifier };
  export default classifiers;
}

declare module 'natural/lib/natural/spellcheck/spellcheck.js' {
  export default class Spellcheck {
    constructor(wordlist: string[]);
    isCorrect(word: string): boolean;
    getCorrections(word: string, maxDistance?: number): string[];
  }
}
