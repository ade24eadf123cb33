export { AuditLog, type AuditRecord } from './audit.js';
export { Lockouts } from './lockout.js';
export {
  LookupService,
  type LookupServiceDeps,
  type Role,
  roleOf,
  type StatusAnswer,
} from './lookup-service.js';
export { arrivalMethodOf, describeStatus } from './status.js';
export * from './types.js';
