// Attack 10: kill -9 while turns are under way; after a restart on the same DATA_DIR, every turn
// that was answered HTTP 200 must be in its conversation's history.
import path from 'node:path';
import type { ChatMessage } from '../../contracts/messages.js';
import { startSandbox, startServer } from '../../test/support/process.js';
import { chat, type Row, tmp } from './common.js';

const RUNS = Number(process.env.ATTACK_CRASH_RUNS ?? 5);
const CONVERSATIONS = 6;
const WORDS = ['退款多久到账', '怎么撤销交易', '退款失败了', '需要什么材料', '金额不对', '刷卡的'];

export async function crash(): Promise<Row[]> {
  const dataDir = tmp('crash');
  const sandbox = await startSandbox(path.join(dataDir, 'sandbox'));
  const env = { DATA_DIR: dataDir, LOG_LEVEL: 'info', ...sandbox.env };
  const results: string[] = [];
  let lost = 0;
  let acked = 0;
  try {
    for (let run = 1; run <= RUNS; run++) {
      const server = await startServer(env);
      const done: Array<{ conversationId: string; text: string }> = [];
      let stop = false;
      let failed = 0;
      const talker = async (c: number) => {
        let conversationId: string | undefined;
        for (let n = 0; !stop && n < 2000; n++) {
          const text = `${WORDS[(c + n) % WORDS.length]} 标记${run}x${c}x${n}`;
          const r = await chat(server.url, { conversationId, text }).catch(() => undefined);
          if (r?.status !== 200 || !r.conversationId) {
            failed++;
            return;
          }
          done.push({ conversationId: r.conversationId, text });
          // a conversation keeps its last 100 messages: a fresh one every 40 turns, so all stay checkable
          conversationId = n % 40 === 39 ? undefined : r.conversationId;
        }
      };
      const talking = Promise.all(Array.from({ length: CONVERSATIONS }, (_, c) => talker(c)));
      await new Promise((r) => setTimeout(r, 800 + Math.random() * 1500));
      await server.stop('SIGKILL');
      stop = true;
      await talking;
      const again = await startServer(env);
      const histories = new Map<string, string>();
      const examples: string[] = [];
      let missing = 0;
      for (const d of done) {
        if (!histories.has(d.conversationId)) {
          const res = await fetch(`${again.url}/api/conversations/${d.conversationId}/messages`);
          const json = (await res.json()) as { messages?: ChatMessage[] };
          histories.set(d.conversationId, (json.messages ?? []).map((m) => m.text ?? '').join('\n'));
        }
        if (!histories.get(d.conversationId)?.includes(d.text)) {
          missing++;
          const last = done.filter((x) => x.conversationId === d.conversationId).length;
          const n = Number(d.text.split('x').at(-1));
          if (examples.length < 6) examples.push(`#${n + 1} of ${last}`);
        }
      }
      await again.stop();
      acked += done.length;
      lost += missing;
      results.push(
        `run ${run}: ${done.length} acknowledged, ${missing} lost${examples.length ? ` (e.g. turn ${examples.join(', ')} of its conversation)` : ''}, ${failed} cut`,
      );
    }
  } finally {
    await sandbox.close();
  }
  return [
    {
      attack: '10 kill -9 during turns',
      tried: `${RUNS} runs: ${CONVERSATIONS} conversations talking at once over /api/chat, SIGKILL 0.8–2.3 s in, restart on the same DATA_DIR (SQLite), each HTTP-200 turn looked for in its history (≤ 40 turns per conversation: history keeps the last 100 messages)`,
      result: `${lost} of ${acked} acknowledged turns lost (${results.join('; ')})`,
      verdict: lost === 0 && acked > 0 ? 'PASS' : 'FAIL',
    },
  ];
}
