import { App as BoltApp, SocketModeReceiver, webApi } from '@slack/bolt';
import type { FastifyPluginAsync } from 'fastify';
import type { App } from '../../../app/app.js';
import type { Logger } from '../../../contracts/logger.js';
import { allowListed } from './access.js';
import { boltLogger } from './bolt-logger.js';
import { registerCommands } from './commands.js';
import { Agents, type SlackDeps } from './deps.js';
import { SlackDesk } from './desk.js';
import { registerHandoffListeners } from './handoff-listeners.js';
import { registerKnowledgeListeners } from './knowledge-listeners.js';
import { FastifyReceiver, slackRoute } from './receiver.js';
import { wordsFor } from './words.js';

export { fromMrkdwn, toMrkdwn } from './mrkdwn.js';

export interface SlackChannel {
  mode: 'http' | 'socket';
  /** POST /slack/events, in HTTP mode. */
  routes?: FastifyPluginAsync;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const RETRY_MS = 30_000;

/**
 * The Slack app for support agents (Bolt): `/refund`, `/kb`, mentions, App Home, and handoff
 * threads in the support channel. HTTP mode on our own server at /slack/events, or Socket Mode when
 * SLACK_APP_TOKEN is set. Off (undefined) without SLACK_BOT_TOKEN; the rest works without it.
 */
export function createSlackChannel(app: App, logger: Logger): SlackChannel | undefined {
  const { config } = app;
  const token = config.SLACK_BOT_TOKEN;
  if (!token) return undefined;
  const log = logger.child({ channel: 'slack' });
  const bolt = boltLogger(logger);
  const clientOptions: webApi.WebClientOptions = {
    slackApiUrl: config.SLACK_API_URL,
    logger: bolt,
    timeout: 4000,
    // a handoff waits on these calls: fail fast rather than the client's default half hour of retries
    retryConfig: { retries: 1, factor: 1, minTimeout: 250, maxTimeout: 1000 },
  };
  const socket = config.SLACK_APP_TOKEN !== undefined;
  const receiver = socket
    ? new SocketModeReceiver({
        appToken: config.SLACK_APP_TOKEN as string,
        logger: bolt,
        installerOptions: { clientOptions },
      })
    : new FastifyReceiver({ signingSecret: config.SLACK_SIGNING_SECRET as string, logger: bolt });
  const words = wordsFor(config.SLACK_LANG);
  const support = config.SLACK_SUPPORT_CHANNEL;
  const base = config.PUBLIC_BASE_URL;
  let bolted: BoltApp | undefined;
  let retry: NodeJS.Timeout | undefined;
  let stopped = false;

  // Who the bot is (and which workspace is its own) comes from auth.test, once, before Bolt starts:
  // Bolt would otherwise retry it for half an hour in its constructor when Slack is unreachable.
  const connect = async () => {
    const auth = await new webApi.WebClient(token, clientOptions).auth.test();
    const b = new BoltApp({
      token,
      receiver,
      botId: auth.bot_id as string,
      botUserId: auth.user_id as string,
      clientOptions,
      logger: bolt,
      convoStore: false,
    });
    const teams = config.SLACK_ALLOWED_TEAM_IDS.length
      ? config.SLACK_ALLOWED_TEAM_IDS
      : [auth.team_id].filter((t): t is string => typeof t === 'string');
    const channels = config.SLACK_ALLOWED_CHANNEL_IDS.length
      ? [...config.SLACK_ALLOWED_CHANNEL_IDS, ...(support ? [support] : [])]
      : [];
    b.use(allowListed({ teams, channels, logger: log, words }));
    const desk = support
      ? new SlackDesk({
          client: b.client,
          channel: support,
          words,
          threads: app.state.keyValue('slack-threads'),
          ttlMs: config.CONVERSATION_TTL_HOURS * 3_600_000,
          fileLink: (a) => (base ? `${base}${app.fileLinks.path(a.id, app.clock())}` : undefined),
        })
      : undefined;
    const deps: SlackDeps = {
      assistant: app.assistant,
      lookups: app.lookups,
      handoffs: app.handoffs,
      registry: app.handoffRegistry,
      store: app.store,
      words,
      lang: config.SLACK_LANG,
      logger: log,
      clock: app.clock,
      agents: new Agents(log),
      ...(desk && { desk }),
      ...(support && { supportChannel: support }),
    };
    registerCommands(b, deps);
    registerHandoffListeners(b, deps);
    registerKnowledgeListeners(b, deps);
    b.error(async (err) => {
      log.error({ err }, 'slack listener failed');
    });
    if (socket) await b.start();
    bolted = b;
    app.handoffs.connect(desk);
    log.info(
      {
        mode: socket ? 'socket' : 'http',
        team: auth.team_id,
        bot: auth.user_id,
        handoffs: Boolean(desk),
        teams,
      },
      'slack connected',
    );
    if (!desk) log.warn('SLACK_SUPPORT_CHANNEL is not set: agents get look-ups and answers, but no handoffs');
  };

  const attempt = async (): Promise<void> => {
    try {
      await connect();
    } catch (err) {
      log.error({ err, retryInSeconds: RETRY_MS / 1000 }, 'slack unavailable');
      if (!stopped) retry = setTimeout(() => void attempt(), RETRY_MS).unref();
    }
  };

  return {
    mode: socket ? 'socket' : 'http',
    ...(receiver instanceof FastifyReceiver && {
      routes: async (scope) => {
        await scope.register(slackRoute, { receiver });
      },
    }),
    start: attempt,
    async stop() {
      stopped = true;
      clearTimeout(retry);
      app.handoffs.connect(undefined);
      if (socket && bolted) await bolted.stop().catch((err: unknown) => log.warn({ err }, 'slack stop'));
    },
  };
}
