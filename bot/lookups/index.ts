export type { AuditRecord } from '../ports.js';
export * from './gateway.js';
export { Lockouts } from './lockout.js';
export {
  LookupService,
  type LookupServiceDeps,
  type Role,
  roleOf,
  type StatusAnswer,
} from './service.js';
export { arrivalMethodOf, describeStatus } from './status.js';
