/**
 * Sub-word features for English: character 3- and 4-grams inside each word, with its edges marked
 * (`<ref`, `und>`). They carry a word the tokenizer does not know — a typo the spell checker missed,
 * an inflection, a compound ("topup", "cashback") — to the words it shares letters with. Chinese gets
 * its equivalent from the tokenizer's character bigrams.
 */
export function englishCharGrams(normalized: string): string[] {
  const out: string[] = [];
  for (const word of normalized.match(/[a-z]+/g) ?? []) {
    const s = `<${word}>`;
    for (let n = 3; n <= 4; n++) for (let i = 0; i + n <= s.length; i++) out.push(`c:${s.slice(i, i + n)}`);
  }
  return out;
}
