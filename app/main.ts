import { FlowProblems } from '../flows/engine/index.js';
import { ContentProblems } from '../knowledge/index.js';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { buildServer } from './server.js';
import { ShutdownSteps } from './shutdown.js';

const started = performance.now();

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const app = await createApp(config, logger);
  const shutdown = new ShutdownSteps();
  const server = await buildServer(app, { logger, shutdown });
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

  // SIGTERM (an orchestrator's stop, a deploy) or SIGINT: /readyz answers 503 at once and new
  // requests are refused; turns under way finish (over HTTP and over the widget's sockets, which
  // are then told to reconnect elsewhere); the refund executor finishes its pass; the stores and
  // the database close. Within SHUTDOWN_GRACE_SECONDS exit 0, else exit 1 naming what was open.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const graceMs = config.SHUTDOWN_GRACE_SECONDS * 1000;
    const begun = performance.now();
    logger.info({ signal, graceMs }, 'shutting down: finishing what is under way');
    const force = setTimeout(() => {
      logger.error(
        { stillOpen: shutdown.stillOpen(), graceMs },
        'shutdown ran past its grace period; exiting with these still open',
      );
      void exit(logger, 1);
    }, graceMs);
    force.unref();
    try {
      await shutdown.run('http server', () => server.close());
    } catch (err) {
      logger.error({ err, stillOpen: shutdown.stillOpen() }, 'shutdown failed');
      return exit(logger, 1);
    }
    clearTimeout(force);
    logger.info({ ms: Math.round(performance.now() - begun) }, 'stopped');
    return exit(logger, 0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
}

/** Exits once the log lines written so far are out (a second at most). */
async function exit(logger: Logger, code: number): Promise<never> {
  process.exitCode = code;
  await new Promise<void>((resolve) => {
    setTimeout(resolve, 1000);
    logger.flush(() => resolve());
  });
  process.exit(code);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof ContentProblems || err instanceof FlowProblems) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(`refund-assistant failed to start: ${(err as Error)?.stack ?? String(err)}\n`);
  }
  process.exit(1);
});
