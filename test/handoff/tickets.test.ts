import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import BetterSqlite from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../app/app.js';
import { createChannels } from '../../app/channels.js';
import { loadConfig } from '../../app/config.js';
import { createLogger } from '../../app/logger.js';
import { buildServer } from '../../app/server.js';
import { projectRoot } from '../../knowledge/index.js';
import { auditRecords, TEST_NOW } from '../support/app.js';
import { ChatUser } from '../support/transcript.js';

// No agent desk (no SLACK_SUPPORT_CHANNEL): asking for a person is leaving a message with how to be
// reached. The app logs at debug level into `logged`, so the test can look for the contact there.
const PHONE = '13812345678';
const EMAIL = 'wang.li@example.com';
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ra-tickets-'));
const logged: string[] = [];
let app: App;
let server: FastifyInstance;

beforeAll(async () => {
  const config = loadConfig({
    LOG_LEVEL: 'debug',
    SANDBOX_PORT: '0',
    RATE_LIMIT_PER_MINUTE: '0',
    CONVERSATION_RATE_PER_MINUTE: '0',
    DATA_DIR: dataDir,
  });
  const sink = new Writable({
    write(chunk, _enc, done) {
      logged.push(String(chunk));
      done();
    },
  });
  const logger = createLogger('debug', sink);
  app = await createApp(config, logger, { clock: () => TEST_NOW });
  server = await buildServer(app, { logger, channels: await createChannels(app) });
  await server.ready();
});
afterAll(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const run = promisify(execFile);
/** The real command, as `npm run --silent cli -- tickets …` runs it, on this app's data. */
async function cli(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'app/cli/main.ts', 'tickets', ...args], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH, DATA_DIR: dataDir },
  });
  return stdout;
}
const ticketIn = (said: string) => /TK-\d{8}-\d{4}/.exec(said)?.[0];

describe('a person, without an agent desk: leaving a message', () => {
  it('zh: offered a message, a bad number re-asked specifically, then a ticket number and the hotline', async () => {
    const user = new ChatUser(server);
    const asked = await user.says('转人工');
    expect(asked.said).toContain('现在没有人工客服在线');
    expect(asked.said).toContain('手机号或邮箱');
    expect(asked.said).toContain('95016');
    expect(asked.said).not.toContain('输入“转人工”');
    expect(asked.said).not.toContain('POS机背面'); // a consumer has no terminal to read it off

    const short = await user.says('1381234567');
    expect(short.said).toContain('这个号码是 10 位数字');
    const wrong = await user.says('23812345678');
    expect(wrong.said).toContain('手机号以 13 到 19 开头');
    expect(wrong.said).not.toBe(short.said);
    expect(wrong.said).toContain('说“算了”就不留言了'); // the last re-ask says what else there is

    const left = await user.says(`我的电话是 ${PHONE}，上周的退款还没到`);
    const number = ticketIn(left.said);
    expect(number).toMatch(/^TK-20261125-\d{4}$/);
    expect(left.said).toContain('138****5678');
    expect(left.said).toContain('95016');
    expect(left.said).not.toContain(PHONE);

    const ticket = await app.tickets.get(number ?? '');
    expect(ticket).toMatchObject({
      status: 'open',
      lang: 'zh',
      channel: 'api',
      contact: { kind: 'phone', value: PHONE },
      message: '上周的退款还没到',
      summary: { reason: 'asked for a person' },
    });
    const stored = JSON.stringify(await app.store.load(user.conversationId ?? ''));
    expect(stored).not.toContain(PHONE);
    expect(stored).toContain('138****5678');
    expect(stored).not.toContain('ticketDraft'); // written: the next message is the assistant's again
    const next = await user.says('退款要手续费吗');
    expect(next.articles).toEqual(['refund-policy']);
  });

  it('en: an e-mail address works, and is masked everywhere but the ticket', async () => {
    const user = new ChatUser(server, 'en');
    const asked = await user.says('I want to talk to a person');
    expect(asked.said).toContain('mobile number or an e-mail address');
    const bad = await user.says('wang@example');
    expect(bad.said).toContain('name@example.com');
    const left = await user.says(`my email is Wang.Li@Example.com, my refund never came`);
    const number = ticketIn(left.said);
    expect(left.said).toContain('w***@example.com');
    expect(left.said).toContain('95016');
    const ticket = await app.tickets.get(number ?? '');
    expect(ticket?.contact).toEqual({ kind: 'email', value: EMAIL });
    expect(ticket?.message).toBe('my refund never came');
    const stored = JSON.stringify(await app.store.load(user.conversationId ?? '')).toLowerCase();
    expect(stored).not.toContain(EMAIL);
  });

  it('cancel leaves it, and a question instead of a contact is answered, not trapped', async () => {
    const user = new ChatUser(server);
    await user.says('转人工');
    const cancelled = await user.says('算了');
    expect(cancelled.said).toContain('不留言了');
    expect(ticketIn((await user.says(PHONE)).said)).toBeUndefined();

    const other = new ChatUser(server);
    await other.says('转人工');
    const answered = await other.says('退款多久到账');
    expect(answered.said).not.toContain('手机号');
    expect(answered.said).not.toContain('工单号');
  });

  it('cli tickets list shows them newest first, contacts masked; show gives the contact', async () => {
    const list = JSON.parse(await cli('list', '--json')) as Array<{ number: string; contact: string }>;
    expect(list.length).toBeGreaterThanOrEqual(2);
    expect(list.map((t) => t.number)).toEqual([...list.map((t) => t.number)].sort().reverse());
    expect(list.map((t) => t.contact)).toEqual(expect.arrayContaining(['138****5678', 'w***@example.com']));
    expect(JSON.stringify(list)).not.toContain(PHONE);
    const phone = list.find((t) => t.contact === '138****5678')?.number ?? '';
    const shown = await cli('show', phone);
    expect(shown).toContain(PHONE);
    expect(shown).toContain(phone);
  });

  it('the contact in clear is in the ticket record and nowhere else: state file, log, audit', async () => {
    // the rows that hold it
    const db = new BetterSqlite(path.join(dataDir, 'state.sqlite'), { readonly: true });
    const rows = db
      .prepare('SELECT key, value FROM keyv WHERE value LIKE ? OR lower(value) LIKE ?')
      .all(`%${PHONE}%`, `%${EMAIL}%`);
    db.close();
    // tickets live in the database now: the conversation state holds no contact at all
    expect(rows).toEqual([]);
    // the bytes of the database (and its write-ahead log): every occurrence sits in a ticket record
    for (const file of ['refund-assistant.sqlite', 'refund-assistant.sqlite-wal'].map((f) =>
      path.join(dataDir, f),
    )) {
      if (!existsSync(file)) continue;
      const bytes = readFileSync(file).toString('latin1');
      const clear = Buffer.from(PHONE).toString('latin1');
      for (let i = bytes.indexOf(clear); i >= 0; i = bytes.indexOf(clear, i + 1))
        expect(bytes.slice(Math.max(0, i - 400), i)).toMatch(/"contact":\{"kind":"phone","value":"$/);
    }
    const log = logged.join('');
    expect(log).toContain('ticket left');
    expect(log).not.toContain(PHONE);
    expect(log.toLowerCase()).not.toContain(EMAIL);
    expect(JSON.stringify(await auditRecords(app))).not.toContain(PHONE);
  });
});
