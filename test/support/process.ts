import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { expect } from 'vitest';
import type { ChatMessage } from '../../contracts/messages.js';
import type { Reply } from '../../contracts/replies.js';
import {
  SANDBOX_APP_ID,
  Sandbox,
  type SandboxTrade,
  sandboxKeys,
} from '../../integrations/connectors/sandbox/index.js';
import { projectRoot } from '../../knowledge/index.js';
import { freshPgDatabase } from './postgres.js';
import { buttonFor, flatten, type Turn as TranscriptTurn, turnOf } from './transcript.js';

// Helpers for tests that run the assistant as separate Node processes, as it runs in production:
// servers (`app/main.ts`) and operator CLI commands (`app/cli/main.ts`), from source via tsx.

/** The trusted caller's token spawned servers accept merchants from. */
export const TRUSTED_TOKEN = 'trusted-caller-token-for-process-tests-0123';

/** Waits for `probe` to give a value, looking every `everyMs`; fails naming `what` after `ms`. */
export async function eventually<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  { ms = 60_000, everyMs = 200 }: { ms?: number; everyMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

function run(script: string, args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Everything it wrote, stdout and stderr, line by line (its log). */
  lines: string[];
  exited: Promise<number | null>;
  /** SIGKILL (kill -9: no shutdown hook runs) or SIGTERM; resolves when it is gone. */
  stop(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
}

// generous: on a busy 2-core machine a cold start (content, classifier, tsx) is slow
const READY_MS = 150_000;

/** A server as `npm start` runs it, on a loopback port; resolves once it logged that it is ready. */
export async function startServer(env: Record<string, string>): Promise<ServerProcess> {
  const child = run('app/main.ts', [], {
    HOST: '127.0.0.1',
    PORT: '0',
    RATE_LIMIT_PER_MINUTE: '0',
    CONVERSATION_RATE_PER_MINUTE: '0',
    TRUSTED_CALLER_TOKEN: TRUSTED_TOKEN,
    ...env,
  });
  const lines: string[] = [];
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const late = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server was not ready after ${READY_MS} ms:\n${lines.join('\n')}`));
    }, READY_MS);
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      lines.push(line);
      const url = /"msg":"refund-assistant ready"/.test(line) ? /"url":"([^"]+)"/.exec(line)?.[1] : undefined;
      if (!url) return;
      clearTimeout(late);
      resolve(url);
    });
    createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) => lines.push(line));
    void exited.then((code) => {
      clearTimeout(late);
      reject(new Error(`the server exited with ${code}:\n${lines.join('\n')}`));
    });
  });
  return {
    child,
    url,
    lines,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** One operator command, `npm run cli -- …` as a process of its own (killed if it hangs). */
export function cli(args: string[], env: Record<string, string>, ms = 180_000): Promise<CliResult> {
  const child = run('app/cli/main.ts', args, env);
  const hung = setTimeout(() => child.kill('SIGKILL'), ms);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(hung);
      resolve({ code, stdout, stderr });
    }),
  );
}

export type Turn = TranscriptTurn & { conversationId: string };

/** A merchant signed in to the portal, chatting with a spawned server over its HTTP API. */
export class PortalMerchant {
  conversationId: string | undefined;

  constructor(
    private readonly url: string,
    readonly merchantNo: string,
  ) {}

  /** The same conversation, through another instance's address (the state is shared). */
  via(url: string): PortalMerchant {
    const m = new PortalMerchant(url, this.merchantNo);
    m.conversationId = this.conversationId;
    return m;
  }

  says(text: string): Promise<Turn> {
    return this.send({ text });
  }

  presses(turn: Turn, label: string): Promise<Turn> {
    return this.send({ action: buttonFor(turn, label) });
  }

  /** Every message of the conversation as the widget shows it after a reload, one per line. */
  async history(): Promise<string> {
    const res = await fetch(`${this.url}/api/conversations/${this.conversationId}/messages`);
    const json = (await res.json()) as { messages: ChatMessage[] };
    expect(res.status, JSON.stringify(json)).toBe(200);
    return json.messages.map((m) => m.text ?? m.label ?? flatten(m.replies ?? [])).join('\n');
  }

  /** How often the conversation says `words` (a notice told twice counts two). */
  async toldTimes(words: string): Promise<number> {
    return (await this.history()).split(words).length - 1;
  }

  private async send(body: Record<string, unknown>): Promise<Turn> {
    const res = await fetch(`${this.url}/api/chat`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${TRUSTED_TOKEN}`,
        'x-merchant-no': this.merchantNo,
      },
      body: JSON.stringify({ conversationId: this.conversationId, ...body }),
    });
    const json = (await res.json()) as { conversationId: string; replies: Reply[] };
    expect(res.status, JSON.stringify(json)).toBe(200);
    this.conversationId = json.conversationId;
    return { ...turnOf(json.replies, res.status), conversationId: json.conversationId };
  }
}

