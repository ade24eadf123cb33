// Attack 4: card, ID and phone numbers planted through every way text enters, then looked for in
// clear in what the server wrote: its SQLite files and everything else under DATA_DIR, its log
// (LOG_LEVEL=debug, written to a file) and what it sent to Slack.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../knowledge/index.js';
import { foundIn, fullWidth, idCheckDigit, luhnDigit, type Planted } from '../../test/support/planted.js';
import { SlackStandIn, slackEnv } from '../../test/support/slack.js';
import { multipart, pdf } from '../../test/support/uploads.js';
import { chat, type Row, target } from './common.js';

const g = (d: string, sizes: number[], sep: string) => {
  const out: string[] = [];
  let at = 0;
  for (const n of sizes) {
    out.push(d.slice(at, at + n));
    at += n;
  }
  if (at < d.length) out.push(d.slice(at));
  return out.filter(Boolean).join(sep);
};
const two = (n: number) => String(n).padStart(2, '0');
// a different number for every planting, so that each finding names its format and its entry
const card = (n: number) => `6228480012345${two(n)}${luhnDigit(`6228480012345${two(n)}`)}`;
const id = (n: number) => `110105198503071${two(n)}${idCheckDigit(`110105198503071${two(n)}`)}`;
const phone = (n: number) => `139123456${two(n)}`;

