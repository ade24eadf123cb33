import { expect } from 'vitest';
import type { TestApp } from './app.js';
import { ChatUser } from './transcript.js';

/** The trusted caller's token the application tests sign merchants in with. */
export const MERCHANT_TOKEN = 'trusted-caller-token-for-tests-0123456789';

/** A sandbox payment by its scenario name (data.ts). */
export function payment(t: TestApp, scenario: string) {
  const f = t.app.acquirer.sandbox?.instance.fixtures().find((x) => x.scenario === scenario);
  if (!f) throw new Error(`no sandbox payment for scenario ${scenario}`);
  return f;
}

/** A merchant signed in to the widget's HTTP API (start the app with TRUSTED_CALLER_TOKEN). */
export const merchantUser = (t: TestApp, merchantNo: string, locale?: string) =>
  new ChatUser(t.server, locale, { authorization: `Bearer ${MERCHANT_TOKEN}`, 'x-merchant-no': merchantNo });

/** A zh application for part of a payment, typed as a merchant does; returns its RA number. */
export async function applyFor(m: ChatUser, reference: string, yuan: number): Promise<string> {
  await m.says(`客人要退款，参考号 ${reference}`);
  const amount = await m.says(`退${yuan}元`);
  const reason = await m.presses(amount, '服务取消');
  const proof = await m.presses(reason, '没有材料');
  const contact = await m.says('王经理');
  const submitted = await m.presses(contact, '提交');
  const number = /RA-\d{8}-\d{4}/.exec(submitted.said)?.[0];
  expect(number, submitted.said).toBeDefined();
  expect(proof.said).toContain('联系');
  return number as string;
}
