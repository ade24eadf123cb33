import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlInsights } from '../../integrations/stores/db/index.js';
import { startTestApp, TEST_NOW, type TestApp } from '../support/app.js';
import { seededEvents } from '../support/insights.js';
import { freshPgDatabase } from '../support/postgres.js';

// /insights over HTTP: nothing without a session (page, script, data, CSV), the sign-in, and every
// aggregate of a known set of events, on the SQLite file and on PostgreSQL (a database per run).
const SECRET = 'lead-secret-for-tests';
const pgDb = await freshPgDatabase('ra_insights');
const havePg = pgDb !== undefined;

const RANGE = 'from=2026-11-23&to=2026-11-25';

const backends: Array<{ name: string; env: Record<string, string>; run: boolean }> = [
  { name: 'SQLite', env: {}, run: true },
  { name: 'PostgreSQL', env: { DATABASE_URL: pgDb?.url as string }, run: havePg },
];
for (const backend of backends) {
  describe.skipIf(!backend.run)(`/insights on ${backend.name}`, () => {
    let t: TestApp;
    let now = TEST_NOW;
    let cookie = '';
    beforeAll(async () => {
      t = await startTestApp({ INSIGHTS_SECRET: SECRET, ...backend.env }, () => now);
      for (const e of seededEvents()) t.app.insights.record(e);
      await t.app.insights.flush();
    });
    afterAll(async () => {
      await t?.close();
      if (backend.name === 'PostgreSQL') {
        await pgDb?.drop();
      }
    });
    const get = (url: string, headers: Record<string, string> = { cookie }) =>
      t.server.inject({ method: 'GET', url, headers });
    const data = async (name: string, query = RANGE) => {
      const res = await get(`/insights/api/${name}?${query}`);
      expect(res.statusCode).toBe(200);
      return res.json();
    };

    it('refuses everything without a session: the page sends to the sign-in, data and CSV say 401', async () => {
      const page = await get('/insights', {});
      expect(page.statusCode).toBe(303);
      expect(page.headers.location).toBe('/insights/login?lang=zh');
      expect((await get('/insights?lang=en', {})).headers.location).toBe('/insights/login?lang=en');
      expect((await get('/insights/app.js', {})).statusCode).toBe(303);
      for (const url of [
        '/insights/api/conversations',
        '/insights/api/unanswered',
        '/insights/export/unanswered.csv',
      ]) {
        const res = await get(url, {});
        expect(res.statusCode).toBe(401);
        expect(res.json().error.code).toBe('UNAUTHORIZED');
      }
      // a cookie of our name, not signed by us
      const forged = await get('/insights/api/conversations', {
        cookie: 'insights_session=99999999999999.abc',
      });
      expect(forged.statusCode).toBe(401);
      const login = await get('/insights/login', {});
      expect(login.statusCode).toBe(200);
      expect(login.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(login.body).toContain('客服主管登录');
      expect((await get('/insights/login?lang=en', {})).body).toContain('Sign in for support leads');
      expect((await get('/insights/login', { 'accept-language': 'en-GB,en;q=0.8' })).body).toContain(
        'Sign in',
      );
    });

    it('refuses a wrong secret (JSON and form), and a sign-in from another site', async () => {
      const json = await t.server.inject({
        method: 'POST',
        url: '/insights/login',
        payload: { secret: 'nope' },
      });
      expect(json.statusCode).toBe(401);
      expect(json.headers['set-cookie']).toBeUndefined();
      const form = await t.server.inject({
        method: 'POST',
        url: '/insights/login?lang=en',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'secret=nope',
      });
      expect(form.statusCode).toBe(303);
      expect(form.headers.location).toBe('/insights/login?lang=en&error=1');
      const again = await get('/insights/login?lang=en&error=1', {});
      expect(again.body).toContain('That secret is not right');
      const crossSite = await t.server.inject({
        method: 'POST',
        url: '/insights/login',
        headers: { origin: 'https://evil.example' },
        payload: { secret: SECRET },
      });
      expect(crossSite.statusCode).toBe(403);
      expect(crossSite.headers['set-cookie']).toBeUndefined();
    });

    it('sign-ins are rate limited per address (20 a minute)', async () => {
      const attempt = () =>
        t.server.inject({
          method: 'POST',
          url: '/insights/login',
          remoteAddress: '10.20.30.40',
          payload: { secret: 'guess' },
        });
      for (let i = 0; i < 20; i++) expect((await attempt()).statusCode).toBe(401);
      const limited = await attempt();
      expect(limited.statusCode).toBe(429);
      expect(limited.json().error.code).toBe('RATE_LIMITED');
    });

    it('signs in with the secret: a signed HttpOnly SameSite=Strict cookie that opens the page', async () => {
      const form = await t.server.inject({
        method: 'POST',
        url: '/insights/login',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:80' },
        payload: `secret=${encodeURIComponent(SECRET)}`,
      });
      expect(form.statusCode).toBe(303);
      expect(form.headers.location).toBe('/insights?lang=zh');
      const res = await t.server.inject({
        method: 'POST',
        url: '/insights/login',
        payload: { secret: SECRET },
      });
      expect(res.statusCode).toBe(200);
      const set = String(res.headers['set-cookie']);
      expect(set).toMatch(/^insights_session=[^;]+\.[^;]+;/);
      expect(set).toContain('HttpOnly');
      expect(set).toContain('SameSite=Strict');
      expect(set).toContain('Path=/insights');
      cookie = set.split(';')[0] ?? '';
      const page = await get('/insights');
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-security-policy']).toContain("script-src 'self'");
      expect(page.body).toContain('客服洞察');
      expect((await get('/insights?lang=en')).body).toContain('Support insights');
    });

    it('conversations per day by channel and language; the channel filter', async () => {
      expect(await data('conversations')).toEqual([
        { day: '2026-11-23', channel: 'api', lang: 'zh', conversations: 3 },
        { day: '2026-11-23', channel: 'widget', lang: 'en', conversations: 1 },
        { day: '2026-11-24', channel: 'api', lang: 'zh', conversations: 2 },
        { day: '2026-11-25', channel: 'widget', lang: 'zh', conversations: 4 },
      ]);
      expect(await data('conversations', `${RANGE}&channel=widget`)).toHaveLength(2);
      expect(await data('conversations', 'from=2026-11-24&to=2026-11-24')).toHaveLength(1);
    });

    it('containment: conversations, those handed over (once each) and tickets per day', async () => {
      expect(await data('containment')).toEqual([
        { day: '2026-11-23', conversations: 4, handedOver: 2, tickets: 0 },
        { day: '2026-11-24', conversations: 2, handedOver: 0, tickets: 0 },
        { day: '2026-11-25', conversations: 4, handedOver: 1, tickets: 1 },
      ]);
    });

    it('time to claim in buckets', async () => {
      const c = await data('claims');
      expect(c).toMatchObject({ claimed: 2, asked: 3, resolved: 1, averageMs: 315_000 });
      expect(c.buckets.find((b: { bucket: string }) => b.bucket === '<1m').count).toBe(1);
      expect(c.buckets.find((b: { bucket: string }) => b.bucket === '5–15m').count).toBe(1);
      expect(c.buckets.reduce((n: number, b: { count: number }) => n + b.count, 0)).toBe(2);
    });

    it('👍/👎 per article with titles, "solved?" per tree; ratings follow their conversation\'s channel', async () => {
      const r = await data('ratings');
      expect(r.articles).toEqual([
        { article: 'refund-policy', title: expect.any(String), up: 2, down: 1 },
        { article: 'void-vs-refund', title: expect.any(String), up: 0, down: 1 },
      ]);
      expect(r.articles[0].title).not.toBe('refund-policy');
      expect(r.solved).toEqual([
        { flow: 'refund_not_received', title: expect.any(String), yes: 1, no: 1 },
        { flow: 'handoff', title: '人工客服', yes: 1, no: 0 },
      ]);
      const widget = await data('ratings', `${RANGE}&channel=widget`);
      expect(widget.articles).toEqual([
        { article: 'refund-policy', title: expect.any(String), up: 0, down: 1 },
      ]);
    });

    it('a funnel per tree: conversations at each node, the end counted', async () => {
      const [f, ...others] = await data('funnels');
      expect(others).toEqual([]);
      expect(f.flow).toBe('refund_not_received');
      // each step named by the question it asks, as a lead reads it
      expect(
        f.steps.map((s: { node: string; title: string; conversations: number }) => [
          s.node,
          s.title,
          s.conversations,
        ]),
      ).toEqual([
        ['ask_date', '退款是哪天办理的？', 3],
        ['ask_method', '这笔当初是怎么付款的？', 2],
        ['advice', expect.any(String), 1],
        ['(ended)', '(ended)', 1],
      ]);
      const api = await data('funnels', `${RANGE}&channel=api`);
      expect(api[0].steps[0]).toMatchObject({ node: 'ask_date', conversations: 2 });
    });

    it('a funnel counts the same from its daily roll-up once the days are settled', async () => {
      const filters = [
        { from: '2026-11-23', to: '2026-11-25' },
        { from: '2026-11-23', to: '2026-11-25', channel: 'api' },
        { from: '2026-11-24', to: '2026-11-24' },
      ];
      // another instance, weeks later: every seeded day long over, so rolled up
      const later = new SqlInsights(t.app.database, { clock: () => new Date('2026-12-20T04:00:00Z') });
      for (const f of filters) {
        const live = await t.app.insightsStore.funnels(f);
        expect(live.length).toBeGreaterThan(0);
        expect(await later.funnels(f)).toEqual(live);
        expect(await later.funnels(f)).toEqual(live); // asked again: from the roll-up alone
      }
      const rolled = await t.app.database.db.selectFrom('insight_funnel_days').selectAll().execute();
      expect(rolled.map((r) => r.day)).toContain('2026-11-24');
    });

    it('look-up outcomes per day', async () => {
      expect(await data('lookups')).toEqual([
        { day: '2026-11-23', outcome: 'found', count: 2 },
        { day: '2026-11-23', outcome: 'proof_failed', count: 1 },
        { day: '2026-11-24', outcome: 'unavailable', count: 1 },
      ]);
    });

    it('applications by outcome, refusals by rule, time to decision', async () => {
      const a = await data('applications');
      expect(a.outcomes).toEqual([
        { bucket: 'submitted', count: 3 },
        { bucket: 'refused', count: 2 },
        { bucket: 'approved', count: 1 },
        { bucket: 'rejected', count: 1 },
        { bucket: 'executed', count: 1 },
        { bucket: 'failed', count: 0 },
      ]);
      expect(a.refusals).toEqual(
        expect.arrayContaining([
          { bucket: 'window', count: 1 },
          { bucket: 'proof', count: 1 },
        ]),
      );
      expect(a.averageDecisionMs).toBe(4_500_000);
      expect(a.decisionTimes.find((b: { bucket: string }) => b.bucket === '15–60m').count).toBe(1);
      expect(a.decisionTimes.find((b: { bucket: string }) => b.bucket === '1–4h').count).toBe(1);
    });

    it('arrival estimates against actual: early, on time, late, pending (each refund once)', async () => {
      expect(await data('arrivals')).toEqual({ early: 1, onTime: 1, late: 1, pending: 1 });
      expect(await data('arrivals', 'from=2026-11-24&to=2026-11-25')).toEqual({
        early: 0,
        onTime: 0,
        late: 0,
        pending: 0,
      });
    });

    it('unanswered questions grouped by similarity, with counts and an example; 👎 included', async () => {
      const groups = await data('unanswered');
      expect(groups[0]).toMatchObject({
        count: 3,
        intent: 'refund_status',
        decisions: { not_understood: 3 },
      });
      expect(groups[0].example).toMatch(/^那个单子/);
      expect(groups.map((g: { example: string }) => g.example)).toEqual(
        expect.arrayContaining(['信用卡怎么还款', '手续费怎么还收']),
      );
      expect(groups.find((g: { example: string }) => g.example === '手续费怎么还收').decisions).toEqual({
        thumbs_down: 1,
      });
      // a 👎 belongs to the channel its conversation started in (it is recorded without one)
      const examples = async (channel: string) =>
        ((await data('unanswered', `${RANGE}&channel=${channel}`)) as Array<{ example: string }>).map(
          (g) => g.example,
        );
      expect(await examples('widget')).toContain('手续费怎么还收');
      expect(await examples('api')).not.toContain('手续费怎么还收');
    });

    it('CSV export of every table, filtered like the page; formula-looking cells defused', async () => {
      const names = [
        'conversations',
        'containment',
        'claim-times',
        'ratings',
        'solved',
        'funnels',
        'lookups',
        'applications',
        'refusals',
        'decision-times',
        'arrivals',
        'unanswered',
      ];
      for (const name of names) {
        const res = await get(`/insights/export/${name}.csv?${RANGE}`);
        expect(res.statusCode, name).toBe(200);
        expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
        expect(res.headers['content-disposition']).toContain(`insights-${name}-2026-11-23-2026-11-25.csv`);
      }
      const csv = (await get(`/insights/export/conversations.csv?${RANGE}&channel=widget`)).body;
      expect(csv.replace(/^\ufeff/, '').split('\r\n')).toEqual([
        'day,channel,lang,conversations',
        '2026-11-23,widget,en,1',
        '2026-11-25,widget,zh,4',
        '',
      ]);
      expect((await get(`/insights/export/nothing.csv?${RANGE}`)).statusCode).toBe(404);
      expect((await get('/insights/api/conversations?from=2026-13-01')).statusCode).toBe(400);
    });

    it('a session ends after INSIGHTS_SESSION_HOURS', async () => {
      now = new Date(TEST_NOW.getTime() + 13 * 3_600_000);
      try {
        expect((await get('/insights/api/conversations')).statusCode).toBe(401);
      } finally {
        now = TEST_NOW;
      }
      expect((await get('/insights/api/conversations')).statusCode).toBe(200);
    });
  });
}

describe('/insights without INSIGHTS_SECRET', () => {
  it('is not there at all', async () => {
    const t = await startTestApp();
    try {
      for (const url of ['/insights', '/insights/login', '/insights/api/conversations'])
        expect((await t.server.inject({ url })).statusCode).toBe(404);
    } finally {
      await t.close();
    }
  });
});
