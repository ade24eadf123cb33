// A soak: one server (dist/app/main.js, as `npm start` runs it) on loopback under mixed traffic for
// a while, its memory sampled from /metrics every 30 s. Run by hand:
//   npx tsx bench/soak.ts [--minutes 10]
// Traffic, a few workers at once: new and continuing HTTP chat turns (a troubleshooting flow
// walked to its end), WebSocket sessions (hello, two turns, close), look-ups against the embedded
// sandbox (reference, then the amount), uploads of small PDFs, and — with INSIGHTS_SECRET set in
// the environment — insights page and data reads. Prints the samples and the least-squares slope
// of RSS and of the used heap over the run (MB per minute), after a warm-up sample.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { projectRoot } from '../knowledge/index.js';
import { startChild } from './processes.js';

const args = process.argv.slice(2);
const minutesArg = args.indexOf('--minutes');
const minutes = minutesArg >= 0 ? Number(args[minutesArg + 1]) : 10;
if (!Number.isFinite(minutes) || minutes <= 0 || minutes > 120) {
  console.error('--minutes: a number of minutes, more than 0 and at most 120');
  process.exit(2);
}
const SAMPLE_MS = 30_000;
const WORKERS = 4;
const METRICS_TOKEN = 'soak-metrics-token';
const insightsSecret = process.env.INSIGHTS_SECRET;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

// dist/ built from these sources (builds only if they changed since the last build)
const ensured = spawnSync(process.execPath, ['scripts/build-stamp.mjs', 'ensure'], {
  cwd: projectRoot,
  stdio: 'inherit',
});
if (ensured.status !== 0) process.exit(1);

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ra-soak-'));
const [port, sandboxPort] = [await freePort(), await freePort()];
const child = await startChild(
  ['dist/app/main.js'],
  {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    SANDBOX_PORT: String(sandboxPort),
    RATE_LIMIT_PER_MINUTE: '0',
    CONVERSATION_RATE_PER_MINUTE: '0',
    UPLOAD_RATE_PER_MINUTE: '0',
    METRICS_TOKEN,
    // the soak's own stores: nothing from the caller's shell but what it asks for
    REDIS_URL: '',
    DATABASE_URL: '',
    INSIGHTS_SECRET: insightsSecret ?? '',
  },
  (line) => (line.includes('refund-assistant ready') ? `http://127.0.0.1:${port}` : undefined),
);
const base = child.url;
const stopAt = Date.now() + minutes * 60_000;
const done = () => Date.now() >= stopAt;

// what the traffic did, by kind: requests and failures
const counts = new Map<string, { ok: number; failed: number; why: Map<string, number> }>();
function count(kind: string, ok: boolean, why = 'failed'): void {
  const c = counts.get(kind) ?? { ok: 0, failed: 0, why: new Map<string, number>() };
  if (ok) c.ok++;
  else {
    c.failed++;
    c.why.set(why, (c.why.get(why) ?? 0) + 1);
  }
  counts.set(kind, c);
}

