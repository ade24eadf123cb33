// Attack 9: fuzzed HTTP bodies over the routes, slow-loris connections, forged merchant tokens.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { SignJWT } from 'jose';
import { SHARED_SECRETS } from '../shared.js';
import { chat, errorLines, type Row, target } from './common.js';

const ROUTES = [
  ['POST', '/api/chat'],
  ['POST', '/api/upload'],
  ['POST', '/api/messages'],
  ['POST', '/slack/events'],
  ['GET', '/api/welcome?locale=%ff'],
  ['GET', '/api/conversations/%00x/messages?after=-1'],
  ['GET', '/kb/zh/..%2f..%2fetc'],
  ['GET', '/files/x?exp=a&sig=b'],
  ['POST', '/insights/login'],
  ['GET', '/healthz'],
] as const;
const TYPES = [
  'application/json',
  'multipart/form-data; boundary=x',
  'multipart/form-data',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/json; charset=latin1',
  'image/png',
  '',
];

function body(i: number): Buffer {
  switch (i % 8) {
    case 0:
      return randomBytes(1 + (i % 4000));
    case 1:
      return Buffer.from(`${'['.repeat(20_000)}${']'.repeat(20_000)}`);
    case 2:
      return Buffer.from(`${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`);
    case 3:
      return i % 400 === 3 ? Buffer.alloc(3 * 1024 * 1024, 0x61) : Buffer.from('{"text":');
    case 4:
      return Buffer.from(
        JSON.stringify({ text: randomBytes(50).toString('latin1'), action: [1], conversationId: {} }),
      );
    case 5:
      return Buffer.from(
        `--x\r\nContent-Disposition: form-data; name="file"; filename="${'a'.repeat(5000)}"\r\n\r\n${randomBytes(100).toString('latin1')}`,
      );
    case 6:
      return Buffer.from(JSON.stringify({ type: 'message', text: '\ud800', from: null, conversation: 1 }));
    default:
      return Buffer.from('');
  }
}

