import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportLabels, insightsCommand } from '../../app/cli/insights.js';
import type { InsightEvent } from '../../bot/insights/index.js';
import { keyOf } from '../../bot/insights/index.js';
import { loadContent, projectRoot } from '../../knowledge/index.js';
import { startTestApp, TEST_NOW, type TestApp } from '../support/app.js';
import { freshPgDatabase } from '../support/postgres.js';

// The loop of issue 14, as a support lead and an operator live it: questions the assistant could
// not answer, one click to label a group, the review queue, the export as training examples that
// the content check accepts, and what is left out (already known, contradicting, held out).
const SECRET = 'lead-secret-for-tests';
const pgDb = await freshPgDatabase('ra_loop');

const heldOutLine = (
  JSON.parse(
    readFileSync(path.join(projectRoot, 'test/eval/intents.jsonl'), 'utf8').split('\n')[0] ?? '{}',
  ) as { text: string }
).text;
// an example the model already has, as refund_status_lookup
const knownExample = loadContent().examples.zh.refund_status_lookup?.[0] ?? '';

function unansweredEvents(): InsightEvent[] {
  const at = new Date('2026-11-25T03:00:00Z');
  const asked = (
    id: string,
    text: string,
    decision: InsightEvent['decision'],
    intent?: string,
    lang: 'zh' | 'en' = 'zh',
  ) =>
    ({
      kind: 'turn',
      at,
      channel: 'widget',
      lang,
      conversationId: id,
      decision,
      text,
      intent,
    }) as InsightEvent;
  return [
    asked('u1', '那个单子弄一下', 'not_understood', 'refund_status_lookup'),
    asked('u2', '那个单子弄一下！', 'not_understood', 'refund_status_lookup'),
    asked('u3', '那个单子帮我弄一下', 'not_understood', 'refund_status_lookup'),
    // a card number a user typed: never shown, never exported in clear
    asked('u3', '那个单子帮我弄一下 卡号6222021234567813', 'not_understood', 'refund_status_lookup'),
    asked('u4', '发票抬头开错了能重开吗', 'out_of_scope', 'out_of_scope'),
    asked('u5', 'can the refund go to a different card', 'clarify', 'how_to_refund', 'en'),
    asked('u6', heldOutLine, 'clarify', 'refund_not_received'),
    asked('u7', knownExample, 'clarify', 'refund_not_received'),
  ];
}

