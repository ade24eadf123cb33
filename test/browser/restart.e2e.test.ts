/// <reference lib="dom" />
import { execFileSync } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../knowledge/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { chromiumAvailable, launch } from '../support/browser.js';

// A server that stops closes the widget's socket with 1012 "service restart": the widget comes back
// by itself at once, without telling the user it was offline, and loses nothing typed meanwhile.
const available = chromiumAvailable();

describe.skipIf(!available)('the widget when its server restarts', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    execFileSync(process.execPath, ['widget/build.mjs', '--quiet'], { cwd: projectRoot });
    t = await startTestApp();
    base = await t.server.listen({ port: 0, host: '127.0.0.1' });
    browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const log = (page: Page) => page.getByRole('log');
  async function ask(page: Page, text: string): Promise<void> {
    const box = page.getByRole('textbox', { name: /输入您的问题|Type your question/ });
    await box.fill(text);
    await box.press('Enter');
  }

  it('reconnects at once on 1012, shows no offline banner, and sends what was typed in between', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${base}/demo/help`);
    await page.getByRole('button', { name: '在线客服' }).click();
    await ask(page, '你好');
    await expect.poll(() => log(page).textContent()).toContain('POS退款助手');
    // remember whether the offline banner ever shows from here on
    await page.locator('.banner').evaluate((banner) => {
      const seen = window as unknown as { bannerShown: boolean };
      seen.bannerShown = false;
      new MutationObserver(() => {
        if (!(banner as HTMLElement).hidden) seen.bannerShown = true;
      }).observe(banner, { attributes: true });
    });

    // what a stopping server does to every socket (a turn under way would finish first)
    await t.widget.stop();
    await ask(page, '退款政策是什么');
    await expect
      .poll(() => log(page).textContent(), { timeout: 10_000 })
      .toContain('退款政策：期限、费用和条件');
    expect(await page.evaluate(() => (window as unknown as { bannerShown: boolean }).bannerShown)).toBe(
      false,
    );
    const asked = await page.locator('.msg.user .bubble').allTextContents();
    expect(asked.filter((s) => s === '退款政策是什么')).toHaveLength(1);
    await context.close();
  });
});