/** 9. 20,000 fuzzed requests, 1,000 slow-loris connections, 27 forged merchant tokens. */
export async function http(): Promise<Row[]> {
  const t = await target('http', { ...SHARED_SECRETS, BOTFRAMEWORK_ANONYMOUS: 'true' });
  try {
    const url = t.server.url;
    const statuses = new Map<number, number>();
    const fivexx: string[] = [];
    let failed = 0;
    let next = 0;
    const started = performance.now();
    const worker = async () => {
      while (next < 20_000 && performance.now() - started < 120_000) {
        const i = next++;
        const [method, path] = ROUTES[i % ROUTES.length] as (typeof ROUTES)[number];
        const type = TYPES[Math.floor(i / ROUTES.length) % TYPES.length] as string;
        try {
          const res = await fetch(`${url}${path}`, {
            method,
            headers: type ? { 'content-type': type } : {},
            ...(method === 'POST' && { body: new Uint8Array(body(i)) }),
          });
          await res.arrayBuffer();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status >= 500 && fivexx.length < 5)
            fivexx.push(`${res.status} ${method} ${path} ${type} body#${i % 8}`);
        } catch {
          failed++;
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    const sent = next;
    const seconds = (performance.now() - started) / 1000;
    const n5xx = [...statuses].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0);
    const errors = errorLines(t.server.lines).length;
    const aliveAfterFuzz = t.server.child.exitCode === null;

    // slow loris: 1,000 connections sending a header line now and then
    const loris: net.Socket[] = [];
    const lorisStarted = performance.now();
    let closedByServer = 0;
    for (let i = 0; i < 1000; i++) {
      const s = net.connect({ host: '127.0.0.1', port: Number(new URL(url).port) });
      s.on('error', () => {});
      s.on('close', () => closedByServer++);
      s.write(`POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n`);
      loris.push(s);
    }
    const drip = setInterval(() => {
      for (const s of loris) if (!s.destroyed) s.write(`X-${Math.random()}: y\r\n`);
    }, 2000);
    await new Promise((r) => setTimeout(r, 3000));
    const during: number[] = [];
    let refused = 0;
    for (let i = 0; i < 20; i++) {
      const r = await chat(url, { text: '退款多久到账' }).catch(() => undefined);
      if (r?.status === 200) during.push(r.ms);
      else refused++;
      await new Promise((r) => setTimeout(r, 500));
    }
    const stillOpen = loris.filter((s) => !s.destroyed).length;
    const closedEarly = closedByServer;
    // held on past Node's headersTimeout (60 s): are they cut then?
    while (performance.now() - lorisStarted < 70_000 && closedByServer < 1000)
      await new Promise((r) => setTimeout(r, 1000));
    const closedBy70 = closedByServer;
    const held = (performance.now() - lorisStarted) / 1000;
    clearInterval(drip);
    for (const s of loris) s.destroy();
    during.sort((a, b) => a - b);

    // 27 forged merchant tokens (and one genuine, as the control)
    const tokens = await forged();
    const answers = await Promise.all(
      tokens.map(
        async ([what, token]) =>
          [what, await chat(url, { text: '查一下参考号 261109000276', token })] as const,
      ),
    );
    const accepted = answers.filter(([what, r]) => what !== 'genuine' && r.status === 200).map(([w]) => w);
    const codes = new Map<string, number>();
    for (const [w, r] of answers)
      if (w !== 'genuine') codes.set(`${r.status} ${r.code}`, (codes.get(`${r.status} ${r.code}`) ?? 0) + 1);
    const genuine = answers.find(([w]) => w === 'genuine')?.[1];
    // not a forgery: the portal's own secret, but an exp ten years on (MAX_TOKEN_SECONDS is 1 h)
    const longLived = await chat(url, { text: '你好', token: await longToken() });
    return [
      {
        attack: '9 fuzzed HTTP bodies',
        tried: `${sent} requests over ${ROUTES.length} routes × ${TYPES.length} content types: random bytes, 20,000-deep arrays, 3,000-deep objects, 3 MB, truncated JSON, wrong shapes, broken multipart, lone surrogates (8 at a time)`,
        result: `${n5xx} answered 5xx${fivexx.length ? ` (${fivexx.join('; ')})` : ''}; statuses ${[...statuses].map(([s, c]) => `${s}×${c}`).join(' ')}; ${failed} connection failures; ${seconds.toFixed(0)} s; ${errors} error-level log lines; process ${aliveAfterFuzz ? 'alive' : 'DEAD'}`,
        verdict: n5xx === 0 && aliveAfterFuzz ? 'PASS' : 'FAIL',
      },
      {
        attack: '9 slow loris',
        tried:
          '1,000 connections, headers dripped every 2 s, never finished; 20 chat turns from another client meanwhile',
        result: `${during.length}/20 answered (p50 ${(during[Math.floor(during.length / 2)] ?? Number.NaN).toFixed(0)} ms, max ${(during.at(-1) ?? Number.NaN).toFixed(0)} ms), ${refused} not; after 13 s ${stillOpen} slow connections still open, ${closedEarly} closed by the server; by ${held.toFixed(0)} s ${closedBy70} closed by the server`,
        verdict: during.length === 20 ? 'PASS' : 'FAIL',
      },
      {
        attack: '9 forged merchant tokens',
        tried: `${tokens.length - 1} forged tokens in /api/chat "token" (alg none, other/weak/empty secrets, HS512/384, RS/ES confusion, expired, no exp, not yet valid, tampered payload/signature, bad merchant numbers, garbage) + 1 genuine control`,
        result: `${tokens.length - 1 - accepted.length}/${tokens.length - 1} refused (${[...codes].map(([k, n]) => `${n}× ${k}`).join(', ')})${accepted.length ? `; ACCEPTED: ${accepted.join(', ')}` : ''}; genuine: HTTP ${genuine?.status}`,
        verdict: accepted.length === 0 && genuine?.status === 200 ? 'PASS' : 'FAIL',
      },
      {
        attack: '9 … a token that says it lives 10 years',
        tried: 'signed with the right secret (so not forged), iat now, exp now + 10 years',
        result: `HTTP ${longLived.status} ${longLived.code ?? ''}: ${longLived.status === 200 ? 'accepted now (jose maxTokenAge bounds the age from iat to 1 h, not exp − iat)' : 'refused'}`,
        verdict: 'INFO',
      },
    ];
  } finally {
    await t.stop();
  }
}

function longToken(): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ merchant_no: '822100012345', iat: now, exp: now + 315_360_000 })
    .setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode(SHARED_SECRETS.WIDGET_TOKEN_SECRET));
}

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64url');

