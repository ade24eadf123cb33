export { SqlApplicationStore } from './applications.js';
export { AUDIT_CSV_HEADER, auditCsvLine, SqlAudit } from './audit.js';
export { Database, type DatabaseOptions } from './database.js';
export { SqlInsights } from './insights.js';
export { MigrationError, migrations } from './migrations.js';
export { SqlTicketStore } from './tickets.js';
