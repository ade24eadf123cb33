import type { IntentId, Lang, Localized } from '../content/schemas.js';
import { ConceptTagger } from '../text/concepts.js';

/** One neighbouring domain from knowledge/neighbours.yml. */
export interface Neighbour {
  zh: string[];
  en: string[];
  /**
   * English word pairs that name the neighbour only together ("card" with "arrive": card delivery;
   * either alone is one of ours). Whole words, any order, anywhere in the message.
   */
  together?: Array<[string[], string[]]>;
  pointer: Localized;
}
export type Neighbours = Record<string, Neighbour>;

export interface DomainVerdict {
  /** Probability that the message is outside what the assistant does. */
  outOfScope: number;
  /** The neighbouring domain the message mentions, when it mentions one. */
  neighbour?: string;
  /** Where the question goes instead, in both languages: for the out-of-scope reply. */
  pointer?: Localized;
  /** What in the message says "this is about a refund" (concepts, identifiers); empty when nothing. */
  evidence: string[];
}

export interface DomainGateInput {
  /** The tokenizer's canonical text (normalised, variants replaced). */
  canonical: string;
  /** The intent model's tokens, concepts and entity markers included. */
  features: readonly string[];
  /** The intent model's probability of out_of_scope. */
  outOfScope: number;
  /** The in-scope intent the model ranks first: what the evidence must support. */
  leaning?: IntentId;
  /** The conversation is inside a refund flow: its messages are refund messages by context. */
  inRefundFlow?: boolean;
}

export interface DomainGateOptions {
  /**
   * Probability of out-of-scope given to a message that names a neighbouring domain and has no
   * evidence of a refund. Chosen on the development sets' tuning half (`npm run eval -- --compare`).
   */
  neighbourFloor?: number;
}

/**
 * What counts as evidence that a message is ours, per intent the model leans to: for the refund
 * topics, a refund or void word, the merchant's side of a payment (a terminal, settlement, a shop
 * and its customers) or an identifier of a payment; the other intents have their own topic's words
 * ("pin error, was I charged" is a payment question, "transfer me to an agent" a request for a person).
 */
const REFUND_EVIDENCE = ['~refund', '~void', '~terminal', '~merchant', '@reference', '@order', '@voucher'];
const EVIDENCE: Partial<Record<IntentId, ReadonlySet<string>>> = {
  transaction_lookup: new Set([...REFUND_EVIDENCE, '~payment', '@card']),
  payment_process: new Set([...REFUND_EVIDENCE, '~payment', '~process']),
  settlement: new Set([...REFUND_EVIDENCE, '~settlement']),
  dispute_prevention: new Set([...REFUND_EVIDENCE, '~dispute']),
  human_agent: new Set([...REFUND_EVIDENCE, '~human']),
};
const DEFAULT_EVIDENCE: ReadonlySet<string> = new Set(REFUND_EVIDENCE);

/**
 * The domain gate: is this about a payment at a merchant and getting money back, or about a
 * neighbour's business (card delivery, repayment, transfers, exchange rates, fees, security,
 * logistics)? The statistical part is the intent model's out_of_scope class, trained on our own
 * negatives; this adds the rule the model cannot learn from few examples: a neighbour's words
 * without any evidence of a refund mean the neighbour ("我的信用卡什么时候寄到" is card delivery,
 * however much "什么时候…到" sounds like a late refund).
 */
export class DomainGate {
  private readonly tagger: ConceptTagger;
  private readonly floor: number;

  private constructor(
    private readonly neighbours: Neighbours,
    options: DomainGateOptions,
  ) {
    this.tagger = new ConceptTagger(neighbours);
    this.floor = options.neighbourFloor ?? 0.8;
  }

  static create(neighbours: Neighbours, options: DomainGateOptions = {}): DomainGate {
    return new DomainGate(neighbours, options);
  }

  /** `^name` for every neighbour the text mentions: also features for the intent model. */
  tags(canonical: string): string[] {
    const found = this.tagger.tag(canonical).map((t) => `^${t.slice(1)}`);
    const words = new Set(canonical.match(/[a-z]+/g) ?? []);
    if (words.size > 0)
      for (const [name, n] of Object.entries(this.neighbours))
        for (const [a, b] of n.together ?? [])
          if (a.some((w) => words.has(w)) && b.some((w) => words.has(w)) && !found.includes(`^${name}`))
            found.push(`^${name}`);
    return found;
  }

  process(input: DomainGateInput): DomainVerdict {
    const wanted = (input.leaning && EVIDENCE[input.leaning]) || DEFAULT_EVIDENCE;
    const evidence = input.features.filter((f) => wanted.has(f));
    const mentioned = this.tags(input.canonical).map((t) => t.slice(1));
    const neighbour = mentioned[0];
    let outOfScope = input.outOfScope;
    if (neighbour !== undefined && evidence.length === 0 && !input.inRefundFlow)
      outOfScope = Math.max(outOfScope, this.floor);
    const verdict: DomainVerdict = { outOfScope, evidence: [...new Set(evidence)] };
    if (neighbour !== undefined) {
      verdict.neighbour = neighbour;
      verdict.pointer = (this.neighbours[neighbour] as Neighbour).pointer;
    }
    return verdict;
  }

  pointer(neighbour: string, lang: Lang): string | undefined {
    return this.neighbours[neighbour]?.pointer[lang];
  }
}
