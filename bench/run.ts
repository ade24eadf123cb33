// `npm run bench`: performance figures, printed. Not a test: nothing here asserts a time.
//   npm run bench                 all sections
//   npm run bench -- understand   one of: understand, channels, ws, handoff, lookups, flows, startup, http
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { createApp } from '../app/app.js';
import { loadConfig } from '../app/config.js';
import { createLogger } from '../app/logger.js';
import { projectRoot } from '../knowledge/index.js';

const sections = process.argv.slice(2);
const want = (name: string) => sections.length === 0 || sections.includes(name);

const messages: string[] = readFileSync(path.join(projectRoot, 'test', 'eval', 'intents.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => (JSON.parse(l) as { text: string }).text);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}
const fmt = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`);

async function understandSection(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ra-bench-'));
  const app = await createApp(loadConfig({ DATA_DIR: dataDir }), createLogger('silent'));
  const { assistant } = app;
  const timeEach = (fn: (m: string) => unknown, rounds: number): number[] => {
    for (const m of messages) fn(m); // warm up the JIT
    const times: number[] = [];
    for (let round = 0; round < rounds; round++) {
      for (const m of messages) {
        const t0 = performance.now();
        fn(m);
        times.push(performance.now() - t0);
      }
    }
    return times.sort((a, b) => a - b);
  };
  const respond = timeEach((m) => assistant.respond(m, 'zh'), 5);
  const withSearch = timeEach((m) => assistant.understand(m), 3);
  const turns: number[] = [];
  for (const m of messages) {
    const t0 = performance.now();
    await assistant.turn({ text: m, channel: 'bench' });
    turns.push(performance.now() - t0);
  }
  turns.sort((a, b) => a - b);
  const row = (name: string, t: number[]) =>
    console.log(
      `  ${name.padEnd(52)} p50 ${fmt(percentile(t, 50))}  p99 ${fmt(percentile(t, 99))}  max ${fmt(t.at(-1) ?? 0)}`,
    );
  console.log(`\nPer message, in process (${messages.length} labelled messages, zh and en)`);
  row('understand + answer (the replies a user gets)', respond);
  row('understand + top-3 search (what cli eval prints)', withSearch);
  row('whole turn (+ state load and save in SQLite)', turns);
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
}

interface Child {
  proc: ChildProcess;
  url: string;
  readyMs: number;
}

function startChild(
  args: string[],
  env: Record<string, string>,
  readyWhen: (line: string) => string | undefined,
): Promise<Child> {
  const t0 = performance.now();
  const proc = spawn(process.execPath, args, {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: proc.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      const url = readyWhen(line);
      if (url) resolve({ proc, url, readyMs: performance.now() - t0 });
    });
    proc.once('exit', (code) => reject(new Error(`child exited with ${code}`)));
  });
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function startAssistant(dataDir: string, port: number): Promise<Child> {
  return startChild(
    ['dist/app/main.js'],
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      SANDBOX_PORT: '0',
      RATE_LIMIT_PER_MINUTE: '0',
      CONVERSATION_RATE_PER_MINUTE: '0',
    },
    (line) => (line.includes('refund-assistant ready') ? `http://127.0.0.1:${port}` : undefined),
  );
}

async function startupSection(): Promise<void> {
  console.log('\nProcess start to ready (node dist/app/main.js; index and model built; listening)');
  const times: number[] = [];
  const rss: number[] = [];
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ra-bench-'));
  let first = 0;
  // the first start on an empty DATA_DIR also makes the sandbox's key pairs; later starts reuse them
  for (let i = 0; i < 6; i++) {
    const child = await startAssistant(dataDir, 39_000 + i);
    if (i === 0) first = child.readyMs;
    else times.push(child.readyMs);
    await new Promise((r) => setTimeout(r, 300));
    rss.push(rssMb(child.proc.pid as number));
    child.proc.kill('SIGTERM');
    await new Promise((r) => child.proc.once('exit', r));
  }
  rmSync(dataDir, { recursive: true, force: true });
  times.sort((a, b) => a - b);
  console.log(
    `  ready in: median ${fmt(percentile(times, 50))}, worst ${fmt(times.at(-1) ?? 0)} (5 restarts); first start on an empty DATA_DIR ${fmt(first)}`,
  );
  console.log(
    `  resident memory after start: ${Math.max(...rss).toFixed(0)} MB (assistant and embedded sandbox in one process)`,
  );
}

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

