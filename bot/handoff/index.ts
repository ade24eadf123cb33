export { type Contact, maskContact, maskText, parseContact } from './contact.js';
export type { AgentDesk, DeskEvent, HandoffSummary, Suggestion } from './desk.js';
export { type DayCounts, HandoffRegistry, type OpenHandoff } from './registry.js';
export {
  type AgentActionResult,
  type HandoffAudit,
  type HandoffPort,
  HandoffService,
  type HandoffServiceDeps,
  type Pusher,
  type Written,
} from './service.js';
export { type Agent, type Handoff, handoffSchema, type Ticket, type TicketDraft } from './state.js';
export { type TicketNotice, type TicketRecord, type TicketStore, ticketRecordSchema } from './tickets.js';
