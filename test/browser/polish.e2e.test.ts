/// <reference lib="dom" />
import { execFileSync } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../knowledge/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { chromiumAvailable, launch, shot } from '../support/browser.js';

// Issue 12 ("Polish"), in real Chromium: the panel opens with the topics, 👍/👎 only under answers,
// the article card is a link, the status card has the reference and says "overdue", and the
// article pages carry the chat. Screenshots under artifacts/screenshots/polish-*.png.
const available = chromiumAvailable();

describe.skipIf(!available)('the widget, polished', () => {
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

  const fixture = (scenario: string) => {
    const f = t.app.acquirer.sandbox?.instance.fixtures().find((x) => x.scenario === scenario);
    if (!f) throw new Error(scenario);
    return f;
  };
  const page = async (locale = 'zh-CN') =>
    (await browser.newContext({ viewport: { width: 420, height: 860 }, locale })).newPage();
  const input = (p: Page) => p.getByRole('textbox', { name: /输入您的问题|Type your question/ });
  async function ask(p: Page, text: string): Promise<void> {
    await input(p).fill(text);
    await input(p).press('Enter');
  }
  /** The last bot message, once it has come. */
  const lastBot = (p: Page) => p.locator('.msg.bot:not(.opening)').last();

  it('opens with the greeting and the main topics as buttons; a topic starts the conversation', async () => {
    const p = await page();
    await p.goto(`${base}/demo/help`);
    await p.getByRole('button', { name: '在线客服' }).click();
    const topics = p.locator('.opening .choices button');
    await expect.poll(() => topics.count()).toBeGreaterThanOrEqual(3);
    expect(await p.locator('.opening .bubble').textContent()).toContain('POS退款助手');
    expect(await p.locator('.rate').count()).toBe(0);
    await p.screenshot({ path: shot('polish-1-opening-topics') });
    const first = (await topics.first().textContent()) ?? '';
    await topics.first().click();
    await expect.poll(() => p.locator('.msg.user .bubble').first().textContent()).toBe(first);
    await expect.poll(() => p.locator('.opening .choices').count()).toBe(0);
    await p.context().close();
  });

  it('en: the opening is in the page language', async () => {
    const p = await page('en-GB');
    await p.goto(`${base}/demo/help`);
    await p.evaluate(() =>
      (window as unknown as { RefundAssistant: { setLocale(l: string): void } }).RefundAssistant.setLocale(
        'en',
      ),
    );
    await p.getByRole('button', { name: '在线客服' }).click();
    await expect.poll(() => p.locator('.opening .bubble').textContent()).toContain('refund assistant');
    await expect.poll(() => p.locator('.opening .choices button').count()).toBeGreaterThanOrEqual(3);
    await p.screenshot({ path: shot('polish-1-opening-topics-en') });
    await p.context().close();
  });

  it('an answer has 👍/👎 and a card that links, without repeating the bubble; a question has neither', async () => {
    const p = await page();
    await p.goto(`${base}/demo/help`);
    await p.getByRole('button', { name: '在线客服' }).click();
    await ask(p, '退款要收手续费吗');
    const card = lastBot(p).locator('a.article');
    await card.waitFor();
    expect(await lastBot(p).getByRole('button', { name: '有帮助' }).count()).toBe(1);
    expect(await lastBot(p).getByRole('button', { name: '没帮助' }).count()).toBe(1);
    expect(await card.getAttribute('href')).toMatch(/\/kb\/zh\/refund-policy$/);
    expect(await card.textContent()).toContain('阅读全文');
    const bubble = (await lastBot(p).locator('.bubble').first().textContent()) ?? '';
    const cardText = (await card.textContent()) ?? '';
    const firstSentence = bubble.split('。')[0] ?? '';
    expect(firstSentence.length).toBeGreaterThan(5);
    expect(cardText).not.toContain(firstSentence);
    await p.screenshot({ path: shot('polish-2-answer-rated-with-card') });

    const f = fixture('refund_processing_card');
    await ask(p, `帮我查一下参考号 ${f.reference} 的退款`);
    await expect.poll(() => lastBot(p).textContent()).toContain('付款卡号的后四位');
    expect(await lastBot(p).locator('.rate').count()).toBe(0);
    await p.screenshot({ path: shot('polish-3-question-not-rated') });
    await p.context().close();
  });

  it('the status card shows the reference and says when a refund is overdue (zh, en)', async () => {
    const f = fixture('refund_overdue_card');
    for (const [locale, reference, overdue] of [
      ['zh', '参考号', '已超过预计到账日'],
      ['en', 'Reference no.', 'Overdue'],
    ] as const) {
      const p = await page(locale);
      await p.goto(`${base}/demo/help`);
      if (locale === 'en')
        await p.evaluate(() =>
          (
            window as unknown as { RefundAssistant: { setLocale(l: string): void } }
          ).RefundAssistant.setLocale('en'),
        );
      await p.getByRole('button', { name: '在线客服' }).click();
      await ask(
        p,
        locale === 'zh'
          ? `参考号${f.reference}的退款还没到，尾号${f.cardLast4}`
          : `where is the refund for ref ${f.reference}? card ending ${f.cardLast4}`,
      );
      const card = p.locator('section.card');
      await card.waitFor();
      expect(await card.textContent()).toContain(reference);
      expect(await card.textContent()).toContain(f.reference);
      expect(await card.textContent()).toContain(overdue);
      expect(await p.locator('.msg.bot', { has: card }).locator('.rate button').count()).toBe(2);
      await card.scrollIntoViewIfNeeded();
      await p.screenshot({ path: shot(`polish-4-status-card-overdue-${locale}`) });
      await p.context().close();
    }
  });

  it('the article page carries the chat, in its language', async () => {
    for (const [lang, name] of [
      ['zh', '在线客服'],
      ['en', 'Chat with us'],
    ] as const) {
      const p = await (
        await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: lang })
      ).newPage();
      const errors: string[] = [];
      p.on('pageerror', (e) => errors.push(e.message));
      p.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      await p.goto(`${base}/kb/${lang}/follow-up-refund`);
      expect(await p.locator('.chat-hint').textContent()).toContain(name);
      await p.getByRole('button', { name }).waitFor();
      await p.screenshot({ path: shot(`polish-5-article-page-${lang}`) });
      await p.getByRole('button', { name }).click();
      await expect.poll(() => p.locator('.opening .choices button').count()).toBeGreaterThanOrEqual(3);
      await ask(p, lang === 'zh' ? '退款多久到账' : 'how long does a refund take');
      await lastBot(p).waitFor();
      await p.screenshot({ path: shot(`polish-5-article-page-with-chat-${lang}`) });
      expect(errors).toEqual([]);
      await p.context().close();
    }
  });
});
