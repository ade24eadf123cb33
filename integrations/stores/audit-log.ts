import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { AuditKind, AuditRecord, AuditSink } from '../../bot/ports.js';

/**
 * Every look-up, one JSON line per record in DATA_DIR/audit/lookups-YYYY-MM-DD.jsonl (and every
 * agent's handoff action in handoffs-…). Appends are queued, so concurrent writes never interleave
 * within a line.
 */
export class AuditLog implements AuditSink {
  private queue: Promise<unknown> = Promise.resolve();
  private made: Promise<unknown> | undefined;

  constructor(private readonly dir: string) {}

  write(record: AuditRecord, kind: AuditKind = 'lookups'): Promise<void> {
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
