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
      outcome: 'entered',
      ...extra,
    });
  turn('c0', 'ask_date');
  turn('c0', 'ask_date', 'api', { outcome: 'stayed' }); // asked again: not reached again
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

/** A tree as the synthetic data walks it: its id and its nodes in the order they are usually met. */
export interface SyntheticFlow {
  id: string;
  nodes: readonly string[];
}

export interface SyntheticOptions {
  /** The last day (YYYY-MM-DD, China), and how many days back from it. */
  to: string;
  days: number;
  turnsPerDay: number;
  flows: readonly SyntheticFlow[];
  articles: readonly string[];
  seed?: number;
}

const QUESTIONS = [
  ['那个单子弄一下', '那个单子帮我弄一下', '那个单子弄一下啊'],
  ['信用卡怎么还款', '信用卡还款在哪里', '怎么还信用卡'],
  ['POS机怎么换纸', 'pos机换打印纸', 'POS怎么换纸'],
  ['能不能退到别的卡', '可以退到另一张卡吗', '能退到别的银行卡吗'],
  ['退款可以开发票吗', '退款后发票怎么办'],
  ['why is my terminal offline', 'terminal offline what to do'],
  ['商户费率多少', '手续费率是多少'],
  ['账户被冻结了', '商户账户冻结怎么办'],
] as const;

/** A small deterministic PRNG (mulberry32): the same data every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY_MS = 86_400_000;
const dayOf = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);

/**
 * Realistic-looking insight events, one day at a time (so a million turns never sit in memory at
 * once): conversations on three channels in two languages, answers, trees walked part of the way,
 * unanswered questions in a few wordings, hand-overs claimed after a while, ratings, look-ups with
 * estimates and most refunds arriving (some early, some late), refund applications. `make` is
 * InsightsRecorder's toRow (masking and hashing, as in production).
 */
export function* syntheticDays<Row>(
  o: SyntheticOptions,
  make: (e: InsightEvent, now: Date) => Row,
): Generator<Row[]> {
  const r = random(o.seed ?? 14);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const end = Date.parse(`${o.to}T00:00:00+08:00`);
  let n = 0;
  for (let d = o.days - 1; d >= 0; d--) {
    const dayStart = end - d * DAY_MS;
    const rows: Row[] = [];
    const weekday = new Date(dayStart + 8 * 3_600_000).getUTCDay();
    const quota = Math.round(
      o.turnsPerDay * (weekday === 0 || weekday === 6 ? 0.7 : 1.1) * (0.9 + r() * 0.2),
    );
    let turns = 0;
    while (turns < quota) {
      const id = `syn-${o.seed ?? 14}-${n++}`;
      const at = new Date(dayStart + Math.floor((0.3 + r() * 0.65) * DAY_MS));
      const channel = pick(['widget', 'widget', 'widget', 'api', 'api', 'teams']);
      const lang = r() < 0.85 ? ('zh' as const) : ('en' as const);
      const base = { at, channel, lang, conversationId: id };
      const push = (e: InsightEvent) => rows.push(make(e, at));
      const turn = (e: Partial<InsightEvent>) => {
        turns++;
        push({ kind: 'turn', ...base, ...e });
      };
      push({ kind: 'conversation', ...base });
      const roll = r();
      if (roll < 0.5) {
        const article = pick(o.articles);
        turn({ decision: 'answer', intent: 'refund_time', confidence: 0.8 + r() * 0.2, article });
        if (r() < 0.25) {
          const down = r() < 0.3;
          push({
            kind: 'rating',
            ...base,
            channel: undefined,
            article,
            outcome: down ? 'down' : 'up',
            ...(down && { text: pick(pick(QUESTIONS)) }),
          });
        }
      } else if (roll < 0.78) {
        const flow = pick(o.flows);
        let i = 0;
        for (; i < flow.nodes.length; i++) {
          const last = i === flow.nodes.length - 1 || r() < 0.22;
          turn({
            decision: 'flow',
            flow: flow.id,
            node: flow.nodes[i],
            outcome: last && i >= 2 && r() < 0.6 ? 'ended' : 'entered',
          });
          if (last) break;
        }
        if (r() < 0.5) push({ kind: 'solved', ...base, flow: flow.id, outcome: r() < 0.72 ? 'yes' : 'no' });
      } else {
        const q = pick(QUESTIONS);
        const decision = pick(['not_understood', 'not_understood', 'out_of_scope', 'clarify'] as const);
        turn({
          decision,
          text: pick(q),
          intent: q === QUESTIONS[1] ? 'out_of_scope' : 'refund_status',
          confidence: r() * 0.6,
        });
        if (r() < 0.35) turn({ decision: 'answer', intent: 'refund_time', article: pick(o.articles) });
      }
      if (r() < 0.12) {
        turn({ decision: 'handoff', intent: 'human_agent' });
        const desk = r() < 0.8;
        push({ kind: 'handoff_asked', ...base, outcome: desk ? 'desk' : 'message' });
        if (desk && r() < 0.85) {
          const wait = Math.exp(Math.log(20_000) + r() * Math.log(400));
          push({ kind: 'handoff_claimed', ...base, durationMs: wait });
          push({ kind: 'handoff_resolved', ...base, durationMs: wait + 600_000 * r() });
          push({ kind: 'solved', ...base, flow: 'handoff', outcome: r() < 0.8 ? 'yes' : 'no' });
        } else if (r() < 0.7) push({ kind: 'ticket', ...base });
      }
      if (r() < 0.2) {
        const outcome = pick([
          'found',
          'found',
          'found',
          'found',
          'not_found',
          'proof_failed',
          'denied',
          'locked',
          'unavailable',
        ]);
        push({ kind: 'lookup', ...base, outcome });
        if (outcome === 'found' && r() < 0.6) {
          const refund = `rf-${id}`;
          const from = dayOf(at.getTime() + DAY_MS);
          const to = dayOf(at.getTime() + 3 * DAY_MS);
          push({
            kind: 'estimate',
            ...base,
            subject: refund,
            dateFrom: from,
            dateTo: to,
            outcome: 'in_window',
          });
          if (r() < 0.75) {
            const x = r();
            const offset = x < 0.08 ? 0 : x < 0.86 ? 1 + Math.floor(r() * 3) : 4 + Math.floor(r() * 4);
            push({
              kind: 'arrival',
              ...base,
              subject: refund,
              dateTo: dayOf(at.getTime() + offset * DAY_MS),
            });
          }
        }
      }
      if (r() < 0.03) {
        const refused = r() < 0.3;
        if (refused)
          push({
            kind: 'application_refused',
            ...base,
            outcome: pick(['window', 'window', 'proof', 'amount', 'duplicate']),
          });
        else {
          const number = `ra-${id}`;
          push({ kind: 'application_submitted', ...base, subject: number });
          if (r() < 0.9) {
            const approved = r() < 0.8;
            push({
              kind: 'application_decided',
              ...base,
              subject: number,
              outcome: approved ? 'approved' : 'rejected',
              durationMs: Math.exp(Math.log(300_000) + r() * Math.log(200)),
            });
            if (approved)
              push({
                kind: 'application_executed',
                ...base,
                subject: number,
                outcome: r() < 0.95 ? 'executed' : 'failed',
              });
          }
        }
      }
    }
    yield rows;
  }
}
