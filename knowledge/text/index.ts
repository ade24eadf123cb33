export { detectLanguage, langOfLocale } from './language.js';
export { normalize, normalizeKeepCase } from './normalize.js';
export { type SegmenterKind, type Synonyms, Tokenizer, type TokenizerOptions } from './tokenizer.js';
