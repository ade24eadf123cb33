export * from './events.js';
export { groupUnanswered, keyOf, tokensOf, type UnansweredGroup, type UnansweredRow } from './grouping.js';
export * from './queries.js';
export { hashId, InsightsRecorder, type InsightsRecorderOptions, insightText, toRow } from './recorder.js';
