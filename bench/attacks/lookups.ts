// Attacks 1–3: guessing a payment's card last four (or amount) past the look-up lock-out.

import { ChannelUser, readable } from '../../test/support/botframework.js';
import { REDIS_URL } from '../../test/support/redis.js';
import { SHARED_SECRETS } from '../shared.js';
import {
  auditRecords,
  bounded,
  cardPayment,
  chat,
  DENIED,
  LOCKED,
  type Row,
  randomIp,
  STATUS,
  target,
} from './common.js';

const MAX = 5; // LOOKUP_MAX_FAILURES default
const LOCK_MIN = 15; // LOOKUP_LOCK_MINUTES default
const guess = (i: number, right: string) => {
  const g = String(i).padStart(4, '0');
  return g === right ? '9999' : g; // never the right digits by accident before the end
};

type Payment = ReturnType<typeof cardPayment>;
type Shown = 'refused' | 'STATUS SHOWN';
/** Whether a turn showed the payment's status card (the proof was accepted). */
const shown = (t: { said: string }): Shown => (STATUS.test(t.said) ? 'STATUS SHOWN' : 'refused');

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
  let right: Shown;
  let amount: Shown;
  let faked: number;
  let audited: number;
  try {
    const p = cardPayment(t.sandbox);
    // the attacker's header straight to the server (the proxy TRUST_PROXY promises is missing)
    direct = await guessCard(t.server.url, p, (ip) => ip, fake);
    calls = t.hop.calls;
    // then the right digits, and the right amount: refused while the reference is locked?
    const ask = (text: string) => chat(t.server.url, { text }, { 'x-forwarded-for': randomIp() });
    right = shown(await ask(`查一下参考号 ${p.reference}，卡号尾号${p.cardLast4}`));
    const ip = { 'x-forwarded-for': randomIp() };
    let turn = await chat(t.server.url, { text: `查一下参考号 ${p.reference}` }, ip);
    const asked = turn.buttons.find((b) => b.label.includes('顾客'));
    if (asked)
      turn = await chat(t.server.url, { conversationId: turn.conversationId, action: asked.action }, ip);
    const before = shown(turn);
    turn = await chat(
      t.server.url,
      { conversationId: turn.conversationId, text: `${p.amountFen / 100}元` },
      ip,
    );
    amount = before === 'refused' ? shown(turn) : before;
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
    proxied = await guessCard(
      t2.server.url,
      cardPayment(t2.sandbox),
      (ip) => `${ip}, 203.0.113.7`,
      new Set(),
    );
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
      result: `right card: ${right}; right amount: ${amount}`,
      verdict: right === 'refused' && amount === 'refused' ? 'PASS' : 'FAIL',
    },
    {
      attack: '1 … audit: client address',
      tried: 'the audit records of those guesses: the forged X-Forwarded-For as the client?',
      result: `header sent straight to the server (no proxy in front): ${faked}/${audited} records carry a forged address (TRUST_PROXY=true trusts the rightmost entry, as documented); behind a proxy appending 203.0.113.7: ${proxied.accepted} answered "no match", addresses recorded: ${recorded}`,
      verdict: recorded === '203.0.113.7' ? 'PASS' : 'FAIL',
    },
  ];
}

