export { detectLanguage, langOfLocale } from './language.js';
export {
  detectScript,
  isNormalizedMessage,
  type NormalizedMessage,
  normalizeMessage,
  showsScript,
} from './message.js';
export { normalize, normalizeKeepCase } from './normalize.js';
export { toTraditional } from './script.js';
export { type SegmenterKind, type Synonyms, Tokenizer, type TokenizerOptions } from './tokenizer.js';