async function chat(body: Record<string, unknown>): Promise<{ conversationId: string } | undefined> {
  try {
    const res = await fetch(`${base}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as { conversationId: string };
    return res.status === 200 ? json : undefined;
  } catch {
    return undefined;
  }
}

const questions = [
  '退款多久到账',
  '清算和结算有什么区别',
  'how long does a refund take',
  '撤销和退货有什么区别',
];

/** A new conversation walked through a flow (three continuing turns), then a knowledge question. */
async function httpConversation(i: number): Promise<void> {
  const first = await chat({ text: '退款还没到账' });
  count('chat: new', first !== undefined);
  if (!first) return;
  for (const text of ['信用卡', '昨天', questions[i % questions.length] as string]) {
    const next = await chat({ conversationId: first.conversationId, text });
    count('chat: continuing', next !== undefined);
  }
}

/** A widget session: hello, two turns (each acknowledged and answered), close. */
async function socketSession(i: number): Promise<void> {
  const ok = await new Promise<boolean>((resolve) => {
    const s = new WebSocket(`${base.replace('http', 'ws')}/api/ws`);
    const timer = setTimeout(() => finish(false), 30_000);
    let answered = 0;
    function finish(result: boolean) {
      clearTimeout(timer);
      s.close();
      resolve(result);
    }
    s.on('error', () => finish(false));
    s.on('open', () => s.send(JSON.stringify({ type: 'hello', locale: 'zh' })));
    s.on('message', (raw) => {
      const f = JSON.parse(String(raw)) as { type: string };
      if (f.type === 'welcome')
        s.send(JSON.stringify({ type: 'message', clientId: 'a', text: questions[i % questions.length] }));
      if (f.type === 'messages') {
        answered++;
        if (answered === 1) s.send(JSON.stringify({ type: 'message', clientId: 'b', text: '谢谢' }));
        else finish(true);
      }
      if (f.type === 'error') finish(false);
    });
  });
  count('websocket session', ok);
}

type Fixture = { reference: string; amountFen: number };
let fixtures: Fixture[] = [];

/** A consumer's look-up: the reference, then the amount to prove it (two acquirer calls). */
async function lookup(i: number): Promise<void> {
  const f = fixtures[i % fixtures.length];
  if (!f) return;
  const first = await chat({ text: `查一下参考号${f.reference}` });
  const second =
    first && (await chat({ conversationId: first.conversationId, text: `${f.amountFen / 100}元` }));
  count('look-up', second !== undefined);
}

// each worker's uploads go to a conversation of its own, a new one every 10 (the cap is 20)
const uploadConversations: Array<string | undefined> = [];
const uploads: number[] = [];

/** A small PDF (about 2 KB, different each time). */
async function uploadFile(w: number): Promise<void> {
  uploads[w] = (uploads[w] ?? 0) + 1;
  if ((uploads[w] ?? 0) % 10 === 1) uploadConversations[w] = undefined;
  const uploadConversation = uploadConversations[w];
  const boundary = 'soak-boundary';
  const head = Buffer.from(`%PDF-1.4\n% ${Math.random()}\n`);
  const bytes = Buffer.concat([head, Buffer.alloc(2048 - head.length, 0x20)]);
  const fields = uploadConversation
    ? `--${boundary}\r\nContent-Disposition: form-data; name="conversationId"\r\n\r\n${uploadConversation}\r\n`
    : '';
  const body = Buffer.concat([
    Buffer.from(
      `${fields}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="发票.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
    ),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  try {
    const res = await fetch(`${base}/api/upload`, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
    });
    const json = (await res.json()) as { conversationId?: string; error?: { code: string } };
    uploadConversations[w] ??= json.conversationId;
    count('upload', res.status === 200, `${res.status} ${json.error?.code ?? ''}`);
  } catch {
    count('upload', false);
  }
}

let insightsCookie: string | undefined;

