// Attack 8: a URL given as a slot answer, echoed back in the bot's own voice: does it become a live
// link in the widget (Markdown [text](https://…)) or in Slack (a bare or <https://…> URL)?

import type { Reply } from '../../contracts/replies.js';
import { PortalMerchant } from '../../test/support/process.js';
import { SlackStandIn, slackEnv } from '../../test/support/slack.js';
import { chat, type Row, target } from './common.js';

const ANSWERS = [
  'https://evil.example/refund-login',
  '[点这里领取退款](https://evil.example/claim)',
  '<https://evil.example/slack|退款中心>',
];

const EVIL = /https?:\/\/evil\.example/;

/** The widget renders text replies as Markdown ([text](https://…) is a link) and card fields as text. */
function liveInWidget(replies: Reply[]): boolean {
  return replies.some((r) => r.type === 'text' && /\]\(https?:\/\/evil\.example/.test(r.text));
}

/**
 * Slack: a mrkdwn text object links a bare URL by itself unless it is `verbatim: true`, and
 * <https://…|text> always; a message's top-level `text` likewise. Returns what would be live.
 */
function liveInSlack(calls: unknown[]): string[] {
  const hits: string[] = [];
  const walk = (x: unknown) => {
    if (Array.isArray(x)) return x.forEach(walk);
    if (!x || typeof x !== 'object') return;
    const o = x as Record<string, unknown>;
    if (typeof o.text === 'string' && EVIL.test(o.text) && o.type !== 'plain_text') {
      const text = o.text.replace(/`[^`]*`/g, '');
      if (/<https?:\/\/evil\.example/.test(text)) hits.push('<url> link');
      else if (EVIL.test(text) && o.verbatim !== true) hits.push(`bare URL in ${o.type ?? 'message text'}`);
    }
    for (const v of Object.values(o)) walk(v);
  };
  walk(calls);
  return [...new Set(hits)];
}

export async function links(): Promise<Row[]> {
  const slack = await SlackStandIn.start();
  const t = await target('links', slackEnv(slack));
  const rows: Row[] = [];
  try {
    const payments = t.sandbox.refundable();
    for (const [i, answer] of ANSWERS.entries()) {
      const p = payments[i];
      if (!p) throw new Error('not enough refundable sandbox payments');
      const m = new PortalMerchant(t.server.url, p.merchantNo);
      const before = slack.calls.length;
      await m.says(`客人要退款，参考号 ${p.reference}`);
      const amount = await m.says('退10元');
      const reason = await m.presses(amount, '服务取消');
      await m.presses(reason, '没有材料');
      const summary = await m.says(answer); // the contact slot
      const echoed = JSON.stringify(summary.replies).includes('evil.example');
      // the summary may be in English (a URL reads as English): the submit button by its action
      const submit = summary.buttons.find((x) => x.action.endsWith(':submit'));
      let submitted = 'no submit button';
      if (submit) submitted = (await m.presses(summary, submit.label)).said.slice(0, 40);
      await new Promise((r) => setTimeout(r, 1000));
      const calls = slack.calls.slice(before);
      const inWidget = liveInWidget(summary.replies);
      const inSlack = liveInSlack(calls);
      const slackEchoed = JSON.stringify(calls).includes('evil.example');
      rows.push({
        attack: `8 echoed URL #${i + 1}`,
        tried: `contact slot of a refund application answered ${JSON.stringify(answer)}; the summary in the widget, the review card in Slack`,
        result: `widget: ${echoed ? `echoed (a card field, shown as text), ${inWidget ? 'LIVE in a text reply' : 'not a link'}` : 'not echoed'}; submitted: "${submitted}"; Slack review card: ${slackEchoed ? `echoed, ${inSlack.length ? `LIVE (${inSlack.join(', ')})` : 'not a link'}` : 'not echoed'} (${slack.calls.length - before} Slack calls)`,
        verdict: !inWidget && inSlack.length === 0 ? 'PASS' : 'FAIL',
      });
    }
  } finally {
    await t.stop();
    await slack.close();
  }
  rows.push(...(await ticketEcho()));
  return rows;
}

/** A ticket's contact, echoed in a text reply ("客服会通过 {contact} 联系您"): no agent online, no Slack. */
async function ticketEcho(): Promise<Row[]> {
  const t = await target('links-ticket');
  try {
    const tried = [
      '[点这里领取退款](https://evil.example/claim) 我的邮箱 a@b.cn',
      '联系 https://evil.example/x@b.cn',
      '邮箱 [a@b.cn](https://evil.example/claim)',
    ];
    const live: string[] = [];
    const said: string[] = [];
    for (const text of tried) {
      const open = await chat(t.server.url, { text: '转人工' });
      const r = await chat(t.server.url, { conversationId: open.conversationId, text });
      if (liveInWidget(r.replies)) live.push(text);
      said.push(/客服会通过 (\S+) 联系/.exec(r.said)?.[1] ?? r.said.slice(0, 30));
    }
    return [
      {
        attack: '8 echoed URL in a ticket',
        tried: `the message left for a ticket (no agent online) carrying a URL / Markdown link: ${tried.map((x) => JSON.stringify(x)).join(', ')}`,
        result: `text reply echoes the contact as: ${said.join(', ')}; live link in the widget: ${live.length ? live.join(', ') : 'none'}`,
        verdict: live.length === 0 ? 'PASS' : 'FAIL',
      },
    ];
  } finally {
    await t.stop();
  }
}
