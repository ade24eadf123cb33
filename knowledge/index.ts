// The knowledge package's public surface: content, understanding and search.

export {
  type ArrivalEstimate,
  type ArrivalMethod,
  estimateArrival,
  formatDay,
  WorkingDays,
} from './arrival/index.js';
export { Commands, commandKey } from './commands.js';
export { type Component, ComponentError } from './components.js';
export type { Article } from './content/articles.js';
export { markdown, POLICY_PLACEHOLDERS, policyValues, STEPS_HEADING } from './content/articles.js';
export { type Content, ContentProblems, type LoadOptions, loadContent, readYaml } from './content/load.js';
export { knowledgeDir, projectRoot } from './content/paths.js';
export {
  type Command,
  INTENT_IDS,
  type IntentDefinition,
  type IntentId,
  intentId,
  LANGS,
  type Lang,
  type Localized,
  MESSAGE_KEYS,
  type MessageKey,
  type Policy,
} from './content/schemas.js';
export type { DomainVerdict, Neighbour, Neighbours } from './domain/gate.js';
export * from './entities/index.js';
export type { IntentResult, RankedIntent } from './intent/model.js';
export type { SearchHit } from './search/search.js';
export {
  detectLanguage,
  detectScript,
  langOfLocale,
  type NormalizedMessage,
  normalize,
  normalizeMessage,
  type SegmenterKind,
  showsScript,
  toTraditional,
} from './text/index.js';
export {
  type IntentModelKind,
  Understander,
  type UnderstanderOptions,
  type Understanding,
  type UnderstandOptions,
} from './understand.js';