/** A zh application for part of a payment, typed as a merchant does; returns its RA number. */
export async function applyFor(m: PortalMerchant, reference: string, yuan: number): Promise<string> {
  await m.says(`客人要退款，参考号 ${reference}`);
  const amount = await m.says(`退${yuan}元`);
  const reason = await m.presses(amount, '服务取消');
  const proof = await m.presses(reason, '没有材料');
  expect(proof.said).toContain('联系');
  const contact = await m.says('王经理');
  const submitted = await m.presses(contact, '提交');
  const number = /RA-\d{8}-\d{4}/.exec(submitted.said)?.[0];
  expect(number, submitted.said).toBeDefined();
  return number as string;
}

export interface RunningSandbox {
  sandbox: Sandbox;
  server: FastifyInstance;
  /** LAKALA_* variables that point an assistant process at this sandbox. */
  env: Record<string, string>;
  /** Settled card payments with nothing refunded yet, 3–25 days old: each can take one application. */
  refundable(): SandboxTrade[];
  close(): Promise<void>;
}

/**
 * The sandbox acquirer outside the assistant's processes (here, in the test process), so it
 * outlives a server that is killed; its key files are written under `dir`.
 */
export async function startSandbox(dir: string): Promise<RunningSandbox> {
  const keys = sandboxKeys(dir);
  const sandbox = new Sandbox({ keys, appId: SANDBOX_APP_ID });
  const server = await sandbox.server();
  const url = await server.listen({ port: 0, host: '127.0.0.1' });
  const day = 86_400_000;
  return {
    sandbox,
    server,
    env: {
      LAKALA_BASE_URL: url,
      LAKALA_APP_ID: SANDBOX_APP_ID,
      LAKALA_SERIAL_NO: keys.merchant.serialNo,
      LAKALA_PRIVATE_KEY_FILE: keys.merchantKeyFile,
      LAKALA_PLATFORM_CERT_FILE: keys.platformCertFile,
    },
    refundable: () =>
      sandbox.trades.filter(
        (t) =>
          !t.scenario &&
          t.outcome === 'SUCCESS' &&
          t.refunds.length === 0 &&
          (t.method === 'debit_card' || t.method === 'credit_card') &&
          t.amountFen >= 10_000 &&
          Date.now() - t.tradeTime.getTime() > 3 * day &&
          Date.now() - t.tradeTime.getTime() < 25 * day,
      ),
    close: () => server.close(),
  };
}

/** A fresh PostgreSQL database for one process test file, named ra_process_… (apart from other suites'). */
export const freshProcessDatabase = (label: string) => freshPgDatabase(`ra_process_${label}`);

export interface HeldLock {
  /** Until `n` sessions wait for this lock; fails at once if one of `commands` ends first. */
  waitForWaiters(n: number, commands: Promise<CliResult>[]): Promise<void>;
  /** Commits: every waiter goes on at the same instant. */
  release(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Takes a lock in a PostgreSQL transaction of its own (`lock`: the statement that takes it), so
 * that commands started meanwhile all wait at the same point and race when it is released.
 * `waits`: the wait events of those waiting (pg_stat_activity), e.g. row locks or a table lock.
 */
export async function holdLock(
  url: string,
  lock: { sql: string; params?: unknown[]; waits: readonly string[] },
): Promise<HeldLock> {
  const gate = new pg.Client({ connectionString: url });
  // pg_stat_activity is a snapshot per transaction: it is watched from outside the gate's
  const watch = new pg.Client({ connectionString: url });
  await Promise.all([gate.connect(), watch.connect()]);
  await gate.query('BEGIN');
  await gate.query(lock.sql, lock.params);
  return {
    async waitForWaiters(n, commands) {
      const ended: CliResult[] = [];
      for (const c of commands) void c.then((r) => ended.push(r));
      await eventually(
        `${n} sessions waiting at ${lock.sql}`,
        async () => {
          if (ended[0])
            throw new Error(`a command ended before the lock was let go: ${JSON.stringify(ended[0])}`);
          const { rows } = await watch.query<{ n: string }>(
            `SELECT count(*) AS n FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = ANY($1)`,
            [lock.waits],
          );
          return Number(rows[0]?.n) >= n ? true : undefined;
        },
        { ms: 150_000 },
      );
    },
    release: () => gate.query('COMMIT').then(() => undefined),
    close: () => Promise.all([gate.end(), watch.end()]).then(() => undefined),
  };
}

/** The rows of these applications, locked: decisions on them wait (row lock waits). */
export const applicationRows = (numbers: string[]) => ({
  sql: 'SELECT number FROM applications WHERE number = ANY($1) FOR UPDATE',
  params: [numbers],
  waits: ['transactionid', 'tuple'],
});

/** The audit table, locked against writes (reads go on): whoever audits next waits. */
export const auditWrites = {
  sql: 'LOCK TABLE audit IN EXCLUSIVE MODE',
  waits: ['relation'],
};
