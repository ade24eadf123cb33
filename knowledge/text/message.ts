import * as OpenCC from 'opencc-js';
import type { Lang } from '../content/schemas.js';
import { detectLanguage } from './language.js';
import { normalizeKeepCase } from './normalize.js';
import { toTraditional } from './script.js';

/**
 * A message normalised once, at the edge of a turn (DESIGN.md "normalise once"): every component
 * downstream reads these fields instead of normalising again, and the reply layer answers in the
 * user's script.
 */
export interface NormalizedMessage {
  /** As received. */
  raw: string;
  /** Normalised but not lower-cased: merchant order numbers are case-sensitive at the acquirer. */
  keepCase: string;
  /** Lower-cased, simplified, half-width: what the tokenizer and the models read. */
  text: string;
  /** From the message's own letters; undefined when it has none (digits, emoji). */
  lang: Lang | undefined;
  /** Of the original Han characters; undefined when there are none. */
  script: 'traditional' | 'simplified' | undefined;
}

// The same table normalize.ts uses, so "traditional" means "the normaliser changed something".
const toSimplified = OpenCC.Converter({ from: 'tw', to: 'cn' });
const HAN = /\p{Script=Han}/gu;

/**
 * Traditional when converting the Han characters to simplified changes any of them. Characters
 * shared by both scripts (我, 的, 款) say nothing, so a message of only those counts as simplified:
 * that is the conservative reply script for a Chinese user in the mainland.
 */
export function detectScript(raw: string): NormalizedMessage['script'] {
  const han = (raw.normalize('NFKC').match(HAN) ?? []).join('');
  if (han.length === 0) return undefined;
  return toSimplified(han) === han ? 'simplified' : 'traditional';
}

/**
 * Whether the message shows its script at all: "好了，可以了" reads the same in both, so it must not
 * switch a traditional conversation to simplified. Only characters that differ between the two
 * scripts decide.
 */
export function showsScript(raw: string): boolean {
  const han = (raw.normalize('NFKC').match(HAN) ?? []).join('');
  return han.length > 0 && (toSimplified(han) !== han || toTraditional(han) !== han);
}

export function normalizeMessage(raw: string): NormalizedMessage {
  const keepCase = normalizeKeepCase(raw);
  const text = keepCase.toLowerCase();
  // the normaliser has just converted traditional to simplified: when its Han characters differ
  // from the message's, the message was traditional (no second conversion per message)
  const before = (raw.normalize('NFKC').match(HAN) ?? []).join('');
  const script =
    before.length === 0
      ? undefined
      : before === (keepCase.match(HAN) ?? []).join('')
        ? 'simplified'
        : 'traditional';
  return { raw, keepCase, text, lang: detectLanguage(text), script };
}

export function isNormalizedMessage(x: unknown): x is NormalizedMessage {
  return typeof x === 'object' && x !== null && typeof (x as NormalizedMessage).keepCase === 'string';
}
