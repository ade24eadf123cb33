import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import { ChatUser } from '../support/transcript.js';

// Card numbers planted through every way user text enters — a message, a free-text answer in a
// tree, a button's action, a hand-over's opening message, an upload's filename — in the formats
// people paste, must be nowhere in the store in clear.
const app = useTestApp();

const luhn = (body: string): string => {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) d *= 2;
    sum += d > 9 ? d - 9 : d;
  }
  return body + String((10 - (sum % 10)) % 10);
};
const FULL_WIDTH = (s: string) => s.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d)));
const SEPARATORS = [' ', '  ', '-', '.', '/', '\u00a0', '\u3000', ''];

/** A Luhn-valid 16-digit card number, written with one of the separators, sometimes full width. */
const plantedCard = fc
  .tuple(fc.stringMatching(/^62[0-9]{13}$/), fc.constantFrom(...SEPARATORS), fc.boolean())
  .map(([body, sep, wide]) => {
    const digits = luhn(body);
    const written = digits.match(/.{4}/g)?.join(sep) ?? digits;
    return { digits, written: wide ? FULL_WIDTH(written) : written };
  });

const multipart = (name: string, bytes: Buffer) => {
  const boundary = 'xXx';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  return {
    payload: Buffer.concat([Buffer.from(head), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
};
const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

/** Everything the store keeps on disk, as text. */
function stored(dataDir: string): string {
  return readdirSync(dataDir)
    .filter((f) => f.startsWith('state.sqlite'))
    .map((f) => readFileSync(path.join(dataDir, f)).toString('utf8'))
    .join('\n');
}

describe('numbers planted through every entry are never stored in clear', () => {
  it('messages, tree answers, actions, hand-overs and filenames', async () => {
    const planted = fc.sample(plantedCard, { numRuns: 24, seed: 20261201 });
    const { server } = app();
    for (const [i, card] of planted.entries()) {
      const user = new ChatUser(server);
      switch (i % 5) {
        case 0:
          await user.says(`我的卡${card.written}退款还没到`);
          break;
        case 1: {
          await user.says('退款的时候屏幕提示错误');
          await user.says(`提示卡号${card.written}不能退`);
          break;
        }
        case 2:
          await user.send({ action: `intent:${card.written}` });
          break;
        case 3:
          await user.says(`转人工，我的卡是${card.written}`);
          break;
        default: {
          const res = await server.inject({
            method: 'POST',
            url: '/api/upload',
            ...multipart(`小票${card.written}.pdf`, pdf),
          });
          expect(res.statusCode).toBe(200);
        }
      }
    }
    // what SQLite has written (the WAL included), with separators taken out of the planted numbers
    const disk = stored(app().dataDir);
    const found = planted.filter(
      (p) => disk.includes(p.digits) || disk.includes(p.written) || disk.includes(FULL_WIDTH(p.digits)),
    );
    expect(found).toEqual([]);
  });
});
