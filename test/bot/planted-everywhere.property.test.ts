import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../app/app.js';
import { createChannels } from '../../app/channels.js';
import { loadConfig } from '../../app/config.js';
import { createLogger } from '../../app/logger.js';
import { buildServer } from '../../app/server.js';
import { maskSensitive } from '../../contracts/masking.js';
import type { ChatMessage } from '../../contracts/messages.js';
import { TEST_NOW } from '../support/app.js';
import { MERCHANT_TOKEN, merchantUser } from '../support/apply.js';
import { ChannelUser, ConnectorStandIn } from '../support/botframework.js';
import {
  foundIn,
  type Planted,
  plantedCard,
  plantedContact,
  plantedId,
  plantedNumber,
} from '../support/planted.js';
import { SlackStandIn, SUPPORT_CHANNEL, slackEnv, slackSender } from '../support/slack.js';
import { ChatUser } from '../support/transcript.js';
import { widgetSocket } from '../support/widget-socket.js';

// Generated card, ID and mobile numbers, planted through every way text enters (widget HTTP and
// WebSocket, a button's action, an upload's name, a hand-over to Slack and an agent's reply, a
// ticket's message, a Bot Framework activity, a refund application's reason and contact), then
// looked for everywhere they could end up: the state and business database files, the uploads and
// their metadata, every log line (at trace), every request to Slack, to the acquirer and to the Bot
// Framework connector, and what the user was shown. Found: none. The one exception by design
// (README "Tickets"): a ticket's contact field keeps the user's phone in clear, and only it.

const RUNS = 12;
const SEED = 20261203;

let slack: SlackStandIn;
let connector: ConnectorStandIn;
let app: App;
let server: Awaited<ReturnType<typeof buildServer>>;
let base: string;
let dataDir: string;
let now = TEST_NOW;
const logLines: string[] = [];
const acquirerRequests: string[] = [];
/** Everything any user was sent back: HTTP bodies, socket frames, connector posts are apart. */
const shown: string[] = [];

