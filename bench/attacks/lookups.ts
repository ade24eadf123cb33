// Attacks 1–3: guessing a payment's card last four (or amount) past the look-up lock-out.
import { REDIS_URL } from '../../test/support/redis.js';
import { ChannelUser, readable } from '../../test/support/botframework.js';
import { SHARED_SECRETS } from '../shared.js';
import { auditRecords, bounded, cardPayment, chat, DENIED, LOCKED, randomIp, type Row, target } from './common.js';

const MAX = 5; // LOOKUP_MAX_FAILURES default
const LOCK_MIN = 15; // LOOKUP_LOCK_MINUTES default
const guess = (i: number, right: string) => {
  const g = String(i).padStart(4, '0');
  return g === right ? '9999' : g; // never the right digits by accident before the end
};

type Payment = ReturnType<typeof cardPayment>;

/** Guesses the card's last four on one reference, a fresh conversation each; stops 20 after the lock. */
async function guessCard(url: string, p: Payment, header: (ip: string) => string, fake: Set<string>) {
  let accepted = 0;
  let lockedAfter = 0;
  const started = performance.now();
  const n = await bounded(400, 30_000, async (i) => {
    const ip = randomIp();
    fake.add(ip);
    const r = await chat(
      url,
      { text: `查一下参考号 ${p.reference}，卡号尾号${guess(i, p.cardLast4 as string)}` },
      { 'x-forwarded-for': header(ip) },
    );
    if (LOCKED.test(r.said)) lockedAfter ||= i + 1;
    else if (DENIED.test(r.said)) accepted++;
    return lockedAfter > 0 && i + 1 >= lockedAfter + 20;
  });
  return { accepted, lockedAfter, n, s: (performance.now() - started) / 1000 };
}

/** 1. One message per guess, a fresh conversation and a fresh X-Forwarded-For each time. */
export async function bruteForceHttp(): Promise<Row[]> {
  const env = { TRUST_PROXY: 'true', LOOKUP_CACHE_SECONDS: '0' };
  const t = await target('brute', env);
  const fake = new Set<string>();
  let direct: Awaited<ReturnType<typeof guessCard>>;
  let calls: number;
  let right: string;
  let amount: string;
  let faked: number;
  let audited: number;
  try {
    const p = cardPayment(t.sandbox);
    // the attacker's header straight to the server (the proxy TRUST_PROXY promises is missing)
    direct = await guessCard(t.server.url, p, (ip) => ip, fake);
    calls = t.hop.calls;
    // then the right digits, and the right amount: refused while the reference is locked?
    const ask = (text: string) => chat(t.server.url, { text }, { 'x-forwarded-for': randomIp() });
    right = (await ask(`查一下参考号 ${p.reference}，卡号尾号${p.cardLast4}`)).said;
    const first = await ask(`查一下参考号 ${p.reference}`);
    amount = (
      await chat(
        t.server.url,
        { conversationId: first.conversationId, text: `${p.amountFen / 100}元` },
        { 'x-forwarded-for': randomIp() },
      )
    ).said;
    const audit = await auditRecords(t.dataDir);
    faked = audit.filter((a) => fake.has(String(a.address))).length;
    audited = audit.length;
  } finally {
    await t.stop();
  }
  // behind a real proxy: it appends its peer's address (one, fixed) after what the attacker wrote
  const t2 = await target('brute-proxy', env);
  let proxied: Awaited<ReturnType<typeof guessCard>>;
  let recorded: string;
  try {
    proxied = await guessCard(t2.server.url, cardPayment(t2.sandbox), (ip) => `${ip}, 203.0.113.7`, new Set());
    recorded = [...new Set((await auditRecords(t2.dataDir)).map((a) => a.address))].join(',');
  } finally {
    await t2.stop();
  }
  const perHour = (calls * 60) / LOCK_MIN;
  return [
    {
      attack: '1 brute force /api/chat',
      tried: `${direct.n} card-digit guesses on one reference, fresh conversation + random X-Forwarded-For each, TRUST_PROXY=true`,
      result: `${calls} guesses checked (reached the acquirer): ${direct.accepted} answered "no match", the next "locked" (from guess ${direct.lockedAfter} on); ${direct.n} sent in ${direct.s.toFixed(1)} s → ${calls} per ${LOCK_MIN} min = ${perHour}/h per card (lock arithmetic, not waited out) [before: found in 2,380 guesses / 8.7 s]`,
      verdict: direct.accepted <= MAX && calls <= MAX ? 'PASS' : 'FAIL',
    },
    {
      attack: '1 … right digits / amount after the lock',
      tried: 'the right last four, then the right amount, on the locked reference, new address',
      result: `right card: ${LOCKED.test(right) ? 'refused (locked)' : `NOT refused: ${right.slice(0, 60)}`}; right amount: ${LOCKED.test(amount) ? 'refused (locked)' : `NOT refused: ${amount.slice(0, 60)}`}`,
      verdict: LOCKED.test(right) && LOCKED.test(amount) ? 'PASS' : 'FAIL',
    },
    {
      attack: '1 … audit: client address',
      tried: 'the audit records of those guesses: the forged X-Forwarded-For as the client?',
      result: `header sent straight to the server (no proxy in front): ${faked}/${audited} records carry a forged address (TRUST_PROXY=true trusts the rightmost entry, as documented); behind a proxy appending 203.0.113.7: ${proxied.accepted} accepted, addresses recorded: ${recorded}`,
      verdict: recorded === '203.0.113.7' ? 'PASS' : 'FAIL',
    },
  ];
}
