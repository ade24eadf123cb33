import type { InsightEvent } from '../../bot/insights/index.js';

// A small, known set of insight events across three days and two channels: what each /insights
// aggregate must come to is written beside it in test/insights/*.test.ts.
const at = (day: string, hour = 4) => new Date(`${day}T${String(hour).padStart(2, '0')}:00:00Z`);

export const SEEDED_DAYS = ['2026-11-23', '2026-11-24', '2026-11-25'] as const;

export function seededEvents(): InsightEvent[] {
  const e: InsightEvent[] = [];
  const [d1, d2, d3] = SEEDED_DAYS;
  // conversations: d1 api/zh ×3, widget/en ×1; d2 api/zh ×2; d3 widget/zh ×4
  const conv = (day: string, channel: string, lang: 'zh' | 'en', n: number, prefix: string) => {
    for (let i = 0; i < n; i++)
      e.push({ kind: 'conversation', at: at(day), channel, lang, conversationId: `${prefix}${i}` });
  };
  conv(d1, 'api', 'zh', 3, 'a');
  conv(d1, 'widget', 'en', 1, 'b');
  conv(d2, 'api', 'zh', 2, 'c');
  conv(d3, 'widget', 'zh', 4, 'd');
  // hand-overs: a0 (desk), a1 twice (counted once), d0 (message) → d1: 2 handed over, d3: 1
  e.push({ kind: 'handoff_asked', at: at(d1), channel: 'api', conversationId: 'a0', outcome: 'desk' });
  e.push({ kind: 'handoff_asked', at: at(d1), channel: 'api', conversationId: 'a1', outcome: 'desk' });
  e.push({ kind: 'handoff_asked', at: at(d1, 5), channel: 'api', conversationId: 'a1', outcome: 'desk' });
  e.push({ kind: 'handoff_asked', at: at(d3), channel: 'widget', conversationId: 'd0', outcome: 'message' });
  e.push({ kind: 'ticket', at: at(d3), channel: 'widget', conversationId: 'd0' });
  // claimed in 30 s and 10 min; one resolved
  e.push({ kind: 'handoff_claimed', at: at(d1), channel: 'api', conversationId: 'a0', durationMs: 30_000 });
  e.push({ kind: 'handoff_claimed', at: at(d1), channel: 'api', conversationId: 'a1', durationMs: 600_000 });
  e.push({ kind: 'handoff_resolved', at: at(d1), channel: 'api', conversationId: 'a0', durationMs: 900_000 });
  // ratings (no channel, as rate() records them): refund-policy 2 up 1 down (from a0, a1, d1), void 1 down
  e.push({ kind: 'rating', at: at(d1), conversationId: 'a0', outcome: 'up', article: 'refund-policy' });
  e.push({ kind: 'rating', at: at(d1), conversationId: 'a1', outcome: 'up', article: 'refund-policy' });
  e.push({
    kind: 'rating',
    at: at(d3),
    conversationId: 'd1',
    outcome: 'down',
    article: 'refund-policy',
    text: '手续费怎么还收',
  });
  e.push({ kind: 'rating', at: at(d2), conversationId: 'c0', outcome: 'down', article: 'void-vs-refund' });
  e.push({ kind: 'solved', at: at(d1), channel: 'api', flow: 'refund_not_received', outcome: 'yes' });
  e.push({ kind: 'solved', at: at(d2), channel: 'api', flow: 'refund_not_received', outcome: 'no' });
  e.push({ kind: 'solved', at: at(d3), channel: 'widget', flow: 'handoff', outcome: 'yes' });
  // turns in a tree: 3 conversations at ask_date, 2 at ask_method, 1 ended
  const turn = (id: string, node: string, channel = 'api', extra: Partial<InsightEvent> = {}) =>
    e.push({
      kind: 'turn',
      at: at(d2),
      channel,
      conversationId: id,
      decision: 'flow',
      flow: 'refund_not_received',
      node,
      ...extra,
    });
  turn('c0', 'ask_date');
  turn('c0', 'ask_date'); // asked again: the same conversation
  turn('c1', 'ask_date');
  turn('d2', 'ask_date', 'widget');
  turn('c0', 'ask_method');
  turn('c1', 'ask_method');
  turn('c0', 'advice', 'api', { outcome: 'ended' });
  // unanswered: three wordings of one question, one other, one answered (no text)
  const asked = (id: string, text: string, decision: InsightEvent['decision'], intent?: string) =>
    e.push({ kind: 'turn', at: at(d3), channel: 'widget', conversationId: id, decision, text, intent });
  asked('d0', '那个单子弄一下', 'not_understood', 'refund_status');
  asked('d1', '那个单子弄一下！', 'not_understood', 'refund_status');
  asked('d2', '那个单子帮我弄一下', 'not_understood', 'refund_status');
  asked('d3', '信用卡怎么还款', 'out_of_scope', 'out_of_scope');
  e.push({ kind: 'turn', at: at(d3), channel: 'widget', conversationId: 'd3', decision: 'answer' });
  // look-ups: d1 found ×2, proof_failed ×1; d2 unavailable ×1
  const look = (day: string, outcome: string) =>
    e.push({ kind: 'lookup', at: at(day), channel: 'api', outcome });
  look(d1, 'found');
  look(d1, 'found');
  look(d1, 'proof_failed');
  look(d2, 'unavailable');
  // applications: 3 submitted, 2 refused (window, proof), approved in 2 h, rejected in 30 min, 1 executed
  for (const n of ['RA1', 'RA2', 'RA3'])
    e.push({ kind: 'application_submitted', at: at(d1), channel: 'api', subject: n });
  e.push({ kind: 'application_refused', at: at(d1), channel: 'api', outcome: 'window' });
  e.push({ kind: 'application_refused', at: at(d2), channel: 'api', outcome: 'proof' });
  e.push({
    kind: 'application_decided',
    at: at(d2),
    channel: 'api',
    subject: 'RA1',
    outcome: 'approved',
    durationMs: 2 * 3_600_000,
  });
  e.push({
    kind: 'application_decided',
    at: at(d2),
    channel: 'api',
    subject: 'RA2',
    outcome: 'rejected',
    durationMs: 30 * 60_000,
  });
  e.push({ kind: 'application_executed', at: at(d2), channel: 'api', subject: 'RA1', outcome: 'executed' });
  // estimates: R1 window 24–26, arrived 23 (early); R2 24–26 arrived 26 (on time, seen twice);
  // R3 24–26 arrived 27 (late); R4 no arrival (pending)
  const est = (refund: string) =>
    e.push({
      kind: 'estimate',
      at: at(d1),
      channel: 'api',
      subject: refund,
      dateFrom: '2026-11-24',
      dateTo: '2026-11-26',
    });
  const arrived = (refund: string, day: string) =>
    e.push({ kind: 'arrival', at: at(d3), channel: 'api', subject: refund, dateTo: day });
  for (const r of ['R1', 'R2', 'R3', 'R4']) est(r);
  est('R2'); // told twice: one refund
  arrived('R1', '2026-11-23');
  arrived('R2', '2026-11-26');
  arrived('R2', '2026-11-26');
  arrived('R3', '2026-11-27');
  return e;
}
