export { type ExecutorDeps, RefundExecutor } from './executor.js';
export { ApplicationSteps } from './flow-steps.js';
export type { MerchantInbox } from './inbox.js';
export * from './model.js';
export {
  arrivalWindow,
  expectedArrival,
  listChoices,
  type NoticeDeps,
  noticeFor,
  settlementDay,
  timelineReplies,
} from './notices.js';
export type { ApplicationFilter, ApplicationStore, Change, NewEvent } from './ports.js';
export type {
  ApplicationReview,
  DecisionResult,
  Localized,
  Rejection,
  RejectReason,
  ReviewDesk,
  Reviewer,
  ReviewView,
} from './review.js';
export { type ApplicationRules, loadApplicationRules, type Words, wordsOf } from './rules.js';
export { ApplicationService, type ApplicationServiceDeps, type Submitter } from './service.js';
