import { parseArgs } from 'node:util';
import type {
  Application,
  ApplicationService,
  ApplicationStore,
  DecisionResult,
} from '../../bot/applications/index.js';
import type { PaymentGateway } from '../../bot/lookups/index.js';
import { formatYuan } from '../../knowledge/index.js';
import { APPLICATIONS_USAGE } from './usage.js';

export { APPLICATIONS_USAGE };

type Write = (s: string) => void;

/** What the subcommands open, each only when asked: a list is the database alone. */
export interface ApplicationsDeps {
  store: () => Promise<ApplicationStore>;
  /** For decisions: the rules, the audit trail, the merchant's conversation. */
  service: () => Promise<ApplicationService>;
  /** For the refund an approved application made: the acquirer's word on it now. */
  gateway: () => Promise<PaymentGateway>;
}

/** Until it is approved, an application has no refund at the acquirer to ask about. */
const REFUNDABLE = new Set<Application['status']>(['approved', 'executed', 'failed']);

/** The JSON record tools outside the repository read: keep its names stable. */
async function record(deps: ApplicationsDeps, a: Application) {
  const events = await (await deps.store()).events(a.number);
  const live =
    REFUNDABLE.has(a.status) || a.refund
      ? await (await deps.gateway()).getRefund(a.outRefundNo, { merchantNo: a.merchantNo, termNo: a.termNo })
      : ({ outcome: 'not_found' } as const);
  const refunds =
    live.outcome === 'found'
      ? [
          {
            refundNo: live.value.refundNo,
            amountFen: live.value.amountFen,
            status: live.value.status,
            requestedAt: live.value.requestedAt,
          },
        ]
      : a.refund
        ? [
            {
              refundNo: a.refund.refundNo,
              amountFen: a.refund.amountFen,
              status: a.refund.status,
              requestedAt: a.refund.at,
            },
          ]
        : [];
  return {
    number: a.number,
    status: a.status,
    version: a.version,
    amountFen: a.amountFen,
    reference: a.reference,
    merchantNo: a.merchantNo,
    reason: a.reason,
    ...(a.reasonText && { reasonText: a.reasonText }),
    approvals: a.approvals,
    ...(a.decidedBy && { decidedBy: a.decidedBy }),
    ...(a.rejectReason && { rejectReason: a.rejectReason }),
    ...(a.question && { question: a.question }),
    precheck: a.precheck,
    proof: a.proof.map((p) => ({ name: p.name, type: p.type, size: p.size })),
    refunds,
    events: events.map((e) => ({
      at: e.at,
      kind: e.kind,
      role: e.role,
      ...(e.actor && { actor: e.actor }),
      data: e.data,
    })),
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
  };
}

function decided(result: DecisionResult, number: string, out: Write, err: Write): number {
  switch (result.outcome) {
    case 'approved':
    case 'rejected':
      out(`${number} ${result.outcome}\n`);
      return 0;
    case 'approval_recorded':
      out(`${number}: approval recorded; ${result.needed} different reviewers must approve\n`);
      return 0;
    case 'already_decided':
      err(
        `${number} was already decided (${result.application.status}${result.by ? ` by ${result.by}` : ''})\n`,
      );
      return 5;
    case 'same_reviewer':
      err(`${number}: you approved it already; another reviewer must\n`);
      return 5;
    case 'not_found':
      err(`no application ${number}\n`);
      return 3;
    case 'invalid':
      err(`${result.message}\n`);
      return 2;
    default:
      err(`${number}: ${result.outcome}\n`);
      return 1;
  }
}

/** `applications …`: list and show read the database (and the acquirer, for a refund made); decisions go through the service. */
export async function applicationsCommand(
  args: string[],
  deps: ApplicationsDeps,
  out: Write,
  err: Write,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      status: { type: 'string' },
      limit: { type: 'string' },
      reviewer: { type: 'string' },
      reason: { type: 'string' },
    },
  });
  const [sub, raw] = positionals;
  const id = raw?.trim().toUpperCase();
  if (sub === 'list') {
    const limit = values.limit ? Number(values.limit) : 50;
    const status = values.status ? [values.status as Application['status']] : undefined;
    const list = await (await deps.store()).list({
      limit: limit > 0 ? limit : 50,
      ...(status && { status }),
    });
    if (values.json)
      out(
        `${JSON.stringify(
          list.map((a) => ({
            number: a.number,
            status: a.status,
            amountFen: a.amountFen,
            reference: a.reference,
            merchantNo: a.merchantNo,
            createdAt: a.createdAt,
          })),
          null,
          2,
        )}\n`,
      );
    else if (!list.length) out('no applications\n');
    else
      out(
        `${list.map((a) => [a.number, a.createdAt.slice(0, 16).replace('T', ' '), a.status, formatYuan(a.amountFen), a.reference, a.merchantNo].join('  ')).join('\n')}\n`,
      );
    return 0;
  }
  if (sub === 'show' && id) {
    const a = await (await deps.store()).get(id);
    if (!a) {
      err(`no application ${id}\n`);
      return 3;
    }
    const r = await record(deps, a);
    if (values.json) out(`${JSON.stringify(r, null, 2)}\n`);
    else
      out(
        `${[
          `${r.number}  ${r.status}  ${formatYuan(r.amountFen)} of payment ${r.reference} (merchant ${r.merchantNo})`,
          ...r.precheck.map((p) => `  ${p.ok ? '✓' : '✗'} ${p.detail}`),
          ...r.events.map(
            (e) => `  ${e.at.slice(0, 19).replace('T', ' ')}  ${e.kind}${e.actor ? ` (${e.actor})` : ''}`,
          ),
          ...r.refunds.map((x) => `  refund ${x.refundNo} ${formatYuan(x.amountFen)} ${x.status}`),
        ].join('\n')}\n`,
      );
    return 0;
  }
  if ((sub === 'approve' || sub === 'reject') && id) {
    const reviewer = values.reviewer?.trim();
    if (!reviewer) {
      err('--reviewer NAME is needed: every decision is audited with who made it\n');
      return 2;
    }
    const who = { id: reviewer, channel: 'cli' as const };
    if (sub === 'reject' && !values.reason?.trim()) {
      err('--reason TEXT is needed: the merchant is told why\n');
      return 2;
    }
    const service = await deps.service();
    if (sub === 'approve') return decided(await service.approve(id, who), id, out, err);
    return decided(await service.reject(id, who, values.reason as string), id, out, err);
  }
  err(`Usage:\n${APPLICATIONS_USAGE}`);
  return 2;
}
