// Attacks 6 and 7: uploads as fast as one address can, and malformed WebSocket frames.
import { WebSocket } from 'ws';
import { multipart, pdf } from '../../test/support/uploads.js';
import { widgetSocket } from '../../test/support/widget-socket.js';
import { bounded, errorLines, type Row, target } from './common.js';

const MB = 1024 * 1024;

/** One upload of `bytes` over HTTP; its status, code and the conversation it went to. */
async function post(url: string, bytes: Buffer, conversationId?: string) {
  const body = multipart('发票.pdf', bytes, { conversationId });
  const res = await fetch(`${url}/api/upload`, { method: 'POST', headers: body.headers, body: body.payload });
  const json = (await res.json().catch(() => ({}))) as { conversationId?: string; error?: { code: string } };
  return { status: res.status, code: json.error?.code ?? 'ok', conversationId: json.conversationId };
}

/** 6. 400 MB from one address, 10 MB at a time: a fresh conversation each, then all in one. */
export async function uploads(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const mode of ['fresh conversation each', 'one conversation'] as const) {
    const t = await target(`uploads-${mode.split(' ')[0]}`); // UPLOAD_* defaults: 20/min, 10 MB, 20 files, 50 MB
    try {
      const codes = new Map<string, number>();
      let accepted = 0;
      let conversation: string | undefined;
      const big = await post(t.server.url, pdf(11 * MB)); // first, before the rate limit bites
      const started = performance.now();
      const file = pdf(10 * MB - 4096); // just under UPLOAD_MAX_BYTES once wrapped
      const sent = await bounded(40, 60_000, async () => {
        const r = await post(t.server.url, file, mode === 'one conversation' ? conversation : undefined);
        conversation ??= r.conversationId;
        codes.set(`${r.status} ${r.code}`, (codes.get(`${r.status} ${r.code}`) ?? 0) + 1);
        if (r.status === 200) accepted += file.length;
        return undefined;
      });
      const s = (performance.now() - started) / 1000;
      const { execFileSync } = await import('node:child_process');
      const onDisk = execFileSync('du', ['-sm', t.dataDir], { encoding: 'utf8' }).split('\t')[0];
      rows.push({
        attack: `6 uploads, ${mode}`,
        tried: `${sent} × 10 MB (${((sent * file.length) / MB).toFixed(0)} MB) from one address as fast as it goes; first one of 11 MB`,
        result: `${(accepted / MB).toFixed(0)} MB accepted in ${s.toFixed(1)} s; answers: ${[...codes].map(([k, n]) => `${n}× ${k}`).join(', ')}; 11 MB: ${big.status} ${big.code}; DATA_DIR holds ${onDisk} MB (deletion: UPLOAD_RETENTION_DAYS=90, not waited) [before: 400 MB accepted in 2.3 s, never deleted]`,
        verdict:
          accepted <= 200 * MB && big.status === 413
            ? mode === 'one conversation' && accepted > 50 * MB
              ? 'FAIL'
              : 'PASS'
            : 'FAIL',
      });
    } finally {
      await t.stop();
    }
  }
  rows.push({
    attack: '6 … per hour',
    tried:
      'the same arithmetic for an hour (UPLOAD_RATE_PER_MINUTE=20 × UPLOAD_MAX_BYTES, fresh conversations)',
    result:
      'one address may keep ≈ 20 × 10 MB = 200 MB a minute, ≈ 12 GB an hour, until the 90-day sweep: no per-address byte quota',
    verdict: 'INFO',
  });
  return rows;
}

/** 7. 8,000 malformed frames on one widget socket: the server stays up and does not flood its log. */
export async function badFrames(): Promise<Row[]> {
  const t = await target('frames');
  try {
    const url = `${t.server.url.replace('http', 'ws')}/api/ws`;
    const s = await widgetSocket(url);
    s.send({ type: 'hello' });
    await s.until((f) => f.type === 'welcome');
    const raw = new WebSocket(url);
    await new Promise((r) => raw.once('open', r));
    const logBefore = t.server.lines.length;
    const errorsBefore = errorLines(t.server.lines).length;
    const kinds = [
      () => '{not json',
      () => JSON.stringify({ type: 'message' }),
      () => JSON.stringify({ type: 'message', clientId: 1, text: 5 }),
      () => JSON.stringify({ type: 'nope', x: 'y'.repeat(1000) }),
      () => JSON.stringify([1, 2, 3]),
      () => 'null',
      () => `${'['.repeat(5000)}${']'.repeat(5000)}`,
      () => JSON.stringify({ type: 'message', clientId: 'c', text: 'x'.repeat(100_000) }),
    ];
    const started = performance.now();
    for (let i = 0; i < 8000; i++) {
      if (i % 10 === 9) raw.send(Buffer.from([0xff, 0x00, i & 255]));
      else s.sendRaw((kinds[i % kinds.length] as () => string)());
    }
    // then a good message on the same socket: still answered?
    s.send({ type: 'message', clientId: 'good', text: '退款多久到账' });
    const answered = await s
      .until((f) => f.type === 'ack' && f.clientId === 'good', 30_000)
      .then(() => true)
      .catch(() => false);
    const seconds = (performance.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 500));
    const errorFrames = s.frames.filter((f) => f.type === 'error').length;
    const lines = t.server.lines.length - logBefore;
    const errors = errorLines(t.server.lines).length - errorsBefore;
    const alive = t.server.child.exitCode === null;
    raw.close();
    s.close();
    return [
      {
        attack: '7 malformed WebSocket frames',
        tried:
          '8,000 frames on open sockets: bad JSON, wrong shapes, 10,000-deep arrays, 100 kB texts, 800 binary',
        result: `process ${alive ? 'alive' : 'DEAD'}; ${errorFrames} error frames back on the text socket; good message after them ${answered ? 'answered' : 'NOT answered'} (${seconds.toFixed(1)} s); server log: ${lines} lines, ${errors} at error level`,
        verdict: alive && answered && errors === 0 && lines < 100 ? 'PASS' : 'FAIL',
      },
    ];
  } finally {
    await t.stop();
  }
}
