// drive only the continuing load against BENCH_CHAT_URL
import autocannon from 'autocannon';
import { messages } from './shared.js';
const base = process.env.BENCH_CHAT_URL as string;
const ids: string[] = [];
for (let at = 0; at < 200; at += 50) {
  ids.push(...(await Promise.all(Array.from({ length: 50 }, async (_, j) => {
    const r = await fetch(`${base}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: messages[(at + j) % messages.length] }) });
    return ((await r.json()) as { conversationId: string }).conversationId;
  }))));
}
let nextId = 0, nextText = 0;
const r = await autocannon({ url: `${base}/api/chat`, method: 'POST', connections: 200, duration: Number(process.env.SECS ?? 10), headers: { 'content-type': 'application/json' },
  requests: [{ setupRequest: (req, context: any) => { context.id ??= ids[nextId++ % ids.length]; nextText = (nextText + 1) % messages.length; return { ...req, body: JSON.stringify({ conversationId: context.id, text: messages[nextText] }) }; } }] });
console.log(`continuing: ${r.requests.average} req/s p50 ${r.latency.p50} p99 ${r.latency.p99} errors ${r.errors + r.non2xx}`);