/** A support lead's page and two of its data sets (signed in once). */
async function insights(): Promise<void> {
  if (!insightsSecret) return;
  try {
    if (!insightsCookie) {
      const res = await fetch(`${base}/insights/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ secret: insightsSecret }),
      });
      insightsCookie = res.headers.get('set-cookie')?.split(';')[0];
    }
    const headers = { cookie: insightsCookie ?? '' };
    const all = await Promise.all(
      ['/insights', '/insights/api/conversations', '/insights/api/containment'].map((u) =>
        fetch(`${base}${u}`, { headers }).then(async (r) => {
          await r.arrayBuffer();
          return r.status === 200;
        }),
      ),
    );
    count('insights read', all.every(Boolean));
  } catch {
    count('insights read', false);
  }
}

async function worker(w: number): Promise<void> {
  for (let i = w; !done(); i += WORKERS) {
    await httpConversation(i);
    await socketSession(i);
    await lookup(i);
    if (i % 2 === 0) await uploadFile(w);
    if (i % 5 === 0) await insights();
  }
}

interface Sample {
  at: number;
  rssMb: number;
  heapMb: number;
}

async function sample(): Promise<Sample> {
  const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  const text = await res.text();
  const metric = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, 'm').exec(text)?.[1]);
  return {
    at: Date.now(),
    rssMb: metric('process_resident_memory_bytes') / 1024 / 1024,
    heapMb: metric('nodejs_heap_size_used_bytes') / 1024 / 1024,
  };
}

/** Least-squares slope of `y` over minutes since the first sample. */
function slope(samples: Sample[], y: (s: Sample) => number): number {
  const t0 = samples[0]?.at ?? 0;
  const xs = samples.map((s) => (s.at - t0) / 60_000);
  const ys = samples.map(y);
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += ((xs[i] ?? 0) - mx) * ((ys[i] ?? 0) - my);
    den += ((xs[i] ?? 0) - mx) ** 2;
  }
  return den ? num / den : Number.NaN;
}

/**
 * The median of the slopes between every two samples (Theil–Sen): one sample taken just before a
 * garbage collection (the used heap is a saw-tooth) does not tilt it, as it tilts least squares.
 */
function medianSlope(samples: Sample[], y: (s: Sample) => number): number {
  const slopes: number[] = [];
  for (let i = 0; i < samples.length; i++)
    for (let j = i + 1; j < samples.length; j++) {
      const a = samples[i] as Sample;
      const b = samples[j] as Sample;
      slopes.push((y(b) - y(a)) / ((b.at - a.at) / 60_000));
    }
  slopes.sort((a, b) => a - b);
  return slopes[Math.floor(slopes.length / 2)] ?? Number.NaN;
}

const signed = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(2)}`;
const lowest = (samples: Sample[], y: (s: Sample) => number) => Math.min(...samples.map(y));

const began = Date.now();
try {
  fixtures = (await (await fetch(`http://127.0.0.1:${sandboxPort}/fixtures`)).json()) as Fixture[];
  console.log(
    `soak: ${minutes} min on ${base} (pid ${child.proc.pid}), ${WORKERS} workers, sampling every ${SAMPLE_MS / 1000} s${insightsSecret ? ', insights on' : ''}`,
  );
  const samples: Sample[] = [await sample()];
  const row = (s: Sample) =>
    `${((s.at - began) / 60_000).toFixed(1).padStart(6)} min  ${s.rssMb.toFixed(1).padStart(8)}  ${s.heapMb.toFixed(1).padStart(8)}`;
  console.log('  elapsed      RSS MB   heap MB');
  console.log(row(samples[0] as Sample));
  const sampler = setInterval(() => {
    void sample().then((s) => {
      samples.push(s);
      console.log(row(s));
    });
  }, SAMPLE_MS);
  await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
  clearInterval(sampler);
  // a last sample at the end, unless the sampler took one just now
  if (Date.now() - (samples.at(-1)?.at ?? 0) > SAMPLE_MS / 2) {
    samples.push(await sample());
    console.log(row(samples.at(-1) as Sample));
  }

  console.log('\ntraffic');
  for (const [kind, c] of counts) {
    const why = [...c.why].map(([w, n]) => `${n}× ${w}`).join(', ');
    console.log(
      `  ${kind.padEnd(20)} ${String(c.ok).padStart(7)} ok  ${c.failed} failed${why ? ` (${why})` : ''}`,
    );
  }
  // the first sample is before any traffic (and the first minute fills caches and pools): the
  // slopes are over the rest
  const steady = samples.filter((s) => s.at - began >= 60_000);
  if (steady.length >= 3) {
    const rss = (s: Sample) => s.rssMb;
    const heap = (s: Sample) => s.heapMb;
    console.log(`\nafter the first minute (${steady.length} samples), MB per minute:`);
    console.log(`  least squares  RSS ${signed(slope(steady, rss))}  heap ${signed(slope(steady, heap))}`);
    console.log(
      `  median (Theil–Sen)  RSS ${signed(medianSlope(steady, rss))}  heap ${signed(medianSlope(steady, heap))}`,
    );
    // the troughs: the lowest sample of the first and of the last third (after a collection)
    const third = Math.max(1, Math.floor(steady.length / 3));
    const [early, late] = [steady.slice(0, third), steady.slice(-third)];
    console.log(
      `  lowest of first vs last third: RSS ${lowest(early, rss).toFixed(1)} → ${lowest(late, rss).toFixed(1)} MB, heap ${lowest(early, heap).toFixed(1)} → ${lowest(late, heap).toFixed(1)} MB`,
    );
  } else console.log('\ntoo short for a slope: run it for at least 3 minutes');
} finally {
  child.proc.kill('SIGTERM');
  await new Promise((r) => child.proc.once('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
}