const backends = [
  { name: 'SQLite', env: {} as Record<string, string>, run: true },
  { name: 'PostgreSQL', env: { DATABASE_URL: pgDb?.url as string }, run: pgDb !== undefined },
];
for (const backend of backends) {
  describe.skipIf(!backend.run)(
    `the loop on ${backend.name}: unanswered → labelled → reviewed → exported`,
    () => {
      let t: TestApp;
      let cookie = '';
      const out = mkdtempSync(path.join(os.tmpdir(), 'ra-loop-'));
      beforeAll(async () => {
        t = await startTestApp({ INSIGHTS_SECRET: SECRET, ...backend.env }, () => TEST_NOW);
        for (const e of unansweredEvents()) t.app.insights.record(e);
        await t.app.insights.flush();
        const res = await t.server.inject({
          method: 'POST',
          url: '/insights/login',
          payload: { secret: SECRET },
        });
        cookie = String(res.headers['set-cookie']).split(';')[0] ?? '';
      }, 60_000);
      afterAll(async () => {
        await t?.close();
        rmSync(out, { recursive: true, force: true });
        if (backend.name === 'PostgreSQL') await pgDb?.drop();
      });
      const get = async (name: string) => {
        const res = await t.server.inject({
          method: 'GET',
          url: `/insights/api/${name}?from=2026-11-25&to=2026-11-25`,
          headers: { cookie },
        });
        expect(res.statusCode).toBe(200);
        return res.json();
      };
      const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
        t.server.inject({ method: 'POST', url, payload: payload as object, headers: { cookie, ...headers } });
      type Group = {
        key: string;
        example: string;
        lang: string;
        wordings: string[];
        count: number;
        labelled: { label: string; status: string } | null;
      };
      const groupOf = async (wording: string): Promise<Group> => {
        const groups = (await get('unanswered')) as Group[];
        const g = groups.find((x) => x.wordings.includes(wording));
        expect(g, `a group with "${wording}"`).toBeDefined();
        return g as Group;
      };
      const label = (g: Group, to: string) =>
        post('/insights/api/labels', {
          lang: g.lang,
          example: g.example,
          wordings: g.wordings,
          label: to,
          count: g.count,
        });

      it('the lead sees the question once with its wordings (masked) and labels it in one request', async () => {
        const g = await groupOf('那个单子帮我弄一下');
        expect(g.count).toBe(3);
        expect(g.example).toBe('那个单子弄一下');
        expect(g.wordings).toEqual(['那个单子弄一下', '那个单子弄一下！', '那个单子帮我弄一下']);
        expect(g.labelled).toBeNull();
        const everything = JSON.stringify(await get('unanswered'));
        expect(everything).toContain('那个单子帮我弄一下 卡号#');
        expect(everything).not.toContain('6222021234567813');
        const res = await label(g, 'refund_status_lookup');
        expect(res.statusCode).toBe(200);
        expect(res.json()).toMatchObject({ ok: true, result: 'added' });
        expect((await groupOf('那个单子帮我弄一下')).labelled).toMatchObject({
          label: 'refund_status_lookup',
          status: 'pending',
        });
        const queue = await get('queue');
        expect(queue.pending.map((l: { example: string; title: string }) => [l.example, l.title])).toEqual([
          ['那个单子弄一下', t.app.assistant.answers.intentLabel('refund_status_lookup', 'zh')],
        ]);
        expect(queue.choices.map((c: { id: string }) => c.id)).toContain('new_article');
      });

      it('labelling again replaces the label; a label can be taken back', async () => {
        const g = await groupOf('那个单子帮我弄一下');
        expect((await label(g, 'refund_not_received')).json().result).toBe('replaced');
        expect((await get('queue')).pending[0].label).toBe('refund_not_received');
        expect((await post('/insights/api/labels/remove', { key: g.key })).json()).toEqual({
          ok: true,
          removed: true,
        });
        expect((await get('queue')).pending).toEqual([]);
        expect((await label(g, 'refund_status_lookup')).json().result).toBe('added');
      });

      it('refuses what is not a label, from another site, or without a session', async () => {
        const g = await groupOf('发票抬头开错了能重开吗');
        const wrong = await label(g, 'make_me_rich');
        expect(wrong.statusCode).toBe(400);
        expect(wrong.json().error.code).toBe('BAD_REQUEST');
        expect(
          (await post('/insights/api/labels', { lang: 'fr', example: 'x', label: 'thanks' })).statusCode,
        ).toBe(400);
        expect(
          (await post('/insights/api/labels', { lang: 'zh', example: '！！！', label: 'thanks' })).statusCode,
        ).toBe(400);
        expect(
          (await post('/insights/api/labels', '{not json', { 'content-type': 'application/json' }))
            .statusCode,
        ).toBe(400);
        const crossSite = await post(
          '/insights/api/labels',
          { lang: 'zh', example: g.example, label: 'new_article' },
          { origin: 'https://evil.example' },
        );
        expect(crossSite.statusCode).toBe(403);
        const anonymous = await t.server.inject({
          method: 'POST',
          url: '/insights/api/labels',
          payload: { lang: 'zh', example: g.example, label: 'new_article' },
        });
        expect(anonymous.statusCode).toBe(401);
        expect((await get('queue')).pending).toHaveLength(1);
      });

      it('the operator exports the queue: examples the content check accepts, article requests, and what was left out', async () => {
        await label(await groupOf('发票抬头开错了能重开吗'), 'new_article');
        await label(await groupOf('can the refund go to a different card'), 'how_to_refund');
        await label(await groupOf(heldOutLine), 'refund_not_received');
        await label(await groupOf(knownExample), 'refund_not_received');
        const said: string[] = [];
        const { files } = await exportLabels(t.app.insightsStore, {
          out,
          dryRun: false,
          now: TEST_NOW,
          write: (s) => said.push(s),
        });
        const names = readdirSync(out).sort();
        expect(names).toEqual([
          'article-requests-20261125-0400.yml',
          'en.reviewed-20261125-0400.yml',
          'zh.reviewed-20261125-0400.yml',
        ]);
        expect(files).toHaveLength(3);
        const zh = yaml.load(readFileSync(path.join(out, 'zh.reviewed-20261125-0400.yml'), 'utf8')) as {
          lang: string;
          examples: Record<string, string[]>;
        };
        expect(zh.lang).toBe('zh');
        expect(zh.examples.refund_status_lookup).toEqual(
          expect.arrayContaining(['那个单子弄一下', '那个单子帮我弄一下']),
        );
        // nothing from an evaluation set, nothing the model already has, no card number
        const all = JSON.stringify(zh);
        expect(all).not.toContain(heldOutLine);
        expect(keyOf(all)).not.toContain(keyOf(knownExample));
        expect(all).not.toContain('6222021234567813');
        const en = yaml.load(readFileSync(path.join(out, 'en.reviewed-20261125-0400.yml'), 'utf8')) as {
          examples: Record<string, string[]>;
        };
        expect(en.examples).toEqual({ how_to_refund: ['can the refund go to a different card'] });
        const requests = yaml.load(
          readFileSync(path.join(out, 'article-requests-20261125-0400.yml'), 'utf8'),
        ) as { requests: Array<{ example: string }> };
        expect(requests.requests.map((r) => r.example)).toEqual(['发票抬头开错了能重开吗']);
        expect(said.join('')).toContain('left out (held_out)');
        expect(said.join('')).toMatch(/left out \((known|conflict)/);
        expect(said.join('')).toContain('npm run eval -- --candidate');
        // what npm run check would say once the files are adopted: nothing wrong
        expect(() =>
          loadContent({ candidates: files.filter((f) => f.includes('.reviewed-')) }),
        ).not.toThrow();
        // the queue is empty now; the page says the group went out
        expect((await get('queue')).pending).toEqual([]);
        expect((await get('queue')).exported).toHaveLength(5);
        expect((await groupOf('那个单子帮我弄一下')).labelled?.status).toBe('exported');
        const again = await label(await groupOf('那个单子帮我弄一下'), 'thanks');
        expect(again.json().result).toBe('already_exported');
      });

      it('the command prints the queue and refuses what it does not know', async () => {
        const said: string[] = [];
        const err: string[] = [];
        expect(
          await insightsCommand(
            ['queue'],
            t.app.insightsStore,
            (s) => said.push(s),
            (s) => err.push(s),
          ),
        ).toBe(0);
        expect(said.join('')).toBe('the review queue is empty\n');
        expect(
          await insightsCommand(
            ['fly'],
            t.app.insightsStore,
            (s) => said.push(s),
            (s) => err.push(s),
          ),
        ).toBe(2);
        expect(err.join('')).toContain('insights export');
      });

      it('a CSV of the labels, for the lead', async () => {
        const res = await t.server.inject({
          method: 'GET',
          url: '/insights/export/labels.csv',
          headers: { cookie },
        });
        expect(res.statusCode).toBe(200);
        expect(res.body).toContain('example,lang,label,wordings,count,status,labelled_at,exported_to');
        expect(res.body).toContain('那个单子弄一下,zh,refund_status_lookup');
      });
    },
  );
}
