import { parseArgs } from 'node:util';
import type { AuditKind } from '../../bot/ports.js';
import { AUDIT_CSV_HEADER, auditCsvLine, type SqlAudit } from '../../integrations/stores/db/index.js';
import type { Resources } from './open.js';
import { AUDIT_USAGE } from './usage.js';

export { AUDIT_USAGE };

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

/** The command on this deployment's database (its audit table, nothing else). */
export async function audit(
  args: string[],
  open: Resources,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  return auditCommand(args, await open.audit(), out, err);
}
