import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../app/app.js';
import { loadConfig } from '../../app/config.js';
import { createLogger } from '../../app/logger.js';
import { fmt, messages, percentile } from '../shared.js';

/** One turn over HTTP: the widget's /api/chat next to Bot Framework's /api/messages (both in process). */
export async function channelsSection(): Promise<void> {
  const { buildServer } = await import('../../app/server.js');
  const { ConnectorStandIn } = await import('../../test/support/botframework.js');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ra-bench-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    SANDBOX_PORT: '0',
    RATE_LIMIT_PER_MINUTE: '0',
    CONVERSATION_RATE_PER_MINUTE: '0',
  });
  const logger = createLogger('silent');
  const server = await buildServer(await createApp(config, logger), { logger });
  const base = await server.listen({ port: 0, host: '127.0.0.1' });
  const connector = await ConnectorStandIn.start();
  const turns = 600;
  const post = (url: string, body: unknown) =>
    fetch(`${base}${url}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then((r) => r.text());
  const activity = (n: number, text: string, normal: boolean) => ({
    type: 'message',
    id: `a${n}`,
    channelId: 'webchat',
    from: { id: 'user' },
    recipient: { id: 'bot' },
    conversation: { id: `bench-${normal ? 'n' : 'e'}-${n % 50}` },
    text,
    ...(normal ? { serviceUrl: connector.url } : { deliveryMode: 'expectReplies' }),
  });
  const measure = async (name: string, one: (n: number, text: string) => Promise<unknown>) => {
    for (let n = 0; n < 50; n++) await one(100_000 + n, messages[n] ?? ''); // warm up
    const times: number[] = [];
    for (let n = 0; n < turns; n++) {
      const t0 = performance.now();
      await one(n, messages[n % messages.length] ?? '');
      times.push(performance.now() - t0);
    }
    times.sort((x, y) => x - y);
    console.log(`  ${name.padEnd(44)} p50 ${fmt(percentile(times, 50))}  p99 ${fmt(percentile(times, 99))}`);
  };
  console.log(
    `\nOne turn over HTTP, by channel (${turns} messages one after another, 50 conversations, SQLite)`,
  );
  const ids = new Map<number, string>();
  await measure('POST /api/chat', async (n, text) => {
    const r = JSON.parse(await post('/api/chat', { conversationId: ids.get(n % 50), text })) as {
      conversationId: string;
    };
    ids.set(n % 50, r.conversationId);
  });
  await measure('POST /api/messages, expectReplies', (n, text) =>
    post('/api/messages', activity(n, text, false)),
  );
  await measure('POST /api/messages, replies to the connector', (n, text) =>
    post('/api/messages', activity(n, text, true)),
  );
  await server.close();
  await connector.close();
  rmSync(dataDir, { recursive: true, force: true });
}
