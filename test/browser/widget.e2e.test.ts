/// <reference lib="dom" />
import { execFileSync } from 'node:child_process';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../knowledge/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { chromiumAvailable, launch, shot } from '../support/browser.js';
import { SlackStandIn, SUPPORT_CHANNEL, slackEnv, slackSender } from '../support/slack.js';

// Real headless Chromium (Debian's), the real server on loopback, the demo pages a newcomer opens.
const available = chromiumAvailable();

describe.skipIf(!available)('the web widget in a real browser', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let slack: SlackStandIn;

  beforeAll(async () => {
    execFileSync(process.execPath, ['widget/build.mjs', '--quiet'], { cwd: projectRoot });
    slack = await SlackStandIn.start();
    t = await startTestApp({
      ...slackEnv(slack),
    });
    base = await t.server.listen({ port: 0, host: '127.0.0.1' });
    browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await slack?.close();
  });

  const fixture = (scenario: string) => {
    const f = t.app.acquirer.sandbox?.instance.fixtures().find((x) => x.scenario === scenario);
    if (!f) throw new Error(scenario);
    return f;
  };

  async function open(page: Page, url = `${base}/demo/help`, name = '在线客服'): Promise<void> {
    await page.goto(url);
    await page.getByRole('button', { name }).click();
    await page.getByRole('textbox', { name: /输入您的问题|Type your question/ }).waitFor();
  }
  async function ask(page: Page, text: string): Promise<void> {
    const box = page.getByRole('textbox', { name: /输入您的问题|Type your question/ });
    await box.fill(text);
    await box.press('Enter');
  }
  const log = (page: Page) => page.getByRole('log');

  it('asks in Chinese, follows a quick reply, and walks a flow to a status card', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await open(page);
    await ask(page, '退款要收手续费吗');
    await expect.poll(() => log(page).textContent()).toContain('手续费');
    await page.getByRole('button', { name: '撤销和退货（退款）有什么区别' }).click();
    await expect.poll(() => log(page).textContent()).toContain('撤销');
    await page.screenshot({ path: shot('1-answer-and-quick-reply') });

    const f = fixture('refund_processing_card');
    await ask(page, `帮我查一下参考号 ${f.reference} 的退款`);
    await expect.poll(() => log(page).textContent()).toContain('付款卡号的后四位');
    await ask(page, `${f.amountFen / 100}元`);
    const card = page.locator('section.card');
    await card.waitFor();
    expect(await card.textContent()).toContain('交易与退款状态');
    expect(await card.textContent()).toContain('预计到账');
    await page.screenshot({ path: shot('2-status-card') });

    // the same conversation after a reload: history from the server, in order
    await page.reload();
    await page.getByRole('button', { name: '在线客服' }).click();
    await expect.poll(() => log(page).textContent()).toContain('交易与退款状态');
    const text = (await log(page).textContent()) ?? '';
    expect(text.indexOf('退款要收手续费吗')).toBeLessThan(text.indexOf('交易与退款状态'));
    await page.screenshot({ path: shot('3-history-after-reload') });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('loses and regains the connection without losing or repeating a message', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    await open(page);
    await ask(page, '你好');
    await expect.poll(() => log(page).textContent()).toContain('POS退款助手');

    await context.setOffline(true);
    t.widget.dropConnections();
    await expect.poll(() => page.locator('.banner').isVisible()).toBe(true);
    await ask(page, '退款政策是什么');
    await page.screenshot({ path: shot('4-offline-banner') });
    await context.setOffline(false);

    await expect
      .poll(() => log(page).textContent(), { timeout: 15_000 })
      .toContain('退款政策：期限、费用和条件');
    await expect.poll(() => page.locator('.banner').isVisible()).toBe(false);
    const asked = await page.locator('.msg.user .bubble').allTextContents();
    expect(asked.filter((s) => s === '退款政策是什么')).toHaveLength(1);
    const saved = await t.app.store.load(
      (await page.evaluate(
        () => JSON.parse(Object.values(localStorage).join('') || '{}').conversationId,
      )) as string,
    );
    expect(saved?.messages.filter((m) => m.text === '退款政策是什么')).toHaveLength(1);
    await context.close();
  });

  it('uploads a receipt photo, and refuses a file that is not one', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await open(page);
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64',
    );
    await page
      .locator('input[type=file]')
      .setInputFiles({ name: '小票.png', mimeType: 'image/png', buffer: png });
    await expect.poll(() => log(page).textContent()).toContain('已收到您的文件“小票.png”');
    await page.locator('input[type=file]').setInputFiles({
      name: 'receipt.png',
      mimeType: 'image/png',
      buffer: Buffer.from('not an image at all'),
    });
    await expect.poll(() => log(page).textContent()).toContain('只能上传照片');
    await page.screenshot({ path: shot('5-upload') });
    await context.close();
  });

  it('shows an XSS attempt as text, and runs nothing', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await open(page);
    const attack = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';
    await ask(page, attack);
    await expect.poll(() => page.locator('.msg.user .bubble').first().textContent()).toBe(attack);
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(
      await page
        .locator('[data-refund-assistant]')
        .evaluate((host) => host.shadowRoot?.querySelectorAll('.log img, .log script').length),
    ).toBe(0);
    await context.close();
  });

  it('on a phone the panel is full screen and the input stays on screen', async () => {
    const context: BrowserContext = await browser.newContext({
      viewport: { width: 375, height: 740 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    await open(page);
    const panel = await page.locator('.panel').boundingBox();
    expect(panel).toMatchObject({ x: 0, y: 0, width: 375 });
    expect(panel?.height).toBeGreaterThanOrEqual(700);
    const input = await page.getByRole('textbox', { name: '输入您的问题' }).boundingBox();
    expect((input?.y ?? 9999) + (input?.height ?? 0)).toBeLessThanOrEqual(740);
    await page.screenshot({ path: shot('6-phone') });
    await context.close();
  });

  it('works with the keyboard alone and announces new messages', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/demo/help`);
    const launcher = page.getByRole('button', { name: '在线客服' });
    await launcher.focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.id))
      .toBe('ra-input');
    await page.keyboard.type('谢谢');
    await page.keyboard.press('Enter');
    await expect.poll(() => log(page).textContent()).toContain('不客气');
    expect(await log(page).getAttribute('aria-live')).toBe('polite');
    await page.keyboard.press('Escape');
    await expect
      .poll(() =>
        launcher.evaluate(
          (b) => b.getRootNode() instanceof ShadowRoot && (b.getRootNode() as ShadowRoot).activeElement === b,
        ),
      )
      .toBe(true);
    await context.close();
  });

  it('rates an answer, shows times, counts replies that arrive while closed, and reads in AA contrast', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    await open(page);
    await ask(page, '清算和结算是什么意思');
    await expect.poll(() => log(page).textContent()).toContain('结算');
    await page.getByRole('button', { name: '有帮助' }).last().click();
    const conversationId = await page.evaluate(() => {
      const key = Object.keys(localStorage).find((k) => k.startsWith('refund-assistant'));
      return (JSON.parse(localStorage.getItem(key ?? '') ?? '{}') as { conversationId?: string })
        .conversationId;
    });
    expect(conversationId).toBeTruthy();
    await expect
      .poll(
        async () =>
          (await t.app.store.load(conversationId ?? ''))?.messages.find((m) => m.feedback)?.feedback,
      )
      .toBe('up');
    expect(await log(page).locator('time').count()).toBeGreaterThan(0);

    // closed panel; a reply arrives from elsewhere (another tab, an agent): the launcher counts it
    await page.keyboard.press('Escape');
    const reply = await t.server.inject({
      method: 'POST',
      url: '/api/chat',
      payload: { conversationId, text: '谢谢' },
    });
    expect(reply.statusCode).toBe(200);
    await page.getByRole('button', { name: '在线客服 (1)' }).waitFor();
    await page.getByRole('button', { name: '在线客服 (1)' }).click();
    await expect.poll(() => log(page).textContent()).toContain('不客气');
    await expect.poll(() => page.getByRole('button', { name: '在线客服 (1)' }).count()).toBe(0);

    // WCAG AA: every piece of text in the widget against its background, ratio ≥ 4.5
    const worst = await page.evaluate(() => {
      const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).slice(0, 4).map(Number);
      const lum = ([r = 0, g = 0, b = 0]: number[]) => {
        const f = (v: number) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4);
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
      };
      const background = (e: Element | null): number[] => {
        for (let n = e; n; n = n.parentElement ?? (n.getRootNode() as ShadowRoot).host ?? null) {
          const c = rgb(getComputedStyle(n).backgroundColor);
          if (c.length < 4 || (c[3] ?? 0) > 0.9) return c;
        }
        return [255, 255, 255];
      };
      const roots = [...document.querySelectorAll('*')].flatMap((e) => (e.shadowRoot ? [e.shadowRoot] : []));
      let min = { ratio: 21, text: '' };
      for (const root of roots)
        for (const e of root.querySelectorAll('*')) {
          const own = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent?.trim());
          const box = e.getBoundingClientRect();
          if (!own || !box.width || getComputedStyle(e).visibility === 'hidden') continue;
          const [a, b] = [lum(rgb(getComputedStyle(e).color)), lum(background(e))];
          const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
          if (ratio < min.ratio) min = { ratio, text: e.textContent?.trim().slice(0, 40) ?? '' };
        }
      return min;
    });
    expect(worst.ratio, `lowest contrast: "${worst.text}"`).toBeGreaterThanOrEqual(4.5);
    await context.close();
  });

  it('asks for a person: an agent joins from Slack and answers in the widget, live', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    await open(page);
    await ask(page, '我要找人工客服');
    await expect.poll(() => log(page).textContent()).toContain('正在为您转接人工客服');
    const root = await slack.waitFor(
      'chat.postMessage',
      (a) => a.channel === SUPPORT_CHANNEL && !a.thread_ts,
    );
    const thread = slack.tsOf(root);
    const agents = slackSender(base);
    await agents.reply(thread, '您好，我是小王，请把*参考号*发给我');
    await expect.poll(() => log(page).textContent()).toContain('客服小王已加入对话');
    await expect.poll(() => log(page).locator('.msg.agent').textContent()).toContain('请把参考号发给我');
    expect(await log(page).locator('.msg.agent strong').textContent()).toBe('参考号');
    expect(await page.locator('.typing').isVisible()).toBe(false);
    await ask(page, '261120000001');
    await slack.waitFor(
      'chat.postMessage',
      (a) => a.thread_ts === thread && String(a.text).includes('261120000001'),
    );
    await page.screenshot({ path: shot('8-agent-in-widget') });
    await context.close();
  });

  it('merchant mode on the portal: no proof asked for its own transaction; a bad token falls back to guest', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    await page.goto(`${base}/demo/portal`);
    await page.getByRole('button', { name: '在线客服' }).click();
    await expect.poll(() => page.locator('.mode').isVisible()).toBe(true);
    const mine = t.app.acquirer.sandbox?.instance
      .fixtures()
      .find((f) => f.merchantNo === '822100058120041' && f.scenario === 'refund_processing_card');
    await ask(page, `查一下参考号 ${mine?.reference}`);
    await page.locator('section.card').waitFor();
    expect(await log(page).textContent()).not.toContain('付款卡号的后四位');
    await page.screenshot({ path: shot('7-merchant-mode') });

    await page.evaluate(() =>
      (window as unknown as { RefundAssistant?: { identify(t: string): void } }).RefundAssistant?.identify(
        'forged.token.value',
      ),
    );
    await ask(page, '你好');
    await expect.poll(() => log(page).textContent(), { timeout: 5000 }).toContain('商户登录信息已失效');
    await expect.poll(() => page.locator('.mode').isVisible()).toBe(false);
    await context.close();
  });
});
