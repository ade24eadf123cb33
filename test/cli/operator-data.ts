import type { Application } from '../../bot/applications/index.js';
import type { TicketRecord } from '../../bot/handoff/index.js';
import { Database, SqlApplicationStore, SqlTicketStore } from '../../integrations/stores/db/index.js';

// What the operator's database-only commands read, written straight into a fresh DATA_DIR's
// business database (or a PostgreSQL one): no app, no acquirer, no model — exactly what those
// commands must do without.

export const TICKET: TicketRecord = {
  number: 'TK-20261120-0001',
  createdAt: '2026-11-20T02:30:00.000Z',
  conversationId: 'conv-ticket-1',
  channel: 'widget',
  lang: 'zh',
  contact: { kind: 'phone', value: '13812345678' },
  message: '退款还没到账，请回电',
  summary: {
    reason: 'no_agent',
    intent: { id: 'refund_not_received', title: '退款未到账' },
    reference: '261118000004',
    given: { amount: 88 },
    transcript: [{ at: '2026-11-20T02:29:00.000Z', from: 'user', text: '退款还没到账' }],
  },
  status: 'open',
};

/** An application waiting for a decision (small enough for one reviewer). */
export function application(number: string, amountFen = 1000): Application {
  return {
    number,
    version: 1,
    status: 'in_review',
    merchantNo: '822100058120041',
    termNo: 'T0000001',
    reference: '261118000004',
    method: 'debit_card',
    cardMasked: '6222****6688',
    tradeTime: '2026-11-18T06:00:00.000Z',
    originalAmountFen: 15990,
    refundedBeforeFen: 0,
    amountFen,
    reason: 'service_cancelled',
    proof: [],
    lang: 'zh',
    channel: 'widget',
    conversationId: `conv-${number}`,
    precheck: [{ rule: 'window', ok: true, detail: '在退款期限内' }],
    approvals: [],
    outRefundNo: number.replace(/-/g, ''),
    createdAt: '2026-11-20T03:00:00.000Z',
    updatedAt: '2026-11-20T03:00:00.000Z',
  };
}

export const APPLICATIONS = ['RA-20261120-0001', 'RA-20261120-0002'] as const;

/** One ticket and two applications in review, in the database DATA_DIR or DATABASE_URL names. */
export async function seedOperatorData(dataDir: string, url?: string): Promise<void> {
  const database = await Database.open({ dataDir, url });
  try {
    await new SqlTicketStore(database).save(TICKET);
    const store = new SqlApplicationStore(database);
    for (const [i, number] of APPLICATIONS.entries()) {
      const a = { ...application(number), reference: `26111800000${4 + i}` };
      await store.create(a, [
        { at: a.createdAt, kind: 'submitted', role: 'merchant', actor: a.merchantNo, data: {} },
        { at: a.createdAt, kind: 'in_review', role: 'system', data: {} },
      ]);
    }
  } finally {
    await database.close();
  }
}
