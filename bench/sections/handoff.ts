import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../app/app.js';
import { loadConfig } from '../../app/config.js';
import { createLogger } from '../../app/logger.js';
import { fmt, percentile, SHARED_SECRETS } from '../shared.js';

/**
 * A handoff, as fast as the user feels it: asking for a person until "connecting you" (the thread
 * opened in Slack's stand-in), an agent's reply in the thread until it shows in the widget, and
 * the user's message until it is in the thread. One instance, and two sharing Redis (the widget on
 * one, Slack calling the other).
 */
export async function handoffSection(): Promise<void> {
  const { buildServer } = await import('../../app/server.js');
  const { widgetSocket } = await import('../../test/support/widget-socket.js');
  const { SlackStandIn, slackSender, slackEnv } = await import('../../test/support/slack.js');
  const burst = Number(process.env.BENCH_HANDOFFS ?? 40);
  const repliesEach = 5;
  console.log(
    `\nHandoff to Slack (${repliesEach} agent replies and ${repliesEach} user messages per conversation; Slack is a local stand-in; all in one process)`,
  );
  for (const mode of ['one instance', 'two instances, Redis'] as const) {
    const slack = await SlackStandIn.start();
    const dirs: string[] = [];
    const start = async () => {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ra-bench-'));
      dirs.push(dataDir);
      const config = loadConfig({
        DATA_DIR: dataDir,
        SANDBOX_PORT: '0',
        RATE_LIMIT_PER_MINUTE: '0',
        CONVERSATION_RATE_PER_MINUTE: '0',
        ...slackEnv(slack),
        ...(mode !== 'one instance' && {
          REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
          ...SHARED_SECRETS,
        }),
      });
      const logger = createLogger('silent');
      const server = await buildServer(await createApp(config, logger), { logger });
      return { server, base: await server.listen({ port: 0, host: '127.0.0.1' }) };
    };
    let a: Awaited<ReturnType<typeof start>>;
    let b: Awaited<ReturnType<typeof start>>;
    try {
      a = await start();
      b = mode === 'one instance' ? a : await start();
    } catch (e) {
      console.log(`  ${mode}: skipped (${(e as Error).message})`);
      await slack.close();
      continue;
    }
    const agents = slackSender(b.base);
    let open: number[] = [];
    let toUser: number[] = [];
    let toThread: number[] = [];
    const one = async (n: number) => {
      const u = await widgetSocket(`${a.base.replace('http', 'ws')}/api/ws`);
      u.send({ type: 'hello' });
      await u.until((f) => f.type === 'welcome');
      let t0 = performance.now();
      u.send({ type: 'message', clientId: 'h', text: '转人工' });
      const id = (await u.until((f) => f.type === 'ack', 30_000)).conversationId as string;
      await u.message((m) => m.from === 'bot', 30_000);
      open.push(performance.now() - t0);
      const root = await slack.waitFor(
        'chat.postMessage',
        (x) => JSON.stringify(x.blocks ?? '').includes(id),
        30_000,
      );
      const thread = slack.tsOf(root);
      for (let i = 0; i < repliesEach; i++) {
        const text = `agent ${n}-${i}`;
        t0 = performance.now();
        await agents.reply(thread, text);
        await u.message((m) => m.text === text, 30_000);
        toUser.push(performance.now() - t0);
        const said = `user ${n}-${i}`;
        t0 = performance.now();
        u.send({ type: 'message', clientId: `u${i}`, text: said });
        await slack.waitFor(
          'chat.postMessage',
          (x) => x.thread_ts === thread && String(x.text).includes(said),
          30_000,
        );
        toThread.push(performance.now() - t0);
      }
      u.close();
    };
    const line = (name: string, xs: number[]) => {
      xs.sort((x, y) => x - y);
      return `${name} p50 ${fmt(percentile(xs, 50))} p99 ${fmt(percentile(xs, 99))}`;
    };
    let n = 0;
    for (const [label, parallel, total] of [
      ['one at a time', 1, 20],
      [`${burst} at once`, burst, burst],
    ] as const) {
      open = [];
      toUser = [];
      toThread = [];
      const started = performance.now();
      for (let done = 0; done < total; done += parallel)
        await Promise.all(Array.from({ length: parallel }, () => one(n++)));
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `  ${`${mode}, ${label}`.padEnd(36)} ${line('open', open)} · ${line('agent → widget', toUser)} · ${line('user → thread', toThread)} · ${total} in ${seconds.toFixed(1)} s`,
      );
    }
    await a.server.close();
    if (b !== a) await b.server.close();
    await slack.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}
