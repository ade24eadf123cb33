import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startAssistant } from '../processes.js';
import { fmt, messages, percentile } from '../shared.js';

/** Many widget conversations at once over WebSockets: each sends a few messages and waits for the answers. */
export async function wsSection(): Promise<void> {
  const { WebSocket } = await import('ws');
  const conversations = Number(process.env.BENCH_WS ?? 500);
  const perConversation = 3;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ra-bench-'));
  const server = await startAssistant(dataDir, 39_200);
  const url = `${server.url.replace('http', 'ws')}/api/ws`;
  const rtts: number[] = [];
  let errors = 0;
  const one = (n: number) =>
    new Promise<void>((resolve) => {
      const ws = new WebSocket(url);
      let sent = 0;
      let t0 = 0;
      let clientId = '';
      const next = () => {
        if (sent === perConversation) {
          ws.close();
          return resolve();
        }
        clientId = `c${n}-${sent++}`;
        t0 = performance.now();
        ws.send(
          JSON.stringify({
            type: 'message',
            clientId,
            text: messages[(n * perConversation + sent) % messages.length],
          }),
        );
      };
      ws.on('open', () => ws.send(JSON.stringify({ type: 'hello' })));
      ws.on('message', (raw) => {
        const f = JSON.parse(String(raw)) as {
          type: string;
          messages?: Array<{ from: string; clientId?: string }>;
        };
        if (f.type === 'welcome') next();
        else if (f.type === 'error') errors++;
        else if (f.type === 'messages' && f.messages?.some((m) => m.from === 'bot')) {
          rtts.push(performance.now() - t0);
          next();
        }
      });
      ws.on('error', () => {
        errors++;
        resolve();
      });
    });
  const started = performance.now();
  await Promise.all(Array.from({ length: conversations }, (_, n) => one(n)));
  const seconds = (performance.now() - started) / 1000;
  rtts.sort((a, b) => a - b);
  console.log(
    `\nWebSocket: ${conversations} widget conversations at once, ${perConversation} messages each (one machine, server in its own process)`,
  );
  console.log(
    `  round trip p50 ${fmt(percentile(rtts, 50))}  p99 ${fmt(percentile(rtts, 99))} · ${rtts.length} answers in ${seconds.toFixed(1)} s · errors ${errors + conversations * perConversation - rtts.length}`,
  );
  server.proc.kill('SIGTERM');
  await new Promise((r) => server.proc.once('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
}
