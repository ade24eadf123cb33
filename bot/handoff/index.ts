export type { AgentDesk, DeskEvent, HandoffSummary, Suggestion } from './desk.js';
export { type DayCounts, HandoffRegistry, type OpenHandoff } from './registry.js';
export {
  type AgentActionResult,
  type HandoffAudit,
  type HandoffPort,
  HandoffService,
  type HandoffServiceDeps,
  type Pusher,
} from './service.js';
export { type Agent, type Handoff, handoffSchema, type Ticket } from './state.js';
