// The flows' public surface: the trees are data (flows/*.yml); this is the one runner and its checks.
export { KNOWN_FACTS, successors as successorsOf } from './check.js';
export { flowToMarkdown } from './graph.js';
export { FlowProblems, flowsDir, loadFlows } from './load.js';
export type {
  ApplicationPort,
  ApplicationStepRequest,
  ApplicationStepResult,
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
  type ProofDocument,
  parseAnswerAction,
  proofOf,
  type RunnerDeps,
  type Step,
  type StepOutcome,
} from './runner.js';
export { APPLICATION_STEPS, type Flow, type FlowNode } from './schema.js';
export type { AnswerInput } from './slots.js';
export { type FlowState, flowStateSchema, type SlotValue, type Values } from './state.js';