async function forged(): Promise<Array<[string, string]>> {
  const secret = new TextEncoder().encode(SHARED_SECRETS.WIDGET_TOKEN_SECRET);
  const other = new TextEncoder().encode('not-the-portal-secret-but-long-enough-0123');
  const now = Math.floor(Date.now() / 1000);
  const sign = (claims: Record<string, unknown>, key = secret, alg = 'HS256') =>
    new SignJWT(claims).setProtectedHeader({ alg }).sign(key);
  const good = await sign({ merchant_no: '822100012345', iat: now, exp: now + 600 });
  const [h, p, s] = good.split('.') as [string, string, string];
  const payload = (o: Record<string, unknown>) => b64(JSON.stringify(o));
  const claims = { merchant_no: '822100012345', iat: now, exp: now + 600 };
  const { generateKeyPair } = await import('jose');
  const es = await generateKeyPair('ES256');
  const rs = await generateKeyPair('RS256');
  return [
    ['genuine', good],
    ['alg none', `${b64('{"alg":"none"}')}.${p}.`],
    ['alg none, no dot', `${b64('{"alg":"none","typ":"JWT"}')}.${p}`],
    ['other secret', await sign(claims, other)],
    ['empty secret', `${h}.${p}.${b64(Buffer.alloc(32))}`],
    ['HS512 right secret', await sign(claims, secret, 'HS512')],
    ['HS384 right secret', await sign(claims, secret, 'HS384')],
    ['ES256 own key', await new SignJWT(claims).setProtectedHeader({ alg: 'ES256' }).sign(es.privateKey)],
    ['RS256 own key', await new SignJWT(claims).setProtectedHeader({ alg: 'RS256' }).sign(rs.privateKey)],
    ['expired', await sign({ ...claims, iat: now - 7200, exp: now - 3600 })],
    ['no exp', await sign({ merchant_no: '822100012345', iat: now })],
    ['secret "secret"', await sign(claims, new TextEncoder().encode('secret'))],
    ['not yet valid', await sign({ ...claims, nbf: now + 3600 })],
    ['payload swapped', `${h}.${payload({ ...claims, merchant_no: '822100099999' })}.${s}`],
    ['signature flipped', `${h}.${p}.${s.slice(0, -2)}${s.slice(-2) === 'AA' ? 'AB' : 'AA'}`],
    ['signature cut', `${h}.${p}.${s.slice(0, 20)}`],
    ['no signature', `${h}.${p}.`],
    ['merchant_no number', await sign({ ...claims, merchant_no: 822100012345 })],
    ['merchant_no injection', await sign({ ...claims, merchant_no: "8221' OR 1=1--" })],
    ['merchant_no empty', await sign({ ...claims, merchant_no: '' })],
    ['merchant_no missing', await sign({ iat: now, exp: now + 600 })],
    ['header kid/jku', `${b64('{"alg":"HS256","jku":"http://127.0.0.1:1/k","kid":"../../x"}')}.${p}.${s}`],
    ['crit header', `${b64('{"alg":"HS256","crit":["x"],"x":1}')}.${p}.${s}`],
    ['garbage', 'a.b.c'],
    ['not a JWT', 'hello'],
    ['huge', `${h}.${b64('x'.repeat(100_000))}.${s}`],
    ['two tokens', `${good}.${good}`],
    ['exp as string', await sign({ ...claims, exp: String(now + 600) })],
  ];
}