/** 2. The same through /api/messages: refused by default; anonymous on loopback, a new from.id each. */
export async function bruteForceBotFramework(): Promise<Row[]> {
  const closed = await target('bf-default');
  let refused: string;
  try {
    const p = cardPayment(closed.sandbox);
    const r = await new ChannelUser(closed.server.url).say(`查一下参考号 ${p.reference}，卡号尾号0000`);
    const body = await fetch(`${closed.server.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(new ChannelUser(closed.server.url).activity({ text: 'hi' })),
    }).then((x) => x.text());
    refused = `HTTP ${r.status} ${body.slice(0, 160)}`;
  } finally {
    await closed.stop();
  }
  const t = await target('bf-anon', { BOTFRAMEWORK_ANONYMOUS: 'true', LOOKUP_CACHE_SECONDS: '0' });
  try {
    const p = cardPayment(t.sandbox);
    let denied = 0;
    let locked = 0;
    let other = 0;
    const n = await bounded(100, 30_000, async (i) => {
      const said = (
        await new ChannelUser(t.server.url).say(
          `查一下参考号 ${p.reference}，卡号尾号${guess(i, p.cardLast4 as string)}`,
        )
      ).replies
        .map(readable)
        .join(' ');
      if (LOCKED.test(said)) locked++;
      else if (DENIED.test(said)) denied++;
      else other++;
      return locked >= 20;
    });
    const right = shown({
      said: (
        await new ChannelUser(t.server.url).say(`查一下参考号 ${p.reference}，卡号尾号${p.cardLast4}`)
      ).replies
        .map(readable)
        .join(' '),
    });
    return [
      {
        attack: '2 brute force /api/messages (default)',
        tried: 'an anonymous activity, no app registration, BOTFRAMEWORK_ANONYMOUS unset',
        result: refused,
        verdict: /^HTTP 401/.test(refused) ? 'PASS' : 'FAIL',
      },
      {
        attack: '2 … BOTFRAMEWORK_ANONYMOUS=true',
        tried: `${n} guesses on one reference from loopback, new from.id + conversation each`,
        result: `${t.hop.calls} checked (reached the acquirer): ${denied} "no match", ${locked} "locked", ${other} other; then the right digits: ${right} → ${t.hop.calls} per ${LOCK_MIN} min = ${(t.hop.calls * 60) / LOCK_MIN}/h per card`,
        verdict: t.hop.calls <= MAX && right === 'refused' ? 'PASS' : 'FAIL',
      },
    ];
  } finally {
    await t.stop();
  }
}

/** 3. 280 wrong guesses at once on one reference (fresh conversation and address each). */
export async function burst(): Promise<Row[]> {
  const rows: Row[] = [];
  const redis = {
    REDIS_URL,
    REDIS_KEY_PREFIX: `attack-${process.pid}-${Date.now().toString(36)}:`,
    ...SHARED_SECRETS,
  };
  for (const [store, extra] of [
    ['SQLite', {}],
    ['Redis', redis],
  ] as const) {
    const t = await target(`burst-${store}`, { TRUST_PROXY: 'true', LOOKUP_CACHE_SECONDS: '0', ...extra });
    try {
      const p = cardPayment(t.sandbox);
      const started = performance.now();
      // every 28th carries the right digits (10 of 280): is any told the payment's status?
      const isRight = (i: number) => i % 28 === 27;
      const answers = await Promise.all(
        Array.from({ length: 280 }, (_, i) =>
          chat(
            t.server.url,
            {
              text: `查一下参考号 ${p.reference}，卡号尾号${isRight(i) ? p.cardLast4 : guess(i, p.cardLast4 as string)}`,
            },
            { 'x-forwarded-for': randomIp() },
          ),
        ),
      );
      const s = (performance.now() - started) / 1000;
      const revealed = answers.filter((a, i) => isRight(i) && shown(a) !== 'refused').length;
      const wrong = answers.filter((_, i) => !isRight(i));
      const denied = wrong.filter((a) => DENIED.test(a.said)).length;
      const locked = wrong.filter((a) => LOCKED.test(a.said)).length;
      const statuses = [...new Set(answers.map((a) => a.status))].join(',');
      rows.push({
        attack: `3 burst of 280, ${store}`,
        tried: `280 card-digit guesses at once on one reference (270 wrong; every 28th, 10 in all, right), fresh conversation + X-Forwarded-For each`,
        result: `wrong ones: ${denied} answered "no match" (limit ${MAX}), ${locked} "locked"; HTTP ${statuses}, ${s.toFixed(1)} s; ${t.hop.calls} acquirer calls (got past the lock check); right ones shown the status: ${revealed}/10 [before: 7–11 vs 5]`,
        verdict: denied <= MAX && revealed === 0 ? 'PASS' : 'FAIL',
      });
    } finally {
      await t.stop();
    }
  }
  return rows;
}

/** 1, measured over time: LOOKUP_LOCK_MINUTES=1, a guess every 2 s for 130 s — how many are checked. */
export async function bruteForceWindow(): Promise<Row[]> {
  const t = await target('window', {
    TRUST_PROXY: 'true',
    LOOKUP_CACHE_SECONDS: '0',
    LOOKUP_LOCK_MINUTES: '1',
  });
  try {
    const p = cardPayment(t.sandbox);
    const started = performance.now();
    const checkedAt: number[] = [];
    const sent = await bounded(70, 130_000, async (i) => {
      const before = t.hop.calls;
      await chat(
        t.server.url,
        { text: `查一下参考号 ${p.reference}，卡号尾号${guess(i, p.cardLast4 as string)}` },
        { 'x-forwarded-for': randomIp() },
      );
      if (t.hop.calls > before) checkedAt.push(Math.round((performance.now() - started) / 1000));
      await new Promise((r) => setTimeout(r, 2000));
      return undefined;
    });
    const minutes = (performance.now() - started) / 60_000;
    const perWindow = t.hop.calls / Math.ceil(minutes);
    return [
      {
        attack: '1 … measured over 130 s',
        tried: `LOOKUP_LOCK_MINUTES=1: ${sent} wrong guesses, one every 2 s, fresh conversation + address each`,
        result: `${t.hop.calls} checked in ${minutes.toFixed(1)} min, at ${checkedAt.join(', ')} s → ${perWindow.toFixed(1)} per lock window (so with the default 15 min: ${((perWindow * 60) / LOCK_MIN).toFixed(0)}/h per card)`,
        verdict: perWindow <= MAX ? 'PASS' : 'FAIL',
      },
    ];
  } finally {
    await t.stop();
  }
}
