export * from './digest.js';
export * from './events.js';
export {
  groupUnanswered,
  keyOf,
  tokensOf,
  type UnansweredGroup,
  type UnansweredRow,
  WORDINGS_SHOWN,
} from './grouping.js';
export * from './labels.js';
export * from './queries.js';
export { hashId, InsightsRecorder, type InsightsRecorderOptions, insightText, toRow } from './recorder.js';
export * from './review.js';
