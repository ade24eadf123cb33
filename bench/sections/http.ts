import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { type Child, cpuMs, rssMb, startAssistant, startChild } from '../processes.js';
import { messages } from '../shared.js';

async function load(
  url: string,
  bodies: string[],
  seconds: number,
  connections = 32,
  /** A body for this connection's next request (`context` is the connection's own). */
  next?: (context: Record<string, unknown>) => string,
): Promise<autocannon.Result> {
  let i = 0;
  return autocannon({
    url,
    method: 'POST',
    connections,
    pipelining: 1,
    duration: seconds,
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (req, context) => {
          if (next) return { ...req, body: next(context as Record<string, unknown>) };
          i = (i + 1) % bodies.length;
          return { ...req, body: bodies[i] };
        },
      },
    ],
  });
}

/** CONVERSATIONS conversations started (one message each): their ids, for the continuing load. */
async function startConversations(base: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let at = 0; at < count; at += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, count - at) }, async (_, j) => {
        const r = await fetch(`${base}/api/chat`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text: messages[(at + j) % messages.length] }),
        });
        if (!r.ok) throw new Error(`POST /api/chat: ${r.status}`);
        return ((await r.json()) as { conversationId: string }).conversationId;
      }),
    );
    ids.push(...batch);
  }
  return ids;
}

/** How many conversations continue at once in the continuing row (one autocannon connection each). */
const CONVERSATIONS = 200;

/**
 * Throughput of POST /api/chat under autocannon, beside a bare fastify echo route: new
 * conversations (32 connections), and CONVERSATIONS conversations continuing at once (one connection
 * each, every request the next message of its own conversation: load state, turn, save, under the
 * conversation's lock). BENCH_CHAT_URL: load a server already running there (one started under
 * `node --cpu-prof`, say) instead of starting one.
 */
export async function httpSection(): Promise<void> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 10);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ra-bench-'));
  const external = process.env.BENCH_CHAT_URL?.replace(/\/+$/, '');
  const assistant: Child | undefined = external ? undefined : await startAssistant(dataDir, 39_100);
  const base = external ?? (assistant as Child).url;
  const echo = await startChild(['--import', 'tsx', 'bench/echo-server.ts'], { PORT: '39101' }, (line) =>
    line.includes('"ready"') ? 'http://127.0.0.1:39101' : undefined,
  );
  // A new conversation per request, with a different message each time: no cache helps.
  const bodies = messages.map((text) => JSON.stringify({ text }));
  console.log(
    `\nHTTP on this machine (${os.cpus().length} cores), autocannon, ${seconds} s each, ${bodies.length} different messages${external ? `, against ${external}` : ''}`,
  );
  await load(`${echo.url}/echo`, bodies, 2); // warm-up
  await load(`${base}/api/chat`, bodies, 2);
  const bare = await load(`${echo.url}/echo`, bodies, seconds);
  const ours = await load(`${base}/api/chat`, bodies, seconds);
  const ids = await startConversations(base, CONVERSATIONS);
  let nextId = 0;
  let nextText = 0;
  const continuing = (context: Record<string, unknown>) => {
    context.id ??= ids[nextId++ % ids.length];
    nextText = (nextText + 1) % messages.length;
    return JSON.stringify({ conversationId: context.id, text: messages[nextText] });
  };
  const bareWide = await load(`${echo.url}/echo`, bodies, seconds, CONVERSATIONS);
  const pid = assistant?.proc.pid;
  const cpuBefore = pid ? cpuMs(pid) : 0;
  const going = await load(`${base}/api/chat`, bodies, seconds, CONVERSATIONS, continuing);
  // the server's own CPU per turn: steadier than req/s on a machine where other work runs
  const cpuPerTurn = pid ? ((cpuMs(pid) - cpuBefore) * 1000) / going.requests.total : undefined;
  const row = (name: string, r: autocannon.Result) =>
    console.log(
      `  ${name.padEnd(46)} ${r.requests.average.toFixed(0).padStart(7)} req/s   latency p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms   errors ${r.errors} (timeouts ${r.timeouts}), non-2xx ${r.non2xx}`,
    );
  const share = (a: autocannon.Result, b: autocannon.Result) =>
    `${((100 * a.requests.average) / b.requests.average).toFixed(0)}%`;
  row('bare fastify JSON echo, 32 connections', bare);
  row('POST /api/chat (new conversation), 32', ours);
  row(`bare fastify JSON echo, ${CONVERSATIONS} connections`, bareWide);
  row(`POST /api/chat, ${CONVERSATIONS} conversations continuing`, going);
  console.log(
    `  /api/chat as a share of the bare route: new ${share(ours, bare)}, continuing ${share(going, bareWide)}`,
  );
  if (pid && cpuPerTurn !== undefined)
    console.log(
      `  the server's CPU per continuing turn ${cpuPerTurn.toFixed(0)} µs; resident memory after ${rssMb(pid).toFixed(0)} MB`,
    );
  for (const c of [assistant, echo]) {
    if (!c) continue;
    c.proc.kill('SIGTERM');
    await new Promise((r) => c.proc.once('exit', r));
  }
  rmSync(dataDir, { recursive: true, force: true });
}