beforeAll(async () => {
  slack = await SlackStandIn.start();
  connector = await ConnectorStandIn.start();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'ra-planted-'));
  const config = loadConfig({
    LOG_LEVEL: 'trace',
    SANDBOX_PORT: '0',
    RATE_LIMIT_PER_MINUTE: '0',
    UPLOAD_RATE_PER_MINUTE: '0',
    CONVERSATION_RATE_PER_MINUTE: '0',
    BOTFRAMEWORK_ANONYMOUS: 'true',
    TRUSTED_CALLER_TOKEN: MERCHANT_TOKEN,
    HANDOFF_CLAIM_TIMEOUT_MINUTES: '5',
    ...slackEnv(slack),
    DATA_DIR: dataDir,
  });
  const sink = new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  const logger = createLogger('trace', sink);
  app = await createApp(config, logger, { clock: () => now });
  // every request the acquirer (the embedded sandbox) receives
  const sandbox = app.acquirer.sandbox?.instance as unknown as Record<string, (r: unknown) => object>;
  for (const name of ['tradeQuery', 'refundQuery', 'idmRefundQuery', 'refund']) {
    const handle = sandbox[name]?.bind(sandbox);
    if (handle)
      sandbox[name] = (r: unknown) => {
        acquirerRequests.push(JSON.stringify(r));
        return handle(r);
      };
  }
  const channels = await createChannels(app);
  server = await buildServer(app, { logger, channels });
  base = await server.listen({ port: 0, host: '127.0.0.1' });
}, 60_000);
afterAll(async () => {
  await server?.close();
  await slack?.close();
  await connector?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const said = (m: ChatMessage) => m.text ?? m.replies?.map((r) => JSON.stringify(r)).join(' ') ?? '';
const wsUrl = () => `${base.replace('http', 'ws')}/api/ws`;

async function socketUser() {
  const s = await widgetSocket(wsUrl());
  s.send({ type: 'hello' });
  await s.until((f) => f.type === 'welcome');
  let n = 0;
  return Object.assign(s, {
    say: (text: string) => s.send({ type: 'message', clientId: `m${++n}`, text }),
    press: (action: string) => s.send({ type: 'message', clientId: `m${++n}`, action }),
    conversation: async () => (await s.until((f) => f.type === 'ack')).conversationId as string,
    seen: () => JSON.stringify(s.frames),
  });
}

async function threadOf(conversationId: string): Promise<string> {
  const root = await slack.waitFor(
    'chat.postMessage',
    (a) => a.channel === SUPPORT_CHANNEL && !a.thread_ts && JSON.stringify(a.blocks).includes(conversationId),
  );
  const ts = slack.tsOf(root);
  // and the conversation knows its thread (saved once the desk answered)
  await expect.poll(async () => (await app.store.load(conversationId))?.handoff?.ticket?.thread).toBe(ts);
  return ts;
}

const multipart = (name: string) => {
  const boundary = 'pLaNtEd';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
  return {
    payload: Buffer.concat([Buffer.from(head), pdf, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
};

/** Paid card payments nobody refunded yet, one per application. */
function payments() {
  const trades = app.acquirer.sandbox?.instance.trades ?? [];
  const since = TEST_NOW.getTime() - 20 * 86_400_000;
  return trades.filter(
    (t) =>
      !t.scenario &&
      t.outcome === 'SUCCESS' &&
      t.refunds.length === 0 &&
      t.amountFen >= 2000 &&
      t.tradeTime.getTime() > since &&
      t.tradeTime.getTime() < TEST_NOW.getTime() - 86_400_000,
  );
}

/** One number through every entry; `contact` is the phone the user leaves for a ticket and an application. */
async function plant(p: Planted, contact: Planted, run: number): Promise<void> {
  const w = p.written;
  // widget over HTTP: a message, a free-text answer in a tree, a button's action
  const http = new ChatUser(server);
  shown.push((await http.says(`我的卡${w}退款还没到`)).said);
  shown.push((await http.says(`退款时提示卡号${w}不能退`)).said);
  shown.push(JSON.stringify((await new ChatUser(server).send({ action: `intent:${w}` })).replies));
  // an upload named after the number
  const up = await server.inject({ method: 'POST', url: '/api/upload', ...multipart(`小票${w}.pdf`) });
  expect(up.statusCode).toBe(200);
  shown.push(up.body);

  // the widget's WebSocket, a hand-over: the number in the opening message and later, an agent's reply
  const u = await socketUser();
  u.say(`转人工，我的号码是${w}`);
  const id = await u.conversation();
  // the user's own message comes back to them masked
  await u.message((m) => m.from === 'user' && m.text === maskSensitive(`转人工，我的号码是${w}`));
  const thread = await threadOf(id);
  u.say(`再说一遍：${w}`);
  await slack.waitFor(
    'chat.postMessage',
    (a) => a.thread_ts === thread && String(a.text).includes('再说一遍'),
  );
  const agents = slackSender(base);
  await agents.reply(thread, `收到，您说的号码是 ${w}，我查一下`);
  await u.message((m) => m.from === 'agent' && said(m).includes('我查一下'));
  shown.push(u.seen());
  u.close();

  // nobody claims another hand-over: the user leaves a message for a ticket, a phone as contact
  const v = await socketUser();
  v.say(`转人工，号码${w}`);
  const vid = await v.conversation();
  await threadOf(vid);
  now = new Date(now.getTime() + 6 * 60_000);
  await app.handoffs.sweep();
  await v.message((m) => said(m).includes('现在没有客服能马上接入'));
  v.press('handoff:message');
  await v.message((m) => said(m).includes('手机号或邮箱'));
  v.say(`${contact.written}，另外号码${w}`);
  const ticket = /TK-\d{8}-\d{4}/.exec(said(await v.message((m) => /TK-\d{8}-\d{4}/.test(said(m)))))?.[0];
  // the ticket alone keeps the contact in clear (README "Tickets"); the user sees it masked
  expect((await app.tickets.get(ticket ?? ''))?.contact.value).toBe(contact.digits);
  expect(v.seen()).toContain(`${contact.digits.slice(0, 3)}****${contact.digits.slice(-4)}`);
  shown.push(v.seen());
  v.close();

  // a Bot Framework activity
  const bf = new ChannelUser(base, { connector });
  shown.push(JSON.stringify((await bf.say(`卡号${w}的退款查一下`)).replies));

  // a refund application: the reason in the merchant's words, a phone to reach them
  const paid = payments()[run];
  if (!paid) throw new Error('not enough payments to apply for');
  const m = merchantUser({ app, server } as never, paid.merchantNo);
  const steps = [await m.says(`客人要退款，参考号 ${paid.reference}`), await m.says('退10元')];
  steps.push(await m.presses(steps[1] as never, '其他原因'));
  steps.push(await m.says(`顾客说卡${w}被扣了两次`));
  steps.push(await m.presses(steps[3] as never, '没有材料'));
  steps.push(await m.says(`联系${contact.written}`));
  steps.push(await m.presses(steps[5] as never, '提交'));
  const submitted = steps[6]?.said ?? '';
  expect(submitted, steps.map((s) => s.said).join('\n---\n')).toMatch(/RA-\d{8}-\d{4}/);
  shown.push(...steps.map((s) => s.said));
}

/** Every file under `dir`, as text. */
function files(dir: string, skip: (f: string) => boolean = () => false): Array<[string, string]> {
  return readdirSync(dir).flatMap((name): Array<[string, string]> => {
    const f = path.join(dir, name);
    if (statSync(f).isDirectory()) return files(f, skip);
    return skip(f) ? [] : [[f, readFileSync(f).toString('utf8')]];
  });
}

/** The business database's rows, the tickets' contact column left out. */
function businessRows(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db.prepare("select name from sqlite_master where type = 'table'").all() as Array<{
      name: string;
    }>;
    return tables
      .map(({ name }) => {
        const rows = db.prepare(`select * from "${name}"`).all() as Array<Record<string, unknown>>;
        return JSON.stringify(
          rows.map((r) =>
            name === 'tickets'
              ? { ...r, record: { ...JSON.parse(String(r.record)), contact: undefined } }
              : r,
          ),
        );
      })
      .join('\n');
  } finally {
    db.close();
  }
}

describe('numbers planted through every entry are found nowhere', () => {
  it('stores, uploads, logs, Slack, the acquirer, Bot Framework and the user see them masked', async () => {
    const started = Date.now();
    const planted = fc.sample(plantedNumber, { numRuns: RUNS, seed: SEED });
    // the three kinds, whatever the sample drew
    planted.push(
      ...fc.sample(plantedCard(), { numRuns: 2, seed: SEED }),
      ...fc.sample(plantedId, { numRuns: 2, seed: SEED }),
    );
    const contacts = fc.sample(plantedContact, { numRuns: planted.length, seed: SEED + 1 });
    for (const [i, p] of planted.entries()) await plant(p, contacts[i] as Planted, i);
    await new Promise((r) => setTimeout(r, 200));

    const all = [...planted, ...contacts];
    const business = (f: string) => path.basename(f).startsWith('refund-assistant.sqlite');
    const places: Record<string, string> = {
      logs: logLines.join(''),
      'Slack requests': JSON.stringify([slack.calls, slack.responses]),
      'acquirer requests': acquirerRequests.join('\n'),
      'Bot Framework connector': JSON.stringify(connector.posted),
      'shown to the user': shown.join('\n'),
    };
    // every file in DATA_DIR: the state store, the uploads and their metadata (name and all)
    for (const [f, text] of files(dataDir, business)) places[path.relative(dataDir, f)] = `${f}\n${text}`;
    const found: Record<string, string[]> = {};
    const note = (where: string, hits: Planted[]) => {
      if (hits.length) found[where] = hits.map((h) => `${h.kind} ${h.written}`);
    };
    for (const [where, text] of Object.entries(places)) note(where, foundIn(all, text));
    // the business database: its raw bytes hold no planted number; its rows, but for the tickets'
    // contact, hold no contact either
    for (const [f, text] of files(dataDir, (f) => !business(f))) {
      const rows = f.endsWith('.sqlite') ? businessRows(f) : '';
      note(path.relative(dataDir, f), [...foundIn(planted, text), ...foundIn(contacts, rows)]);
    }
    console.log(
      `planted ${all.length} numbers (${planted.length} through ${RUNS + 4} × 9 entries, ${contacts.length} contacts) in ${Date.now() - started} ms; found ${Object.values(found).flat().length}`,
    );
    expect(found).toEqual({});
  }, 120_000);
});
