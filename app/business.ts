import type { Logger } from '../contracts/logger.js';
import { Database } from '../integrations/stores/db/index.js';
import type { Config } from './config.js';

/**
 * The business records — refund applications and their timeline, tickets, the audit trail, insight
 * events — in the deployment's database: the SQLite file in DATA_DIR, or PostgreSQL with
 * DATABASE_URL (migrated on open). What createApp opens, and all that an operator's command reading
 * those records opens (app/cli): nothing here loads the content, the model or the acquirer.
 */
export function openBusiness(
  config: Pick<Config, 'dataDir' | 'DATABASE_URL'>,
  /** The server's: its SQLite file checkpointed off the event loop (a command's is short-lived). */
  options: { checkpointInThread?: { logger: Logger } } = {},
): Promise<Database> {
  return Database.open({ dataDir: config.dataDir, url: config.DATABASE_URL, ...options });
}
