import type { AuditKind, AuditRecord, AuditSink } from '../../../bot/ports.js';
import type { Database } from './database.js';

/** The audit trail in the database: every look-up, agent action and application decision. */
export class SqlAudit implements AuditSink {
  constructor(private readonly database: Database) {}

  async write(record: AuditRecord, kind: AuditKind = 'lookups'): Promise<void> {
    await this.database.db
      .insertInto('audit')
      .values({ at: record.at, kind, record: JSON.stringify(record) })
      .execute();
  }

  /** Records from `from` (inclusive) to `to` (inclusive), YYYY-MM-DD, oldest first. */
  async *range(options: {
    from: string;
    to: string;
    kind?: AuditKind;
  }): AsyncGenerator<AuditRecord & { kind: string }> {
    let after = 0;
    for (;;) {
      let q = this.database.db
        .selectFrom('audit')
        .selectAll()
        .where('at', '>=', options.from)
        .where('at', '<', `${options.to}\uffff`)
        .where('id', '>', after)
        .orderBy('id')
        .limit(1000);
      if (options.kind) q = q.where('kind', '=', options.kind);
      const rows = await q.execute();
      for (const r of rows) yield { ...(JSON.parse(r.record) as AuditRecord), kind: r.kind };
      if (rows.length < 1000) return;
      after = Number(rows[rows.length - 1]?.id ?? after);
    }
  }
}

const COLUMNS = [
  'at',
  'kind',
  'role',
  'actor',
  'channel',
  'conversationId',
  'merchantNo',
  'address',
  'what',
  'query',
  'outcome',
] as const;

function csvCell(v: unknown): string {
  const s = v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  return /[",\n\r]/.test(s) || /^[=+\-@]/.test(s)
    ? `"${(/^[=+\-@]/.test(s) ? `'${s}` : s).replace(/"/g, '""')}"`
    : s;
}

/** One audit record as a CSV line (formula-looking cells defused for spreadsheets). */
export function auditCsvLine(r: Record<string, unknown>): string {
  return COLUMNS.map((c) => csvCell(r[c])).join(',');
}

export const AUDIT_CSV_HEADER = COLUMNS.join(',');
