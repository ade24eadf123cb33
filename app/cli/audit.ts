import { parseArgs } from 'node:util';
import type { AuditKind } from '../../bot/ports.js';
import { AUDIT_CSV_HEADER, auditCsvLine, Database, SqlAudit } from '../../integrations/stores/db/index.js';
import { loadConfig } from '../config.js';

export const AUDIT_USAGE = `  audit export --from YYYY-MM-DD --to YYYY-MM-DD [--format csv|jsonl] [--kind lookups|handoffs|applications]
                      The audit trail of those days (inclusive) to standard output
`;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export async function auditCommand(
  args: string[],
  audit: SqlAudit,
  out: (s: string) => void,
  err: (s: string) => void,
) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string', default: 'jsonl' },
      kind: { type: 'string' },
    },
  });
  const kinds = ['lookups', 'handoffs', 'applications'];
  if (
    positionals[0] !== 'export' ||
    !values.from ||
    !values.to ||
    !DAY.test(values.from) ||
    !DAY.test(values.to) ||
    !['csv', 'jsonl'].includes(values.format ?? '') ||
    (values.kind !== undefined && !kinds.includes(values.kind))
  ) {
    err(`Usage:\n${AUDIT_USAGE}`);
    return 2;
  }
  if (values.format === 'csv') out(`${AUDIT_CSV_HEADER}\n`);
  for await (const r of audit.range({
    from: values.from,
    to: values.to,
    ...(values.kind && { kind: values.kind as AuditKind }),
  }))
    out(
      values.format === 'csv'
        ? `${auditCsvLine(r as unknown as Record<string, unknown>)}\n`
        : `${JSON.stringify(r)}\n`,
    );
  return 0;
}

export async function audit(args: string[]): Promise<number> {
  const config = loadConfig(process.env);
  const database = await Database.open({ dataDir: config.dataDir, url: config.DATABASE_URL });
  try {
    return await auditCommand(
      args,
      new SqlAudit(database),
      (s) => void process.stdout.write(s),
      (s) => void process.stderr.write(s),
    );
  } finally {
    await database.close();
  }
}
