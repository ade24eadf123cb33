import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';

export interface AuditRecord {
  at: string;
  /** consumer, merchant, agent or operator */
  role: string;
  /** Who exactly, where the channel knows (a Slack user id). */
  actor?: string;
  channel: string;
  conversationId?: string;
  merchantNo?: string;
  address?: string;
  /** What was asked: the kind and the identifiers given (references, never card numbers). */
  what: string;
  query: Record<string, string>;
  /** found, not_found, denied, locked, unavailable */
  outcome: string;
}

/**
 * Every look-up, one JSON line per record in DATA_DIR/audit/lookups-YYYY-MM-DD.jsonl (and every
 * agent's handoff action in handoffs-…). Appends are queued, so concurrent writes never interleave
 * within a line.
 */
export class AuditLog {
  private queue: Promise<unknown> = Promise.resolve();
  private made: Promise<unknown> | undefined;

  constructor(private readonly dir: string) {}

  write(record: AuditRecord, kind: 'lookups' | 'handoffs' = 'lookups'): Promise<void> {
    const file = path.join(this.dir, `${kind}-${record.at.slice(0, 10)}.jsonl`);
    const line = `${JSON.stringify(record)}\n`;
    const next = this.queue.then(async () => {
      // the directory once, not before every line (tried again if it failed)
      this.made ??= mkdir(this.dir, { recursive: true }).catch((err: unknown) => {
        this.made = undefined;
        throw err;
      });
      await this.made;
      await appendFile(file, line, 'utf8');
    });
    this.queue = next.catch(() => undefined);
    return next;
  }
}
