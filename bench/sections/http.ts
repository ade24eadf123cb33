import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { startAssistant, startChild } from '../processes.js';
import { messages } from '../shared.js';

async function load(url: string, bodies: string[], seconds: number): Promise<autocannon.Result> {
  let i = 0;
  return autocannon({
    url,
    method: 'POST',
    connections: 32,
    pipelining: 1,
    duration: seconds,
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (req) => {
          i = (i + 1) % bodies.length;
          return { ...req, body: bodies[i] };
        },
      },
    ],
  });
}

/** Throughput of POST /api/chat under autocannon, beside a bare fastify echo route. */
export async function httpSection(): Promise<void> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 10);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ra-bench-'));
  const assistant = await startAssistant(dataDir, 39_100);
  const echo = await startChild(['--import', 'tsx', 'bench/echo-server.ts'], { PORT: '39101' }, (line) =>
    line.includes('"ready"') ? 'http://127.0.0.1:39101' : undefined,
  );
  // A new conversation per request, with a different message each time: no cache helps.
  const bodies = messages.map((text) => JSON.stringify({ text }));
  console.log(
    `\nHTTP on this machine (${os.cpus().length} cores), autocannon, 32 connections, ${seconds} s each, ${bodies.length} different messages`,
  );
  await load(`${echo.url}/echo`, bodies, 2); // warm-up
  await load(`${assistant.url}/api/chat`, bodies, 2);
  const bare = await load(`${echo.url}/echo`, bodies, seconds);
  const ours = await load(`${assistant.url}/api/chat`, bodies, seconds);
  const row = (name: string, r: autocannon.Result) =>
    console.log(
      `  ${name.padEnd(34)} ${r.requests.average.toFixed(0).padStart(7)} req/s   latency p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms   errors ${r.errors + r.non2xx}`,
    );
  row('bare fastify JSON echo', bare);
  row('POST /api/chat (new conversation)', ours);
  console.log(
    `  /api/chat as a share of the bare route: ${((100 * ours.requests.average) / bare.requests.average).toFixed(0)}%`,
  );
  for (const c of [assistant, echo]) {
    c.proc.kill('SIGTERM');
    await new Promise((r) => c.proc.once('exit', r));
  }
  rmSync(dataDir, { recursive: true, force: true });
}
