/// <reference lib="dom" />
import { execFileSync } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toRow } from '../../bot/insights/index.js';
import { projectRoot } from '../../knowledge/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { chromiumAvailable, launch, shot } from '../support/browser.js';
import { syntheticDays } from '../support/insights.js';

// /insights in real Chromium: sign in through the form, the page loads two weeks of recorded
// events, every chart draws (ECharts says so), one screenshot per chart under
// artifacts/screenshots/insights-*.png; the same page in English.
const available = chromiumAvailable();
const SECRET = 'browser-lead-secret';

describe.skipIf(!available)('/insights in Chromium', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    execFileSync(process.execPath, ['integrations/channels/insights/build.mjs', '--quiet'], {
      cwd: projectRoot,
    });
    t = await startTestApp({ INSIGHTS_SECRET: SECRET });
    const flows = t.app.flows
      .filter((f) => f.intents.length > 0)
      .slice(0, 4)
      .map((f) => ({ id: f.id, nodes: Object.keys(f.nodes) }));
    const articles = t.app.content.articles.slice(0, 10).map((a) => a.id);
    for (const rows of syntheticDays(
      { to: '2026-11-25', days: 14, turnsPerDay: 120, flows, articles },
      toRow,
    ))
      for (let i = 0; i < rows.length; i += 400) await t.app.insightsStore.write(rows.slice(i, i + 400));
    base = await t.server.listen({ port: 0, host: '127.0.0.1' });
    browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function signIn(locale: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale });
    const p = await context.newPage();
    await p.goto(`${base}/insights`);
    expect(new URL(p.url()).pathname).toBe('/insights/login');
    await p.locator('#secret').fill(SECRET);
    await p.locator('button[type=submit]').click();
    await p.waitForURL(/\/insights\?/);
    await p.locator('body[data-loaded]').waitFor();
    return p;
  }

  /** Every chart on the page, once ECharts has finished drawing each. */
  async function charts(p: Page): Promise<string[]> {
    const all = p.locator('[data-chart]');
    await expect.poll(() => all.count()).toBeGreaterThanOrEqual(9);
    await expect
      .poll(() => p.locator('[data-chart]:not([data-rendered="true"])').count(), { timeout: 15_000 })
      .toBe(0);
    return all.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.chart ?? ''));
  }

  it('a wrong secret stays on the sign-in and says so', async () => {
    const p = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
    await p.goto(`${base}/insights/login`);
    await p.locator('#secret').fill('wrong');
    await p.locator('button[type=submit]').click();
    await expect.poll(() => p.getByRole('alert').textContent()).toContain('密钥不对');
    await p.context().close();
  });

  it('zh: signs in, draws every chart from the data, screenshots each', async () => {
    const p = await signIn('zh-CN');
    expect(await p.locator('body').getAttribute('data-loaded')).toBe('true');
    expect(await p.locator('h1').textContent()).toBe('客服洞察');
    const ids = await charts(p);
    expect(ids).toEqual(
      expect.arrayContaining([
        'conversations',
        'containment',
        'claims',
        'ratings',
        'lookups',
        'applications',
        'decision-times',
        'arrivals',
      ]),
    );
    expect(ids.filter((id) => id.startsWith('funnel-')).length).toBeGreaterThanOrEqual(2);
    // every chart drew on its canvas
    for (const id of ids)
      expect(await p.locator(`[data-chart="${id}"] canvas`).count(), id).toBeGreaterThan(0);
    expect(await p.locator('[data-table="unanswered"] tr').count()).toBeGreaterThan(3);
    expect(await p.locator('[data-table="unanswered"]').textContent()).toContain('那个单子');
    expect(await p.locator('[data-note="claims"]').textContent()).toMatch(/已接入 \d+/);
    await p.screenshot({ path: shot('insights-page-zh'), fullPage: true });
    for (const id of ids)
      await p
        .locator(`section:has([data-chart="${id}"]), div:has(> [data-chart="${id}"])`)
        .last()
        .screenshot({ path: shot(`insights-${id}`) });
    for (const id of ['solved', 'refusals', 'unanswered'])
      await p.locator(`section:has([data-table="${id}"])`).screenshot({ path: shot(`insights-table-${id}`) });
    // the CSV links carry the filter
    expect(await p.locator('a[data-export="unanswered"]').getAttribute('href')).toMatch(
      /^\/insights\/export\/unanswered\.csv\?lang=zh&from=\d{4}-\d{2}-\d{2}&to=2026-11-25$/,
    );
    await p.context().close();
  });

  it('the channel filter redraws the charts for one channel', async () => {
    const p = await signIn('zh-CN');
    await charts(p);
    await p.locator('#channel').selectOption('teams');
    await p.locator('#filter button[type=submit]').click();
    await p.waitForURL(/channel=teams/);
    await charts(p);
    await p
      .locator('section:has([data-chart="conversations"])')
      .screenshot({ path: shot('insights-conversations-teams') });
    await p.context().close();
  });

  it('one click labels an unanswered question; it waits in the review queue and can be taken back', async () => {
    const p = await signIn('zh-CN');
    const first = p.locator('[data-table="unanswered"] tr').nth(1);
    const example = (await first.locator('td').first().textContent()) ?? '';
    // the model's closest intent is chosen already: one click
    await first.getByRole('button', { name: '标注' }).click();
    await expect.poll(() => first.getByRole('status').textContent()).toMatch(/^已标注：/);
    const queue = p.locator('[data-table="queue"]');
    await expect.poll(() => queue.textContent()).toContain(example);
    await p.locator('section:has([data-table="unanswered"])').screenshot({ path: shot('insights-labelled') });
    await p.locator('section:has([data-table="queue"])').screenshot({ path: shot('insights-review-queue') });
    // another label for the second group, chosen from the list
    const second = p.locator('[data-table="unanswered"] tr').nth(2);
    await second.locator('select').selectOption('new_article');
    await second.getByRole('button', { name: '标注' }).click();
    await expect.poll(() => second.getByRole('status').textContent()).toBe('已标注：需要新文章');
    expect(await t.app.insightsStore.labels('pending')).toHaveLength(2);
    // the page after a reload still shows both as labelled
    await p.reload();
    await p.locator('body[data-loaded]').waitFor();
    await expect.poll(() => p.locator('[data-table="queue"] button[data-remove]').count()).toBe(2);
    await p.locator('[data-table="queue"] button[data-remove]').first().click();
    await expect.poll(() => p.locator('[data-table="queue"] button[data-remove]').count()).toBe(1);
    expect(await t.app.insightsStore.labels('pending')).toHaveLength(1);
    await p.context().close();
  });

  it('en: the same page in English', async () => {
    const p = await signIn('en-GB');
    expect(await p.locator('h1').textContent()).toBe('Support insights');
    await charts(p);
    await p.screenshot({ path: shot('insights-page-en'), fullPage: true });
    await p.context().close();
  });
});
