import { App as BoltApp, SocketModeReceiver, webApi } from '@slack/bolt';
import type { ChannelHost } from '../../../bot/host.js';
import type { Attachment } from '../../../contracts/messages.js';
import type { Lang } from '../../../knowledge/index.js';
import type { Channel } from '../channel.js';
import { allowListed } from './access.js';
import { boltLogger } from './bolt-logger.js';
import { registerCommands } from './commands.js';
import { Agents, type SlackDeps } from './deps.js';
import { SlackDesk } from './desk.js';
import { SlackDigest, type SlackDigestOptions } from './digest.js';
import { registerHandoffListeners } from './handoff-listeners.js';
import { registerKnowledgeListeners } from './knowledge-listeners.js';
import { FastifyReceiver, slackRoute } from './receiver.js';
import { type CardPlace, SlackReviewDesk } from './review-desk.js';
import { registerReviewListeners } from './review-listeners.js';
import { wordsFor } from './words.js';

export { fromMrkdwn, toMrkdwn } from './mrkdwn.js';

export interface SlackOptions {
  botToken: string;
  /** HTTP mode: requests to /slack/events are verified with it. */
  signingSecret?: string | undefined;
  /** Socket Mode instead of HTTP. */
  appToken?: string | undefined;
  /** Where handoffs open as threads; unset: look-ups and answers only. */
  supportChannel?: string | undefined;
  /** Where refund applications are reviewed (a card each); unset: the support channel, if any. */
  reviewChannel?: string | undefined;
  /** Workspaces served; empty: the bot token's own. */
  allowedTeamIds: readonly string[];
  /** Channels served besides the support channel; empty: every channel. */
  allowedChannelIds: readonly string[];
  apiUrl: string;
  /** The app's own words to agents. */
  lang: Lang;
  /** How long a handoff thread is remembered (the conversation's lifetime). */
  threadTtlMs: number;
  /** An absolute, signed link agents open an upload with; undefined when there is no public URL. */
  fileLink(attachment: Attachment): string | undefined;
  /** Yesterday's numbers in the support channel every morning; undefined: no digest. */
  digest?: Omit<SlackDigestOptions, 'client' | 'channel' | 'words' | 'clock' | 'logger'> | undefined;
}

const RETRY_MS = 30_000;
// cards missed while Slack was unreachable are posted within this long
const REVIEW_SWEEP_MS = 5 * 60_000;
// the digest is due from its hour on: looked at this often (the database lets one instance post)
const DIGEST_TICK_MS = 5 * 60_000;

/**
 * The Slack app for support agents (Bolt): `/refund`, `/kb`, mentions, App Home, and handoff
 * threads in the support channel. HTTP mode on our own server at /slack/events, or Socket Mode when
 * SLACK_APP_TOKEN is set. Off (undefined) without SLACK_BOT_TOKEN; the rest works without it.
 */
export function create(host: ChannelHost, options: SlackOptions): Channel {
  const token = options.botToken;
  const log = host.logger.child({ channel: 'slack' });
  const bolt = boltLogger(host.logger);
  const clientOptions: webApi.WebClientOptions = {
    slackApiUrl: options.apiUrl,
    logger: bolt,
    timeout: 4000,
    // a handoff waits on these calls: fail fast rather than the client's default half hour of retries
    retryConfig: { retries: 1, factor: 1, minTimeout: 250, maxTimeout: 1000 },
  };
  const socket = options.appToken !== undefined;
  const receiver = socket
    ? new SocketModeReceiver({
        appToken: options.appToken as string,
        logger: bolt,
        installerOptions: { clientOptions },
      })
    : new FastifyReceiver({ signingSecret: options.signingSecret as string, logger: bolt });
  const words = wordsFor(options.lang);
  const support = options.supportChannel;
  const reviewChannel = options.reviewChannel ?? support;
  let bolted: BoltApp | undefined;
  let retry: NodeJS.Timeout | undefined;
  let sweeper: NodeJS.Timeout | undefined;
  let digestTimer: NodeJS.Timeout | undefined;
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
    const teams = options.allowedTeamIds.length
      ? [...options.allowedTeamIds]
      : [auth.team_id].filter((t): t is string => typeof t === 'string');
    const channels = options.allowedChannelIds.length
      ? [...options.allowedChannelIds, ...[support, reviewChannel].filter((c): c is string => Boolean(c))]
      : [];
    b.use(allowListed({ teams, channels, logger: log, words }));
    const desk = support
      ? new SlackDesk({
          client: b.client,
          channel: support,
          words,
          threads: host.records('slack-threads'),
          ttlMs: options.threadTtlMs,
          fileLink: options.fileLink,
        })
      : undefined;
    const deps: SlackDeps = {
      assistant: host.assistant,
      lookups: host.lookups,
      handoffs: host.handoffs,
      registry: host.handoffRegistry,
      store: host.conversations,
      words,
      lang: options.lang,
      logger: log,
      clock: () => host.clock(),
      agents: new Agents(log),
      ...(desk && { desk }),
      ...(support && { supportChannel: support }),
    };
    registerCommands(b, deps);
    registerHandoffListeners(b, deps);
    registerKnowledgeListeners(b, deps);
    const reviewDesk = reviewChannel
      ? new SlackReviewDesk({
          client: b.client,
          channel: reviewChannel,
          words,
          lang: options.lang,
          say: host.assistant.say,
          cards: host.records<CardPlace>('slack-review-cards'),
          lock: host.lock,
          logger: log,
        })
      : undefined;
    if (reviewDesk)
      registerReviewListeners(b, {
        review: host.applications,
        words,
        lang: options.lang,
        agents: deps.agents,
        logger: log,
      });
    b.error(async (err) => {
      log.error({ err }, 'slack listener failed');
    });
    if (socket) await b.start();
    bolted = b;
    host.handoffs.connect(desk);
    host.applications.attachDesk(reviewDesk);
    if (reviewDesk) {
      const sweep = () =>
        void reviewDesk
          .sweep(host.applications)
          .then(
            (posted) => posted && log.info({ posted }, 'review cards posted for applications without one'),
          )
          .catch((err: unknown) => log.warn({ err }, 'review card sweep failed'));
      sweep();
      sweeper = setInterval(sweep, REVIEW_SWEEP_MS).unref();
    }
    if (support && options.digest) {
      const digest = new SlackDigest({
        ...options.digest,
        client: b.client,
        channel: support,
        words,
        clock: () => host.clock(),
        logger: log,
      });
      const tick = () =>
        void digest.tick().catch((err: unknown) => log.warn({ err }, 'daily digest not posted'));
      tick();
      digestTimer = setInterval(tick, DIGEST_TICK_MS).unref();
    }
    log.info(
      {
        mode: socket ? 'socket' : 'http',
        team: auth.team_id,
        bot: auth.user_id,
        handoffs: Boolean(desk),
        reviews: reviewChannel ?? false,
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
    name: 'slack',
    ...(receiver instanceof FastifyReceiver && {
      async routes(server) {
        await server.register(slackRoute, { receiver });
      },
    }),
    start: attempt,
    async stop() {
      stopped = true;
      clearTimeout(retry);
      clearInterval(sweeper);
      clearInterval(digestTimer);
      host.handoffs.connect(undefined);
      host.applications.attachDesk(undefined);
      if (socket && bolted) await bolted.stop().catch((err: unknown) => log.warn({ err }, 'slack stop'));
    },
  };
}
