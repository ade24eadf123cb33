import { escapeRegExp } from '../text/regexp.js';
import type { Tokenizer } from '../text/tokenizer.js';

export interface Sentence {
  text: string;
  tokens: Set<string>;
}

const SENTENCE = /[^。！？!?\n]+[。！？!?]?/g;
const HAN = /\p{Script=Han}/u;

export function splitSentences(
  plain: string,
  tokenizer: Tokenizer,
  normalize: (s: string) => string,
): Sentence[] {
  const out: Sentence[] = [];
  for (const m of plain.matchAll(SENTENCE)) {
    const text = m[0].trim();
    if (text.length > 1) out.push({ text, tokens: new Set(tokenizer.tokens(normalize(text))) });
  }
  return out;
}

/**
 * The sentence that shares most matched terms with the query, matched words in **bold** (the chat's
 * Markdown subset). Chinese terms are found as substrings; English ones by comparing stems, since
 * the index holds "refund" where the text says "refunded".
 */
export function bestSnippet(
  sentences: readonly Sentence[],
  terms: readonly string[],
  stem: (word: string) => string,
  maxChars = 120,
): string {
  let best: Sentence | undefined;
  let bestScore = -1;
  for (const s of sentences) {
    let score = 0;
    for (const t of terms) if (s.tokens.has(t)) score += t.length > 1 ? 2 : 1;
    if (score > bestScore) {
      best = s;
      bestScore = score;
    }
  }
  if (!best) return '';
  let text = best.text.length > maxChars ? `${best.text.slice(0, maxChars - 1)}…` : best.text;
  const han = terms.filter((t) => HAN.test(t) && t.length >= 2).sort((a, b) => b.length - a.length);
  const latin = new Set(terms.filter((t) => /^[a-z]/.test(t)));
  if (han.length > 0) {
    text = text.replace(new RegExp(han.map(escapeRegExp).join('|'), 'g'), (m) => `**${m}**`);
    text = text.replace(/\*\*\*\*/g, '');
  }
  if (latin.size > 0) {
    text = text.replace(/[A-Za-z][A-Za-z']*/g, (w) => (latin.has(stem(w.toLowerCase())) ? `**${w}**` : w));
  }
  return text;
}
