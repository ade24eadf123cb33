// The flows' public surface: the trees are data (flows/*.yml); this is the one runner and its checks.
export { KNOWN_FACTS, successors as successorsOf } from './check.js';
export { flowToMarkdown } from './graph.js';
export { FlowProblems, flowsDir, loadFlows } from './load.js';
export type {
  LookupOutcome,
  LookupPort,
  LookupRequest,
  LookupResult,
  Requester,
} from './ports.js';
export {
  type ArticleReplies,
  answerAction,
  type FlowContext,
  FlowRunner,
  type FlowWords,
  MAX_INVALID,
  parseAnswerAction,
  type RunnerDeps,
  type Step,
  type StepOutcome,
} from './runner.js';
export type { Flow, FlowNode } from './schema.js';
export type { AnswerInput } from './slots.js';
export { type FlowState, flowStateSchema, type SlotValue, type Values } from './state.js';