async function httpSection(): Promise<void> {
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

/** Per-turn latency of a whole troubleshooting flow (four turns) with the state in SQLite or Redis. */
async function flowsSection(): Promise<void> {
  console.log(
    '\nTroubleshooting flow turns (refund not arrived: 4 turns each, 200 conversations), state store round trip included',
  );
  for (const store of ['sqlite', 'redis'] as const) {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ra-bench-'));
    const env =
      store === 'redis'
        ? { DATA_DIR: dataDir, REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' }
        : { DATA_DIR: dataDir };
    let app: Awaited<ReturnType<typeof createApp>>;
    try {
      app = await createApp(loadConfig(env), createLogger('silent'));
    } catch (e) {
      console.log(`  ${store}: skipped (${(e as Error).message})`);
      continue;
    }
    const times: number[] = [];
    const script = ['我的退款还没到账', '借记卡', '昨天', '解决了'];
    for (let i = 0; i < 200; i++) {
      let id: string | undefined;
      for (const text of script) {
        const t0 = performance.now();
        const r = await app.assistant.turn({ conversationId: id, text, channel: 'bench' });
        times.push(performance.now() - t0);
        id = r.conversationId;
      }
    }
    times.sort((a, b) => a - b);
    console.log(
      `  ${store.padEnd(6)} p50 ${fmt(percentile(times, 50))}  p99 ${fmt(percentile(times, 99))}  (${times.length} turns)`,
    );
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A look-up turn through the bot against the sandbox, and what signing and verifying cost. */
async function lookupsSection(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ra-bench-'));
  // no cache: every look-up goes over signed HTTP to the sandbox
  const app = await createApp(
    loadConfig({ DATA_DIR: dataDir, SANDBOX_PORT: '0', LOOKUP_CACHE_SECONDS: '0' }),
    createLogger('silent'),
  );
  const fixtures = app.acquirer.sandbox?.instance.fixtures() ?? [];
  const times: number[] = [];
  for (let i = 0; i < 300; i++) {
    const f = fixtures[i % fixtures.length];
    if (!f) break;
    const first = await app.assistant.turn({
      text: `查一下参考号${f.reference}`,
      channel: 'bench',
      address: `10.1.${i >> 8}.${i & 255}`,
    });
    const t0 = performance.now();
    await app.assistant.turn({
      conversationId: first.conversationId,
      text: `${f.amountFen / 100}元`,
      channel: 'bench',
      address: `10.1.${i >> 8}.${i & 255}`,
    });
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(
    '\nLook-ups (consumer proves with the amount; the bot calls the sandbox over signed HTTP, no cache)',
  );
  console.log(
    `  look-up turn through the bot: p50 ${fmt(percentile(times, 50))}  p99 ${fmt(percentile(times, 99))}  (${times.length} turns, 2 acquirer calls each)`,
  );

  const { authorizationHeader, loadPrivateKey, loadPublicKey, responseHeaders, verifyResponse } =
    await import('../integrations/connectors/lakala/signing.js');
  const { sandboxKeys } = await import('../integrations/connectors/sandbox/index.js');
  const keys = sandboxKeys(path.join(dataDir, 'sandbox'));
  const merchant = {
    appId: 'OP00000003',
    serialNo: keys.merchant.serialNo,
    privateKey: loadPrivateKey(keys.merchant.privateKeyPem),
  };
  const platform = {
    appId: 'OP00000003',
    serialNo: keys.platform.serialNo,
    privateKey: loadPrivateKey(keys.platform.privateKeyPem),
  };
  const platformKey = loadPublicKey(keys.platform.certificatePem);
  const body = JSON.stringify({
    code: 'BBS00000',
    msg: '成功',
    resp_data: { trade_no: '2026112566261120000001', total_amount: '26800' },
  });
  const headers = Object.fromEntries(
    Object.entries(responseHeaders(platform, body)).map(([k, v]) => [k.toLowerCase(), v]),
  );
  const n = 2000;
  let t0 = performance.now();
  for (let i = 0; i < n; i++) authorizationHeader(merchant, body);
  const signUs = ((performance.now() - t0) * 1000) / n;
  t0 = performance.now();
  for (let i = 0; i < n; i++) verifyResponse(headers, body, platformKey);
  const verifyUs = ((performance.now() - t0) * 1000) / n;
  console.log(
    `  connector overhead per call: signing ${signUs.toFixed(0)} µs + verifying the response ${verifyUs.toFixed(0)} µs (RSA-2048)`,
  );
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
}

/** Many widget conversations at once over WebSockets: each sends a few messages and waits for the answers. */
async function wsSection(): Promise<void> {
  const { WebSocket } = await import('ws');
  const conversations = Number(process.env.BENCH_WS ?? 500);
  const perConversation = 3;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ra-bench-'));
  const server = await startAssistant(dataDir, 39_200);
  const url = `${server.url.replace('http', 'ws')}/api/ws`;
  const rtts: number[] = [];
  let errors = 0;
  const one = (n: number) =>
    new Promise<void>((resolve) => {
      const ws = new WebSocket(url);
      let sent = 0;
      let t0 = 0;
      let clientId = '';
      const next = () => {
        if (sent === perConversation) {
          ws.close();
          return resolve();
        }
        clientId = `c${n}-${sent++}`;
        t0 = performance.now();
        ws.send(
          JSON.stringify({
            type: 'message',
            clientId,
            text: messages[(n * perConversation + sent) % messages.length],
          }),
        );
      };
      ws.on('open', () => ws.send(JSON.stringify({ type: 'hello' })));
      ws.on('message', (raw) => {
        const f = JSON.parse(String(raw)) as {
          type: string;
          messages?: Array<{ from: string; clientId?: string }>;
        };
        if (f.type === 'welcome') next();
        else if (f.type === 'error') errors++;
        else if (f.type === 'messages' && f.messages?.some((m) => m.from === 'bot')) {
          rtts.push(performance.now() - t0);
          next();
        }
      });
      ws.on('error', () => {
        errors++;
        resolve();
      });
    });
  const started = performance.now();
  await Promise.all(Array.from({ length: conversations }, (_, n) => one(n)));
  const seconds = (performance.now() - started) / 1000;
  rtts.sort((a, b) => a - b);
  console.log(
    `\nWebSocket: ${conversations} widget conversations at once, ${perConversation} messages each (one machine, server in its own process)`,
  );
  console.log(
    `  round trip p50 ${fmt(percentile(rtts, 50))}  p99 ${fmt(percentile(rtts, 99))} · ${rtts.length} answers in ${seconds.toFixed(1)} s · errors ${errors + conversations * perConversation - rtts.length}`,
  );
  server.proc.kill('SIGTERM');
  await new Promise((r) => server.proc.once('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
}

/**
 * A handoff, as fast as the user feels it: asking for a person until "connecting you" (the thread
 * opened in Slack's stand-in), an agent's reply in the thread until it shows in the widget, and
 * the user's message until it is in the thread. One instance, and two sharing Redis (the widget on
 * one, Slack calling the other).
 */
async function handoffSection(): Promise<void> {
  const { buildServer } = await import('../app/server.js');
  const { widgetSocket } = await import('../test/support/widget-socket.js');
  const { SlackStandIn, slackSender, slackEnv } = await import('../test/support/slack.js');
  const burst = Number(process.env.BENCH_HANDOFFS ?? 40);
  const repliesEach = 5;
  console.log(
    `\nHandoff to Slack (${repliesEach} agent replies and ${repliesEach} user messages per conversation; Slack is a local stand-in; all in one process)`,
  );
  for (const mode of ['one instance', 'two instances, Redis'] as const) {
    const slack = await SlackStandIn.start();
    const dirs: string[] = [];
    const start = async () => {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ra-bench-'));
      dirs.push(dataDir);
      const config = loadConfig({
        DATA_DIR: dataDir,
        SANDBOX_PORT: '0',
        RATE_LIMIT_PER_MINUTE: '0',
        CONVERSATION_RATE_PER_MINUTE: '0',
        ...slackEnv(slack),
        ...(mode !== 'one instance' && { REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' }),
      });
      const logger = createLogger('silent');
      const server = await buildServer(await createApp(config, logger), { logger });
      return { server, base: await server.listen({ port: 0, host: '127.0.0.1' }) };
    };
    let a: Awaited<ReturnType<typeof start>>;
    let b: Awaited<ReturnType<typeof start>>;
    try {
      a = await start();
      b = mode === 'one instance' ? a : await start();
    } catch (e) {
      console.log(`  ${mode}: skipped (${(e as Error).message})`);
      await slack.close();
      continue;
    }
    const agents = slackSender(b.base);
    let open: number[] = [];
    let toUser: number[] = [];
    let toThread: number[] = [];
    const one = async (n: number) => {
      const u = await widgetSocket(`${a.base.replace('http', 'ws')}/api/ws`);
      u.send({ type: 'hello' });
      await u.until((f) => f.type === 'welcome');
      let t0 = performance.now();
      u.send({ type: 'message', clientId: 'h', text: '转人工' });
      const id = (await u.until((f) => f.type === 'ack', 30_000)).conversationId as string;
      await u.message((m) => m.from === 'bot', 30_000);
      open.push(performance.now() - t0);
      const root = await slack.waitFor(
        'chat.postMessage',
        (x) => JSON.stringify(x.blocks ?? '').includes(id),
        30_000,
      );
      const thread = slack.tsOf(root);
      for (let i = 0; i < repliesEach; i++) {
        const text = `agent ${n}-${i}`;
        t0 = performance.now();
        await agents.reply(thread, text);
        await u.message((m) => m.text === text, 30_000);
        toUser.push(performance.now() - t0);
        const said = `user ${n}-${i}`;
        t0 = performance.now();
        u.send({ type: 'message', clientId: `u${i}`, text: said });
        await slack.waitFor(
          'chat.postMessage',
          (x) => x.thread_ts === thread && String(x.text).includes(said),
          30_000,
        );
        toThread.push(performance.now() - t0);
      }
      u.close();
    };
    const line = (name: string, xs: number[]) => {
      xs.sort((x, y) => x - y);
      return `${name} p50 ${fmt(percentile(xs, 50))} p99 ${fmt(percentile(xs, 99))}`;
    };
    let n = 0;
    for (const [label, parallel, total] of [
      ['one at a time', 1, 20],
      [`${burst} at once`, burst, burst],
    ] as const) {
      open = [];
      toUser = [];
      toThread = [];
      const started = performance.now();
      for (let done = 0; done < total; done += parallel)
        await Promise.all(Array.from({ length: parallel }, () => one(n++)));
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `  ${`${mode}, ${label}`.padEnd(36)} ${line('open', open)} · ${line('agent → widget', toUser)} · ${line('user → thread', toThread)} · ${total} in ${seconds.toFixed(1)} s`,
      );
    }
    await a.server.close();
    if (b !== a) await b.server.close();
    await slack.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

/** One turn over HTTP: the widget's /api/chat next to Bot Framework's /api/messages (both in process). */
async function channelsSection(): Promise<void> {
  const { buildServer } = await import('../app/server.js');
  const { ConnectorStandIn } = await import('../test/support/botframework.js');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ra-bench-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    SANDBOX_PORT: '0',
    RATE_LIMIT_PER_MINUTE: '0',
    CONVERSATION_RATE_PER_MINUTE: '0',
  });
  const logger = createLogger('silent');
  const server = await buildServer(await createApp(config, logger), { logger });
  const base = await server.listen({ port: 0, host: '127.0.0.1' });
  const connector = await ConnectorStandIn.start();
  const turns = 600;
  const post = (url: string, body: unknown) =>
    fetch(`${base}${url}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then((r) => r.text());
  const activity = (n: number, text: string, normal: boolean) => ({
    type: 'message',
    id: `a${n}`,
    channelId: 'webchat',
    from: { id: 'user' },
    recipient: { id: 'bot' },
    conversation: { id: `bench-${normal ? 'n' : 'e'}-${n % 50}` },
    text,
    ...(normal ? { serviceUrl: connector.url } : { deliveryMode: 'expectReplies' }),
  });
  const measure = async (name: string, one: (n: number, text: string) => Promise<unknown>) => {
    for (let n = 0; n < 50; n++) await one(100_000 + n, messages[n] ?? ''); // warm up
    const times: number[] = [];
    for (let n = 0; n < turns; n++) {
      const t0 = performance.now();
      await one(n, messages[n % messages.length] ?? '');
      times.push(performance.now() - t0);
    }
    times.sort((x, y) => x - y);
    console.log(`  ${name.padEnd(44)} p50 ${fmt(percentile(times, 50))}  p99 ${fmt(percentile(times, 99))}`);
  };
  console.log(
    `\nOne turn over HTTP, by channel (${turns} messages one after another, 50 conversations, SQLite)`,
  );
  const ids = new Map<number, string>();
  await measure('POST /api/chat', async (n, text) => {
    const r = JSON.parse(await post('/api/chat', { conversationId: ids.get(n % 50), text })) as {
      conversationId: string;
    };
    ids.set(n % 50, r.conversationId);
  });
  await measure('POST /api/messages, expectReplies', (n, text) =>
    post('/api/messages', activity(n, text, false)),
  );
  await measure('POST /api/messages, replies to the connector', (n, text) =>
    post('/api/messages', activity(n, text, true)),
  );
  await server.close();
  await connector.close();
  rmSync(dataDir, { recursive: true, force: true });
}

if (want('understand')) await understandSection();
if (want('channels')) await channelsSection();
if (want('handoff')) await handoffSection();
if (want('ws')) await wsSection();
if (want('lookups')) await lookupsSection();
if (want('flows')) await flowsSection();
if (want('startup')) await startupSection();
if (want('http')) await httpSection();
