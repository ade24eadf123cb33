import { FlowProblems } from '../flows/engine/index.js';
import { ContentProblems } from '../knowledge/index.js';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { buildServer } from './server.js';

const started = performance.now();

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const app = await createApp(config, logger);
  const server = await buildServer(app, { logger });
  const url = await server.listen({ port: config.PORT, host: config.HOST });
  // approved refund applications are executed from the database's outbox by every instance
  app.executor.start(config.APPLICATION_WORKER_MS);
  logger.info(
    {
      url,
      store: config.REDIS_URL ? 'redis' : 'sqlite',
      dataDir: config.dataDir,
      readyMs: Math.round(performance.now() - started),
      rssMb: Math.round(process.memoryUsage().rss / 1e6),
    },
    'refund-assistant ready',
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await server.close();
    logger.flush();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof ContentProblems || err instanceof FlowProblems) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(`refund-assistant failed to start: ${(err as Error)?.stack ?? String(err)}\n`);
  }
  process.exit(1);
});
