// Issue 15: every attack the issue found, re-run against real server processes, with its result.
// Run by hand (not a test, asserts nothing, exits 0):
//   npx tsx bench/attacks.ts              every attack, in order
//   npx tsx bench/attacks.ts brute burst  only those (names below), each a file under bench/attacks/:
//   1 brute, brute-window · 2 botframework · 3 burst (lookups.ts) · 4 planted-property, planted
//   (planted.ts) · 5 slow-acquirer, redis-down (faults.ts) · 6 uploads · 7 frames (abuse.ts) ·
//   8 links (links.ts) · 9 http (http.ts) · 10 crash (crash.ts)
// A verdict says whether the target is met now: PASS, FAIL (a finding), INFO (a figure
// with no target), NOT RUN (the attack itself failed: why). Redis must answer at 127.0.0.1:6379
// (TEST_REDIS_URL) for burst and redis-down. Every server it starts listens on 127.0.0.1; every
// request loop is bounded in count and time; the servers run from source (app/main.ts via tsx).

import { badFrames, uploads } from './attacks/abuse.js';
import type { Row } from './attacks/common.js';
import { crash } from './attacks/crash.js';
import { redisDown, slowAcquirer } from './attacks/faults.js';
import { http } from './attacks/http.js';
import { links } from './attacks/links.js';
import { bruteForceBotFramework, bruteForceHttp, bruteForceWindow, burst } from './attacks/lookups.js';
import { planted, propertyTest } from './attacks/planted.js';

const all: Array<[name: string, run: () => Promise<Row[]>]> = [
  ['brute', bruteForceHttp],
  ['brute-window', bruteForceWindow],
  ['botframework', bruteForceBotFramework],
  ['burst', burst],
  ['planted-property', propertyTest],
  ['planted', planted],
  ['slow-acquirer', slowAcquirer],
  ['redis-down', redisDown],
  ['uploads', uploads],
  ['frames', badFrames],
  ['links', links],
  ['http', http],
  ['crash', crash],
];

const wanted = process.argv.slice(2);
const rows: Row[] = [];
for (const [name, run] of all) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  const t0 = performance.now();
  try {
    rows.push(...(await run()));
  } catch (err) {
    rows.push({
      attack: name,
      tried: 'the attack itself',
      result: `could not run: ${String(err).slice(0, 300)}`,
      verdict: 'NOT RUN',
    });
  }
  console.error(`[${name}] ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

console.log('\n| attack | what was tried | result | verdict |\n| --- | --- | --- | --- |');
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
for (const r of rows)
  console.log(`| ${cell(r.attack)} | ${cell(r.tried)} | ${cell(r.result)} | ${r.verdict} |`);
process.exit(0);