/** The issue's eleven ways of writing them, the n-th number of each kind. */
export const ELEVEN: Array<(n: number) => Planted> = [
  (n) => ({ kind: 'card', digits: card(n), written: g(card(n), [4, 4, 4, 4], '  ') }),
  (n) => ({ kind: 'card', digits: card(n), written: g(card(n), [4, 4, 4, 4], '\u00a0') }),
  (n) => ({ kind: 'card', digits: card(n), written: g(card(n), [4, 4, 4, 4], '\u3000') }),
  (n) => ({ kind: 'card', digits: card(n), written: fullWidth(g(card(n), [4, 4, 4, 4], ' ')) }),
  (n) => ({ kind: 'card', digits: card(n), written: g(card(n), [4, 4, 4, 4], '.') }),
  (n) => ({ kind: 'card', digits: card(n), written: g(card(n), [4, 4, 4, 4], '/') }),
  (n) => ({ kind: 'card', digits: card(n), written: g(card(n), [6, 10], ' ') }),
  (n) => ({ kind: 'id', digits: id(n), written: g(id(n), [6, 8, 4], '\u3000') }),
  (n) => ({ kind: 'id', digits: id(n), written: fullWidth(id(n)) }),
  (n) => ({ kind: 'phone', digits: phone(n), written: g(phone(n), [3, 4, 4], '.') }),
  // the issue's own (not Luhn-valid), its last two digits varied
  (n) => ({ kind: 'card', digits: `62220212345678${two(n)}`, written: `参考号 6222 0212 3456 78${two(n)}` }),
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

/** The property test as it is, and its count. */
export async function propertyTest(): Promise<Row[]> {
  const t0 = performance.now();
  const run = spawnSync('npx', ['vitest', 'run', 'test/bot/planted-everywhere.property.test.ts'], {
    cwd: projectRoot,
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the colours vitest prints
  const out = `${run.stdout}\n${run.stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
  const tests = /Tests\s+([^\n]+)/.exec(out)?.[1]?.trim() ?? `no summary (exit ${run.status})`;
  const count = /planted \d+ numbers[^\n]*/.exec(out)?.[0] ?? 'its count line not printed';
  return [
    {
      attack: '4 planted: property test',
      tried:
        'npx vitest run test/bot/planted-everywhere.property.test.ts (12 runs × generated card/ID/phone through every entry)',
      result: `${count}; tests ${tests}, exit ${run.status}, ${((performance.now() - t0) / 1000).toFixed(0)} s`,
      verdict: run.status === 0 ? 'PASS' : 'FAIL',
    },
  ];
}

export async function planted(): Promise<Row[]> {
  const rows: Row[] = [];
  const slack = await SlackStandIn.start();
  const t = await target('planted', { LOG_LEVEL: 'debug', ...slackEnv(slack) });
  const url = t.server.url;
  const entries: Array<[place: string, plant: (w: string) => Promise<number>]> = [
    ['chat', async (w) => (await chat(url, { text: `我的卡${w}退款还没到` })).status],
    [
      'flow slot',
      async (w) => {
        const tree = await chat(url, { text: '退款失败了，提示不能退' });
        return (await chat(url, { conversationId: tree.conversationId, text: `卡号${w}` })).status;
      },
    ],
    ['action', async (w) => (await chat(url, { action: `intent:${w}` })).status],
    [
      'upload name',
      async (w) => {
        const body = multipart(`小票${w}.pdf`, pdf());
        const res = await fetch(`${url}/api/upload`, {
          method: 'POST',
          headers: body.headers,
          body: body.payload,
        });
        return res.status;
      },
    ],
    [
      'hand-over',
      async (w) => {
        const h = await chat(url, { text: '转人工' });
        return (await chat(url, { conversationId: h.conversationId, text: `我的号码是${w}` })).status;
      },
    ],
  ];
  const plantedAll: Array<Planted & { entry: string; format: number }> = [];
  const refused: string[] = [];
  try {
    for (const [e, [entry, plant]] of entries.entries())
      for (const [format, make] of ELEVEN.entries()) {
        const p = make(e * 11 + format);
        plantedAll.push({ ...p, entry, format: format + 1 });
        if ((await plant(p.written)) !== 200) refused.push(`${entry}#${format + 1}`);
      }
    await new Promise((r) => setTimeout(r, 1500)); // what is written after the answer (events, Slack)
  } finally {
    await t.stop();
    await slack.close();
  }
  const logFile = path.join(t.dataDir, '..', `${path.basename(t.dataDir)}.log`);
  writeFileSync(logFile, t.server.lines.join('\n'));
  const where: Record<string, string> = {
    'SQLite files': '',
    'other DATA_DIR files': '',
    'log (debug)': t.server.lines.join('\n'),
    'sent to Slack': JSON.stringify(slack.calls),
  };
  for (const f of files(t.dataDir)) {
    if (f.includes(`${path.sep}sandbox${path.sep}`)) continue; // the acquirer's own keys, not ours
    const text = readFileSync(f).toString('utf8');
    if (/\.sqlite/.test(f)) where['SQLite files'] += text;
    else where['other DATA_DIR files'] += text;
  }
  const findings = Object.entries(where).map(([place, hay]) => ({
    place,
    found: foundIn(plantedAll, hay) as typeof plantedAll,
  }));
  const total = new Set(findings.flatMap((f) => f.found)).size;
  const n = plantedAll.length;
  // the detector itself: it finds every planted number in a text of them as written
  const control = foundIn(plantedAll, plantedAll.map((p) => `x${p.written}y`).join('\n')).length;
  rows.push({
    attack: "4 planted: the issue's 11 formats",
    tried: `11 formats (7 card, 2 ID, 1 phone, "参考号 6222 0212 3456 78xx") × ${entries.length} entries (${entries.map((e) => e[0]).join(', ')}) = ${n} different numbers; looked for in ${Object.keys(where).join(', ')}; log kept in ${logFile}`,
    result: `${total} of ${n} found in clear somewhere — ${findings.map((f) => `${f.place}: ${f.found.length}${f.found.length ? ` (${f.found.map((x) => `${x.entry}#${x.format} ${JSON.stringify(x.written)}`).join(', ')})` : ''}`).join('; ')} (${slack.calls.length} Slack API calls, ${t.server.lines.length} log lines; not HTTP 200: ${refused.join(' ') || 'none'}; detector control: ${control}/${n} found when written out) [before: 141 of 189 found]`,
    verdict: total === 0 && control === n && refused.length === 0 ? 'PASS' : 'FAIL',
  });
  return rows;
}
