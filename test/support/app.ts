import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, inject } from 'vitest';
import { type App, createApp } from '../../app/app.js';
import { createChannels } from '../../app/channels.js';
import { loadConfig } from '../../app/config.js';
import { createLogger } from '../../app/logger.js';
import { buildServer } from '../../app/server.js';
import type { Channel } from '../../integrations/channels/channel.js';
import type { WidgetChannel } from '../../integrations/channels/widget/index.js';
import { recordFlowStep } from './flow-coverage.js';

/** Wednesday 2026-11-25, noon in Shanghai: every test sees the same "today". */
export const TEST_NOW = new Date('2026-11-25T04:00:00Z');

export interface TestApp {
  app: App;
  server: FastifyInstance;
  channels: Channel[];
  /** The widget channel (to drop its sockets, as a network would). */
  widget: WidgetChannel;
  dataDir: string;
  close(): Promise<void>;
}

/** What every instance of a test deployment sharing Redis or PostgreSQL is configured with. */
export const SHARED_SECRETS = {
  WIDGET_TOKEN_SECRET: 'test-widget-token-secret-shared-by-every-instance',
  FILE_LINK_SECRET: 'test-file-link-secret-shared-by-every-instance',
} as const;

/** A real app on a temporary data directory, with its HTTP server (not listening unless asked). */
export async function startTestApp(
  env: Record<string, string> = {},
  now: () => Date = () => TEST_NOW,
): Promise<TestApp> {
  const dataDir = env.DATA_DIR ?? mkdtempSync(path.join(os.tmpdir(), 'ra-test-'));
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    SANDBOX_PORT: '0',
    RATE_LIMIT_PER_MINUTE: '0',
    UPLOAD_RATE_PER_MINUTE: '0',
    // a shared deployment takes its secrets from the configuration (one instance makes its own)
    ...((env.REDIS_URL || env.DATABASE_URL) && SHARED_SECRETS),
    // the tests are the Bot Framework Emulator on this machine
    BOTFRAMEWORK_ANONYMOUS: 'true',
    CONVERSATION_RATE_PER_MINUTE: '0',
    // a digest would be one more Slack post in every Slack test: its own test turns it on
    SLACK_DIGEST_HOUR: 'off',
    ...env,
    DATA_DIR: dataDir,
  });
  const logger = createLogger('silent');
  const app = await createApp(config, logger, {
    clock: now,
    observeFlows: recordFlowStep(inject('flowCoverageDir')),
  });
  const channels = await createChannels(app);
  const server = await buildServer(app, { logger, channels });
  await server.ready();
  return {
    app,
    server,
    channels,
    widget: channels.find((c): c is WidgetChannel => c.name === 'widget') as WidgetChannel,
    dataDir,
    async close() {
      await server.close();
      if (!env.DATA_DIR) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * One app for a whole test file, started before its tests and closed after:
 *   const app = useTestApp();  …  new ChatUser(app().server)
 */
export function useTestApp(env: Record<string, string> = {}, now?: () => Date): () => TestApp {
  let t: TestApp | undefined;
  beforeAll(async () => {
    t = await startTestApp(env, now);
  });
  afterAll(async () => {
    await t?.close();
  });
  return () => {
    if (!t) throw new Error('the test app is not started yet');
    return t;
  };
}

/** Every audit record the app wrote (the database's audit table), oldest first. */
export async function auditRecords(
  app: App,
  kind?: 'lookups' | 'handoffs' | 'applications',
): Promise<Array<Record<string, unknown> & { kind: string }>> {
  const out: Array<Record<string, unknown> & { kind: string }> = [];
  for await (const r of app.audit.range({ from: '2000-01-01', to: '2999-12-31', ...(kind && { kind }) }))
    out.push(r as unknown as Record<string, unknown> & { kind: string });
  return out;
}
