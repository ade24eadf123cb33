import { describe, expect, it } from 'vitest';
import { auditRecords, startTestApp, type TestApp } from '../support/app.js';
import { MERCHANT_TOKEN, merchantUser, payment } from '../support/apply.js';
import type { ChatUser, Turn } from '../support/transcript.js';

// What a merchant really types into an application: an amount where "all or part?" is asked,
// nonsense amounts, a file that is no proof, someone else's payment, and a new amount after
// submitting. Each gets a clear answer, and nothing wrong is submitted.

async function withApp(run: (t: TestApp) => Promise<void>) {
  const t = await startTestApp({ TRUSTED_CALLER_TOKEN: MERCHANT_TOKEN });
  try {
    await run(t);
  } finally {
    await t.close();
  }
}

const fixture = payment;
const merchant = merchantUser;

async function upload(t: TestApp, m: ChatUser, name: string, bytes: Buffer) {
  const boundary = 'b0undary';
  const fields = { conversationId: m.conversationId ?? '', locale: 'zh' };
  const parts = Object.entries(fields).map(
    ([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
  );
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  return t.server.inject({
    method: 'POST',
    url: '/api/upload',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([
      Buffer.from(parts.join('') + head),
      bytes,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  });
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

/** Up to the amount question's answer, as a merchant types it. */
async function toPortion(_t: TestApp, m: ChatUser, reference: string, opening = '客人要退款'): Promise<Turn> {
  const first = await m.says(`${opening}，参考号 ${reference}`);
  expect(first.said).toMatch(/全部退|All of it/);
  return first;
}

describe('a merchant typing into a refund application', { timeout: 60_000 }, () => {
  it('zh: "退10元" where "all or part?" is asked is part of it, ¥10.00, and the next question comes', async () => {
    await withApp(async (t) => {
      const paid = fixture(t, 'paid_not_refunded');
      const m = merchant(t, paid.merchantNo);
      await toPortion(t, m, paid.reference);
      const amount = await m.says('退10元');
      expect(amount.said).toContain('退款原因');
      const reason = await m.presses(amount, '服务取消');
      const _proof = await m.presses(reason, '没有材料');
      const summary = await m.says('王经理');
      expect(summary.said).toContain('¥10.00');
    });
  });

  it('en: a bare "25" at "all or part?" is 25 yuan, and the reason is asked next', async () => {
    await withApp(async (t) => {
      const paid = fixture(t, 'paid_not_refunded');
      const m = merchant(t, paid.merchantNo, 'en');
      await m.says(`I need to refund a customer, reference ${paid.reference}`);
      const amount = await m.says('25');
      expect(amount.said).toContain('Why is it being refunded');
    });
  });

  it('zero, a negative amount and words that are no amount are asked again, politely, and nothing is submitted', async () => {
    await withApp(async (t) => {
      const paid = fixture(t, 'paid_not_refunded');
      const m = merchant(t, paid.merchantNo);
      const first = await toPortion(t, m, paid.reference);
      await m.presses(first, '退一部分');
      const zero = await m.says('0');
      expect(zero.said).toContain('大于 0');
      const negative = await m.says('-5');
      expect(negative.said).toMatch(/金额|多少/);
      expect(negative.said).not.toContain('退款原因');
      const words = await m.says('随便');
      expect(words.said).toMatch(/金额|多少/);
      expect(words.status).toBe(200);
      expect(await t.app.applications.store.list({})).toHaveLength(0);
    });
  });

  it('a file that is no picture or PDF is refused with a reason; a PDF is counted in the summary', async () => {
    await withApp(async (t) => {
      const paid = fixture(t, 'paid_not_refunded');
      const m = merchant(t, paid.merchantNo);
      const first = await toPortion(t, m, paid.reference);
      const part = await m.presses(first, '退一部分');
      const amount = await m.says('10');
      const reason = await m.presses(amount, '服务取消');
      expect(reason.said).toContain('证明材料');
      const exe = await upload(t, m, 'invoice.exe', Buffer.from('MZ\x90\x00 not a document at all'));
      expect(exe.statusCode).toBe(415);
      expect(exe.json().error.message).toContain('只能上传');
      const pdf = await upload(t, m, '发票.pdf', PDF);
      expect(pdf.statusCode).toBe(200);
      const done = await m.says('传好了');
      expect(done.said).toContain('联系');
      const summary = await m.says('王经理');
      expect(summary.said).toContain('材料 1 份');
      expect(part.status).toBe(200);
    });
  });

  it("another merchant's payment is 'not found', reveals nothing of it, and is audited", async () => {
    await withApp(async (t) => {
      const paid = fixture(t, 'paid_not_refunded');
      const stranger = merchant(t, '822999999999999');
      const turn = await stranger.says(`申请退款，参考号 ${paid.reference}`);
      expect(turn.said).toContain('没有找到您商户下的这笔交易');
      expect(turn.said).not.toMatch(/¥\d/);
      expect(await t.app.applications.store.list({})).toHaveLength(0);
      const audited = await auditRecords(t.app, 'applications');
      expect(JSON.stringify(audited)).toContain('822999999999999');
    });
  });

  it('a new amount after submitting is a new version; the reviewers see both; once decided it cannot change', async () => {
    await withApp(async (t) => {
      const paid = fixture(t, 'paid_not_refunded');
      const m = merchant(t, paid.merchantNo);
      const first = await toPortion(t, m, paid.reference);
      const part = await m.presses(first, '退一部分');
      const amount = await m.says('10');
      const reason = await m.presses(amount, '服务取消');
      const proof = await m.presses(reason, '没有材料');
      const contact = await m.says('王经理');
      const submitted = await m.presses(contact, '提交');
      const number = /RA-\d{8}-\d{4}/.exec(submitted.said)?.[0] as string;
      expect(number).toBeDefined();
      expect(part.status + proof.status).toBe(400);

      const amended = await m.says('申请金额改成8元');
      expect(amended.said).toContain(number);
      expect(amended.said).toContain('¥8.00');
      expect(amended.said).toContain('¥10.00');
      const view = await t.app.applications.view(number);
      expect(view?.application).toMatchObject({ amountFen: 800, version: 2 });
      expect(view?.previous).toEqual({ version: 1, amountFen: 1000 });

      const tooMuch = await m.says(`${number} 金额改成 ${paid.amountFen} 元`);
      expect(tooMuch.said).toContain('最多还能退');

      await t.app.applications.approve(number, { id: 'ops-li', channel: 'cli' });
      const late = await m.says('金额改成5元');
      expect(late.said).toMatch(/没有可以修改|不能再改/);
      expect((await t.app.applications.store.get(number))?.amountFen).toBe(800);
    });
  });
});
