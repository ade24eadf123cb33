// What every attack shares: a real server process (test/support/process.ts) against a sandbox
// acquirer outside it, a result row, and a bounded request loop. Loopback only.
import { mkdtempSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Reply } from '../../contracts/replies.js';
import {
  type RunningSandbox,
  type ServerProcess,
  startSandbox,
  startServer,
} from '../../test/support/process.js';
import { type Turn, turnOf } from '../../test/support/transcript.js';

export interface Row {
  attack: string;
  tried: string;
  result: string;
  verdict: 'PASS' | 'FAIL' | 'INFO' | 'NOT RUN';
}

/**
 * An HTTP hop between the assistant and the sandbox acquirer: counts the calls that reach the
 * acquirer (each is a guess really checked), and can hold each one `delayMs` (a slow acquirer).
 */
export class AcquirerHop {
  calls = 0;
  delayMs = 0;
  private constructor(
    private readonly server: ReturnType<typeof createServer>,
    readonly url: string,
  ) {}

  static async start(upstream: string): Promise<AcquirerHop> {
    const to = new URL(upstream);
    let self: AcquirerHop | undefined;
    const server = createServer((req, res) => {
      const hop = self as AcquirerHop;
      hop.calls++;
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const forward = () => {
          if (res.destroyed) return; // the assistant gave up waiting: nothing goes on to the acquirer
          const out = request(
            {
              host: to.hostname,
              port: to.port,
              path: req.url,
              method: req.method,
              headers: { ...req.headers, connection: 'close' },
              agent: false, // no idle connection left to the sandbox: it can close
            },
            (up) => {
              res.writeHead(up.statusCode ?? 502, up.headers);
              up.pipe(res);
            },
          );
          out.on('error', () => res.destroy());
          out.end(Buffer.concat(chunks));
        };
        if (hop.delayMs > 0) setTimeout(forward, hop.delayMs);
        else forward();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    self = new AcquirerHop(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return self;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

export interface Target {
  server: ServerProcess;
  sandbox: RunningSandbox;
  hop: AcquirerHop;
  dataDir: string;
  stop(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
}

export const tmp = (label: string) => mkdtempSync(path.join(os.tmpdir(), `ra-attack-${label}-`));

/** The assistant from source (app/main.ts), its own DATA_DIR, a sandbox acquirer in this process. */
export async function target(
  label: string,
  env: Record<string, string> = {},
  sandbox?: RunningSandbox,
): Promise<Target> {
  const dataDir = tmp(label);
  const sb = sandbox ?? (await startSandbox(path.join(dataDir, 'sandbox')));
  const hop = await AcquirerHop.start(sb.env.LAKALA_BASE_URL as string);
  const server = await startServer({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    ...sb.env,
    LAKALA_BASE_URL: hop.url,
    ...env,
  });
  return {
    server,
    sandbox: sb,
    hop,
    dataDir,
    async stop(signal = 'SIGTERM') {
      await server.stop(signal);
      await hop.close();
      if (!sandbox) await sb.close();
    },
  };
}

/** A sandbox payment a consumer can prove: a settled card payment with its last four. */
export function cardPayment(sb: RunningSandbox) {
  const t = sb.refundable().find((x) => x.cardLast4);
  if (!t) throw new Error('no card payment in the sandbox');
  return t;
}

export interface ChatResult extends Turn {
  conversationId?: string;
  code?: string;
  ms: number;
}

/** POST /api/chat without the test-runner's expectations (an attack wants every status). */
export async function chat(
  url: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<ChatResult> {
  const t0 = performance.now();
  const res = await fetch(`${url}/api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const ms = performance.now() - t0;
  let json: { conversationId?: string; replies?: Reply[]; error?: { code: string; message?: string } } = {};
  try {
    json = JSON.parse(text);
  } catch {}
  const turn = turnOf(json.replies ?? [], res.status);
  return {
    ...turn,
    said: turn.said || (json.error?.message ?? ''),
    ...(json.conversationId && { conversationId: json.conversationId }),
    ...(json.error && { code: json.error.code }),
    ms,
  };
}

export const randomIp = () =>
  `${1 + Math.floor(Math.random() * 222)}.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`;

/** Runs `step` up to `count` times or until `ms` passed or it returns true (stop); how many ran. */
export async function bounded(count: number, ms: number, step: (i: number) => Promise<boolean | undefined>) {
  const deadline = Date.now() + ms;
  let i = 0;
  for (; i < count && Date.now() < deadline; i++) if (await step(i)) return i + 1;
  return i;
}

export const errorLines = (lines: string[]) => lines.filter((l) => /"level":(50|60)/.test(l));

/** The look-up audit records in the SQLite business database of DATA_DIR. */
export async function auditRecords(dataDir: string): Promise<Array<Record<string, unknown>>> {
  const { default: Sqlite } = await import('better-sqlite3');
  const db = new Sqlite(path.join(dataDir, 'refund-assistant.sqlite'), { readonly: true });
  const rows = db.prepare("select record from audit where kind = 'lookups'").all() as Array<{
    record: string;
  }>;
  db.close();
  return rows.map((r) => JSON.parse(r.record) as Record<string, unknown>);
}

export const LOCKED = /暂停查询|paused/;
export const STATUS = /交易与退款状态|Payment and refund status/;
export const DENIED = /没有查到与这个参考号|did not match any/;
