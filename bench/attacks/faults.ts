// Attack 5: a slow acquirer (the circuit breaker) and Redis gone (what a turn costs, what the user
// is told, the probes, the recovery).
import { REDIS_URL } from '../../test/support/redis.js';
import { TcpProxy } from '../../test/support/tcp-proxy.js';
import { SHARED_SECRETS } from '../shared.js';
import { cardPayment, chat, type Row, STATUS, target } from './common.js';

const s = (ms: number) => (ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`);
const short = (text: string) => text.replace(/\s+/g, ' ').slice(0, 70);

/** A look-up turn (the card's right digits, a fresh conversation) while the acquirer answers in 10 s. */
export async function slowAcquirer(): Promise<Row[]> {
  const t = await target('slow', { LOOKUP_CACHE_SECONDS: '0' }); // LAKALA_TIMEOUT_MS default 3000
  try {
    const p = cardPayment(t.sandbox);
    const look = () => chat(t.server.url, { text: `查一下参考号 ${p.reference}，卡号尾号${p.cardLast4}` });
    const fast = await look();
    t.hop.delayMs = 10_000;
    const turns: Array<{ ms: number; calls: number; said: string }> = [];
    const opened = () => t.server.lines.some((l) => l.includes('acquirer circuit opened'));
    // until the circuit opens, then three more (bounded: 8 turns)
    for (let i = 0, after = 0; i < 8 && after < 3; i++) {
      const before = t.hop.calls;
      const r = await look();
      turns.push({ ms: r.ms, calls: t.hop.calls - before, said: r.said });
      if (opened()) after++;
    }
    const firstOpen = turns.findIndex((x) => x.calls === 0);
    const slow = turns.filter((x) => x.calls > 0);
    const open = turns.filter((x) => x.calls === 0);
    t.hop.delayMs = 0;
    const back = performance.now();
    let recovered = Number.NaN;
    for (let i = 0; i < 60; i++) {
      if (STATUS.test((await look()).said)) {
        recovered = performance.now() - back;
        break;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    return [
      {
        attack: '5 slow acquirer',
        tried:
          'look-ups with the right proof while the acquirer takes 10 s (LAKALA_TIMEOUT_MS 3000, 2 retries, breaker 5 in a row / 10 s)',
        result: `healthy: ${s(fast.ms)}; slow, circuit closed: ${slow.map((x) => `${s(x.ms)} (${x.calls} calls)`).join(', ')}; circuit open (from turn ${firstOpen + 1}): ${open.map((x) => s(x.ms)).join(', ')}, 0 calls; told: "${short(turns.at(-1)?.said ?? '')}"; status shown again ${s(recovered)} after the acquirer was fast`,
        verdict: open.length > 0 && open.every((x) => x.ms < 1000) ? 'PASS' : 'FAIL',
      },
    ];
  } finally {
    await t.stop();
  }
}

/** Redis behind a proxy that is then taken down, and brought back. */
export async function redisDown(): Promise<Row[]> {
  const redis = new URL(REDIS_URL);
  const proxy = await TcpProxy.start({ host: redis.hostname, port: Number(redis.port || 6379) });
  const t = await target('redis-down', {
    REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
    REDIS_KEY_PREFIX: `attack-${process.pid}-${Date.now().toString(36)}:`,
    ...SHARED_SECRETS,
  });
  const probe = async (p: string) => {
    const t0 = performance.now();
    const res = await fetch(`${t.server.url}${p}`);
    return `${p} ${res.status} ${(await res.text()).slice(0, 90)} (${s(performance.now() - t0)})`;
  };
  try {
    const up = await chat(t.server.url, { text: '退款多久到账' });
    await chat(t.server.url, { conversationId: up.conversationId, text: '刷卡的' });
    await proxy.down();
    await new Promise((r) => setTimeout(r, 300));
    const fresh = await chat(t.server.url, { text: '退款多久到账' });
    const going = await chat(t.server.url, { conversationId: up.conversationId, text: '还没到' });
    const probes = [await probe('/healthz'), await probe('/readyz')];
    // 10 s down, then back: how long until a turn is answered again
    await new Promise((r) => setTimeout(r, 10_000));
    const later = await chat(t.server.url, { text: '退款多久到账' });
    await proxy.up();
    const back = performance.now();
    let recovered = Number.NaN;
    for (let i = 0; i < 150; i++) {
      const r = await chat(t.server.url, { conversationId: up.conversationId, text: '退款多久到账' });
      if (r.status === 200) {
        recovered = performance.now() - back;
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    let ready = Number.NaN;
    for (let i = 0; i < 100; i++) {
      if ((await fetch(`${t.server.url}/readyz`)).status === 200) {
        ready = performance.now() - back;
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const crashed = t.server.child.exitCode !== null;
    const turn = (r: Awaited<ReturnType<typeof chat>>) =>
      `HTTP ${r.status} ${r.code ?? ''} in ${s(r.ms)}: "${short(r.said)}"`;
    return [
      {
        attack: '5 Redis down',
        tried:
          'REDIS_URL through a TCP proxy, then the proxy closed (every connection cut, port refused) for ~10 s; not tried: a Redis that accepts and never answers',
        result: `healthy turn ${s(up.ms)}; down: new conversation ${turn(fresh)}; ongoing ${turn(going)}; 10 s later ${turn(later)}; ${probes.join('; ')}`,
        verdict:
          [fresh, going, later].every((r) => r.status === 503 && r.ms < 3000) && !crashed ? 'PASS' : 'FAIL',
      },
      {
        attack: '5 … Redis back',
        tried: 'the proxy up again; a turn every 200 ms',
        result: `turns answered again ${s(recovered)} after Redis returned; /readyz 200 again after ${s(ready)}; process ${crashed ? 'EXITED' : 'alive'}`,
        verdict: recovered < 15_000 && ready < 20_000 && !crashed ? 'PASS' : 'FAIL',
      },
    ];
  } finally {
    await t.stop();
    await proxy.down();
  }
}
