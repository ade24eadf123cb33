import { describe, expect, it } from 'vitest';
import type { Agent, AgentDesk } from '../../bot/handoff/index.js';
import { hashId, toRow } from '../../bot/insights/index.js';
import { useTestApp } from '../support/app.js';
import { ChatUser } from '../support/transcript.js';

// What the insights record from real conversations over POST /api/chat: the turn's decision and
// intent, the tree's node, 👍/👎 with the article, a ticket, look-ups with their arrival estimate;
// the user's words only for unanswered questions, masked; no card, ID or phone number anywhere.
const TOKEN = 'portal-secret-token';
const get = useTestApp({ TRUSTED_CALLER_TOKEN: TOKEN, TRUST_PROXY: 'true' });

const CARD = '6222021234567890123';
const PHONE = '13812345678';
const ID_CARD = '110105199001011234';

async function rows() {
  await get().app.insights.flush();
  return get().app.database.db.selectFrom('insight_events').selectAll().orderBy('id').execute();
}
const of = async (conversationId: string | undefined) =>
  (await rows()).filter((r) => r.conversation === hashId(conversationId ?? ''));

describe('insights from conversations', () => {
  it('an answer: the conversation, the turn with its intent, confidence and article; no text kept', async () => {
    const user = new ChatUser(get().server);
    const turn = await user.says('退款要收手续费吗');
    expect(turn.articles.length).toBeGreaterThan(0);
    const events = await of(user.conversationId);
    expect(events.map((e) => e.kind)).toEqual(['conversation', 'turn']);
    const t = events[1];
    expect(t).toMatchObject({ decision: 'answer', channel: 'api', lang: 'zh', article: turn.articles[0] });
    expect(t?.intent).toBeTruthy();
    expect(t?.confidence).toBeGreaterThan(0.5);
    expect(t?.text).toBeNull();
    expect(t?.day).toBe('2026-11-25');
    // the conversation is named by a hash, never its id
    expect(JSON.stringify(await rows())).not.toContain(user.conversationId);
  });

  it('not understood: the words are kept, masked, numbers blotted; 👎 on an answer keeps the question', async () => {
    const user = new ChatUser(get().server);
    await user.says(`我的卡 ${CARD} 手机 ${PHONE} 身份证 ${ID_CARD} 那个东西弄一下`);
    const events = await of(user.conversationId);
    const t = events.find((e) => e.kind === 'turn');
    expect(['not_understood', 'out_of_scope', 'clarify']).toContain(t?.decision);
    expect(t?.text).toContain('那个东西弄一下');
    expect(t?.text).not.toMatch(/\d{5,}/);

    const answered = new ChatUser(get().server);
    await answered.says(`退款要收手续费吗 我卡号${CARD}`);
    const history = await get().server.inject({
      url: `/api/conversations/${answered.conversationId}/messages`,
    });
    const bot = (history.json() as { messages: Array<{ id: number; from: string }> }).messages.find(
      (m) => m.from === 'bot',
    );
    const rated = await get().server.inject({
      method: 'POST',
      url: `/api/conversations/${answered.conversationId}/messages/${bot?.id}/feedback`,
      payload: { value: 'down' },
    });
    expect(rated.statusCode).toBe(204);
    const rating = (await of(answered.conversationId)).find((e) => e.kind === 'rating');
    expect(rating).toMatchObject({ outcome: 'down', article: 'refund-policy' });
    expect(rating?.text).toContain('退款要收手续费吗');
  });

  it('a tree: each turn at its node, and the node it ended at', async () => {
    const user = new ChatUser(get().server);
    await user.says('退款一直没到账');
    const events = (await of(user.conversationId)).filter((e) => e.kind === 'turn');
    expect(events[0]).toMatchObject({ decision: 'flow', outcome: 'entered' });
    expect(events[0]?.flow).toBeTruthy();
    expect(events[0]?.node).toBeTruthy();
  });

  it('a look-up: found, with the arrival window said for the refund under way', async () => {
    const f = get()
      .app.acquirer.sandbox?.instance.fixtures()
      .find((x) => x.scenario === 'refund_processing_card');
    if (!f) throw new Error('fixture');
    const user = new ChatUser(get().server, undefined, { 'x-forwarded-for': '10.9.0.1' });
    await user.says(`帮我查一下参考号 ${f.reference} 的退款`);
    await user.says(`${f.amountFen / 100}元`);
    const events = await of(user.conversationId);
    expect(events.find((e) => e.kind === 'lookup')).toMatchObject({ outcome: 'found' });
    const estimate = events.find((e) => e.kind === 'estimate');
    expect(estimate).toMatchObject({ date_to: '2026-11-27', outcome: 'in_window' });
    expect(estimate?.subject).toMatch(/^[\w-]{16}$/);
    expect(JSON.stringify(events)).not.toContain(f.reference);
  });

  it('a wrong proof is proof_failed', async () => {
    const f = get()
      .app.acquirer.sandbox?.instance.fixtures()
      .find((x) => x.scenario === 'refund_overdue_card');
    if (!f) throw new Error('fixture');
    const user = new ChatUser(get().server, undefined, { 'x-forwarded-for': '10.9.0.2' });
    await user.says(`帮我查一下参考号 ${f.reference} 的退款`);
    await user.says('1.23元');
    const lookups = (await of(user.conversationId)).filter((e) => e.kind === 'lookup');
    expect(lookups.map((e) => e.outcome)).toContain('proof_failed');
  });

  it('a person asked for without a desk: handoff asked, then a ticket; the phone number is nowhere', async () => {
    const user = new ChatUser(get().server);
    await user.says('转人工');
    await user.says(`我的电话 ${PHONE}，退款一直没到`);
    const events = await of(user.conversationId);
    const kinds = events.map((e) => e.kind);
    expect(kinds).toContain('handoff_asked');
    expect(events.find((e) => e.kind === 'handoff_asked')?.outcome).toBe('message');
    expect(events.find((e) => e.kind === 'turn')?.decision).toBe('handoff');
    expect(kinds).toContain('ticket');
  });

  it('with a desk: asked, claimed (time to claim), resolved, then "solved?" answered', async () => {
    const opened: string[] = [];
    const desk: AgentDesk = {
      name: 'test-desk',
      async open(summary) {
        opened.push(summary.conversationId);
        return { desk: 'test-desk', place: 'C1', thread: `t${opened.length}` };
      },
      async userSaid() {},
      async event() {},
    };
    const { app } = get();
    app.handoffs.connect(desk);
    try {
      const user = new ChatUser(get().server);
      await user.says('转人工');
      await expect.poll(() => opened.includes(user.conversationId ?? '')).toBe(true);
      const agent: Agent = { id: 'U1', name: '小王' };
      expect((await app.handoffs.claim(user.conversationId ?? '', agent)).ok).toBe(true);
      expect((await app.handoffs.resolve(user.conversationId ?? '', agent)).ok).toBe(true);
      await user.send({ action: 'solved:yes' });
      const events = await of(user.conversationId);
      expect(events.find((e) => e.kind === 'handoff_asked')?.outcome).toBe('desk');
      const claimed = events.find((e) => e.kind === 'handoff_claimed');
      expect(claimed?.duration_ms).toBe(0); // the test clock stands still
      expect(events.map((e) => e.kind)).toContain('handoff_resolved');
      expect(events.find((e) => e.kind === 'solved')).toMatchObject({ flow: 'handoff', outcome: 'yes' });
    } finally {
      app.handoffs.connect(undefined);
    }
  });

  it('no planted card, ID or phone number anywhere in the table', async () => {
    const all = JSON.stringify(await rows());
    for (const planted of [CARD, PHONE, ID_CARD, '6222****0123', '6222']) expect(all).not.toContain(planted);
  });

  it('retention: events older than INSIGHTS_RETENTION_DAYS go, newer stay', async () => {
    const { app } = get();
    const old = (iso: string) =>
      toRow(
        { kind: 'turn', channel: 'api', conversationId: 'x', decision: 'answer', at: new Date(iso) },
        new Date(),
      );
    await app.insightsStore.write([
      old('2026-05-01T01:00:00.000Z'),
      old('2026-05-28T17:00:00.000Z'), // 2026-05-29 in China
      old('2026-06-01T01:00:00.000Z'),
    ]);
    // 180 days before 2026-11-25 is 2026-05-29
    expect(await app.sweepInsights()).toBe(1);
    const days = (await rows()).filter((r) => r.conversation === hashId('x')).map((r) => r.day);
    expect(days).toEqual(['2026-05-29', '2026-06-01']);
  });
});
