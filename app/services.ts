import { ConversationInbox } from '../bot/applications/conversation-inbox.js';
import {
  type ApplicationRules,
  ApplicationService,
  loadApplicationRules,
  type NoticeDeps,
  type Words,
  wordsOf,
} from '../bot/applications/index.js';
import type { ConversationStore } from '../bot/conversations/store.js';
import type { InsightsRecorder } from '../bot/insights/index.js';
import { Lockouts, LookupService, type PaymentGateway } from '../bot/lookups/index.js';
import type { Say } from '../bot/messages.js';
import type { Metrics } from '../bot/metrics.js';
import type { AuditSink, EventBus } from '../bot/ports.js';
import type { FlowRunner } from '../flows/engine/index.js';
import { InProcessBus, RedisBus } from '../integrations/stores/bus.js';
import { type Database, SqlApplicationStore } from '../integrations/stores/db/index.js';
import type { FileLinks } from '../integrations/stores/file-links.js';
import type { StateStore } from '../integrations/stores/keyv.js';
import { createRedis } from '../integrations/stores/redis.js';
import type { Content, Lang, WorkingDays } from '../knowledge/index.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';

// The services createApp composes that an operator's command also needs on its own (app/cli: a
// look-up without the model, a decision on an application without the assistant): built here once,
// so the CLI's are configured exactly as the server's.

/** In-process, or Redis pub/sub on a connection of its own when the state is in Redis. */
export async function createBus(config: Config, logger: Logger, state: StateStore): Promise<EventBus> {
  if (!config.REDIS_URL || !state.redis) return new InProcessBus();
  const subscriber = createRedis(config.REDIS_URL, logger, {
    commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
    role: 'bus',
  });
  await subscriber.connect();
  return new RedisBus(state.redis, subscriber, logger, state.prefix);
}

/** Look-ups behind the lock-out, the audit and the short cache, as LOOKUP_* configure them. */
export function createLookups(
  config: Config,
  deps: {
    gateway: PaymentGateway;
    state: StateStore;
    audit: AuditSink;
    content: Content;
    say: Say;
    calendar: WorkingDays;
    logger: Logger;
    clock: () => Date;
    metrics?: Metrics;
    insights: InsightsRecorder;
  },
): LookupService {
  const { gateway, state, audit, content, say, calendar, logger, clock, metrics, insights } = deps;
  return new LookupService({
    gateway,
    lockouts: new Lockouts({
      counters: state.counters('lookup-failures'),
      maxFailures: config.LOOKUP_MAX_FAILURES,
      maxAddressFailures: config.LOOKUP_ADDRESS_MAX_FAILURES,
      windowMs: config.LOOKUP_LOCK_MINUTES * 60_000,
    }),
    lockMinutes: config.LOOKUP_LOCK_MINUTES,
    audit,
    cache: state.keyValue('lookup-cache'),
    cacheMs: config.LOOKUP_CACHE_SECONDS * 1000,
    logger,
    clock,
    say,
    calendar,
    arrivalMethods: content.arrivalMethods,
    ...(metrics && { metrics }),
    insights,
  });
}

/** The application rules (knowledge/applications.yml) and what every notice to a merchant needs. */
export function applicationRules(
  config: Config,
  content: Content,
  calendar: WorkingDays,
  clock: () => Date,
): { rules: ApplicationRules; words: Words; hotline: (lang: Lang) => string; notices: NoticeDeps } {
  const rules = loadApplicationRules();
  const words = wordsOf(rules);
  const hotline = (lang: Lang) =>
    `${content.policy.supportHotline.name[lang]} ${config.SUPPORT_HOTLINE ?? content.policy.supportHotline.number}`;
  const notices = { words, rules, calendar, arrivalMethods: content.arrivalMethods, hotline, clock };
  return { rules, words, hotline, notices };
}

/** Refund applications on the business database, the merchant told in their conversation. */
export function createApplications(
  config: Config,
  deps: {
    database: Database;
    gateway: PaymentGateway;
    content: Content;
    parts: ReturnType<typeof applicationRules>;
    store: ConversationStore;
    bus: EventBus;
    /** The flow runner a reviewer's question opens the answer flow with. */
    runner: () => FlowRunner;
    audit: AuditSink;
    fileLinks: FileLinks;
    logger: Logger;
    clock: () => Date;
    insights: InsightsRecorder;
  },
): ApplicationService {
  const { database, gateway, content, store, bus, runner, audit, fileLinks, logger, clock, insights } = deps;
  const { rules, words, hotline, notices } = deps.parts;
  return new ApplicationService({
    store: new SqlApplicationStore(database),
    gateway,
    rules,
    words,
    refundWindowDays: content.policy.refundWindowDays,
    fourEyesAboveFen: config.APPLICATION_FOUR_EYES_FEN ?? rules.fourEyesAboveFen,
    reviewers: config.APPLICATION_REVIEWERS,
    hotline,
    inbox: new ConversationInbox({ store, bus, runner, notices, logger, clock }),
    audit,
    proofLink: (a) =>
      config.PUBLIC_BASE_URL ? `${config.PUBLIC_BASE_URL}${fileLinks.path(a.id, clock())}` : undefined,
    logger,
    clock,
    insights,
  });
}
