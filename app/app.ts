import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Answers } from '../bot/answers.js';
import { ApplicationDialogue } from '../bot/applications/dialogue.js';
import {
  type ApplicationService,
  ApplicationSteps,
  arrivalWindow,
  RefundExecutor,
} from '../bot/applications/index.js';
import { Assistant } from '../bot/assistant.js';
import { ConversationStore } from '../bot/conversations/store.js';
import { HandoffRegistry, HandoffService, type TicketStore } from '../bot/handoff/index.js';
import { InsightsRecorder } from '../bot/insights/index.js';
import type { LookupService } from '../bot/lookups/index.js';
import { sayFor } from '../bot/messages.js';
import type { EventBus } from '../bot/ports.js';
import { type Flow, type LookupPort, loadFlows } from '../flows/engine/index.js';
import { MerchantTokens } from '../integrations/channels/widget/merchant-token.js';
import { LakalaGateway } from '../integrations/connectors/lakala/client.js';
import { meteredGateway } from '../integrations/observability/metered-gateway.js';
import { PromMetrics } from '../integrations/observability/metrics.js';
import { type Database, SqlAudit, SqlInsights, SqlTicketStore } from '../integrations/stores/db/index.js';
import { FileLinks } from '../integrations/stores/file-links.js';
import { StateStore } from '../integrations/stores/keyv.js';
import { scheduleSweeps, UploadStore } from '../integrations/stores/uploads.js';
import {
  Commands,
  type Content,
  formatDate,
  type Lang,
  loadContent,
  type SegmenterKind,
  todayIn,
  Understander,
  WorkingDays,
} from '../knowledge/index.js';
import { type Acquirer, createAcquirer } from './acquirer.js';
import { openBusiness } from './business.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { applicationRules, createApplications, createBus, createLookups } from './services.js';
import { ShutdownSteps } from './shutdown.js';

export interface App {
  config: Config;
  logger: Logger;
  content: Content;
  flows: readonly Flow[];
  understander: Understander;
  assistant: Assistant;
  store: ConversationStore;
  state: StateStore;
  acquirer: Acquirer;
  lookups: LookupService;
  handoffs: HandoffService;
  handoffRegistry: HandoffRegistry;
  /** Messages left for a person (`cli tickets`). */
  tickets: TicketStore;
  audit: SqlAudit;
  /** Business records: applications, tickets, the audit trail (SQLite file, or DATABASE_URL). */
  database: Database;
  applications: ApplicationService;
  executor: RefundExecutor;
  /** What support leads see on /insights: the core's recorder and the store it writes to. */
  insights: InsightsRecorder;
  insightsStore: SqlInsights;
  /** Deletes insight events older than INSIGHTS_RETENTION_DAYS (hourly on its own); how many. */
  sweepInsights(): Promise<number>;
  bus: EventBus;
  tokens: MerchantTokens;
  uploads: UploadStore;
  /** Signed links to uploads, for agents. */
  fileLinks: FileLinks;
  clock: () => Date;
  articleUrl: (id: string, lang: Lang) => string;
  /** Counters, histograms and scrape-time gauges (GET /metrics). */
  metrics: PromMetrics;
  /** Stops the periodic jobs (the executor after its pass under way), then closes the acquirer, the bus, the state and the database. */
  close(steps?: ShutdownSteps): Promise<void>;
}

export interface AppOptions {
  segmenter?: SegmenterKind;
  clock?: () => Date;
  lookup?: LookupPort;
  observeFlows?: (flow: string, from: string | undefined, to: string) => void;
  /** The CLI: use a running server's sandbox acquirer rather than a throwaway one of its own. */
  joinRunningSandbox?: boolean;
  /** The CLI: an acquirer of its own (one opened at its first call), instead of createAcquirer's. */
  acquirer?: Acquirer;
}

/**
 * The composition root: content → understanding → state → acquirer and look-ups → assistant.
 * Channels are added on top.
 */
export async function createApp(config: Config, logger: Logger, options: AppOptions = {}): Promise<App> {
  const content = loadContent({ refundWindowDays: config.REFUND_WINDOW_DAYS });
  const flows = loadFlows({ articleIds: new Set(content.articles.map((a) => a.id)) });
  const understander = await Understander.create(content, {
    segmenter: options.segmenter ?? 'icu',
    cacheDir: path.join(config.dataDir, 'cache'),
  });
  const state = await StateStore.open({
    dataDir: config.dataDir,
    redisUrl: config.REDIS_URL,
    keyPrefix: config.REDIS_KEY_PREFIX,
    commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
    checkpointInThread: true,
    logger,
  });
  const store = new ConversationStore({
    records: state.keyValue('conversation'),
    transcripts: state.transcripts('conversation'),
    lock: state.lock,
    ttlMs: config.CONVERSATION_TTL_HOURS * 3_600_000,
    logger,
  });
  const clock = options.clock ?? (() => new Date());
  const bus = await createBus(config, logger, state);
  const tokens = await MerchantTokens.create({
    secret: config.WIDGET_TOKEN_SECRET,
    publicKeyPem: config.WIDGET_TOKEN_PUBLIC_KEY_FILE
      ? readFileSync(config.WIDGET_TOKEN_PUBLIC_KEY_FILE, 'utf8')
      : undefined,
    dataDir: config.dataDir,
  });
  const acquirer =
    options.acquirer ??
    (await createAcquirer(config, logger, {
      clock: options.clock,
      joinRunningSandbox: options.joinRunningSandbox ?? false,
    }));
  const metrics = new PromMetrics();
  const unmetered = acquirer.gateway;
  acquirer.gateway = meteredGateway(unmetered, metrics);
  const database = await openBusiness(config, { checkpointInThread: { logger } });
  const uploads = new UploadStore({
    database,
    // an explicit UPLOAD_DIR wins; else the shared database holds the bytes, or DATA_DIR/uploads
    bytesIn: config.DATABASE_URL && !config.UPLOAD_DIR ? 'database' : 'directory',
    dir: config.UPLOAD_DIR ? path.resolve(config.UPLOAD_DIR) : path.join(config.dataDir, 'uploads'),
    maxBytes: config.UPLOAD_MAX_BYTES,
    perConversation: {
      files: config.UPLOAD_CONVERSATION_MAX_FILES,
      bytes: config.UPLOAD_CONVERSATION_MAX_BYTES,
    },
    retentionDays: config.UPLOAD_RETENTION_DAYS,
    sweepUnrecorded: !config.UPLOAD_DIR || config.DATABASE_URL !== undefined,
    // an application not finished yet (its decision or its refund still to come) keeps its proof
    stillNeeded: async () =>
      (await applications.store.list({ status: ['submitted', 'in_review', 'approved'] })).flatMap((a) =>
        a.proof.map((p) => p.id),
      ),
    clock,
  });
  if (config.REDIS_URL && !config.DATABASE_URL && !config.UPLOAD_DIR)
    logger.warn(
      "REDIS_URL is set but uploads are kept in this instance's DATA_DIR: with several instances, set DATABASE_URL or UPLOAD_DIR so that every instance serves every upload",
    );
  const audit = new SqlAudit(database);
  const insightsStore = new SqlInsights(database, { clock });
  const insights = new InsightsRecorder({ writer: insightsStore, logger, clock });
  // words, answers and the working-day calendar, built once for everyone who speaks
  const say = sayFor(content);
  const calendar = new WorkingDays();
  const articleUrl = (id: string, lang: Lang) =>
    `${config.PUBLIC_BASE_URL ?? ''}/kb/${lang}/${encodeURIComponent(id)}`;
  const answers = new Answers({
    articles: understander.search,
    intents: new Map(content.intents.map((i) => [i.id, i])),
    mainTopics: content.mainTopics,
    say,
    articleUrl,
  });
  const lookups = createLookups(config, {
    gateway: acquirer.gateway,
    state,
    audit,
    content,
    say,
    calendar,
    logger,
    clock,
    metrics,
    insights,
  });
  const handoffRegistry = new HandoffRegistry({
    records: state.keyValue('handoffs'),
    lock: state.lock,
    clock,
  });
  const tickets = new SqlTicketStore(database);
  // one set of command words for the whole conversation (the handoff's ticket writer included)
  const commands = new Commands(content.commands, content.corrections);
  const handoffs = new HandoffService({
    store,
    tickets,
    hotline: {
      ...content.policy.supportHotline,
      number: config.SUPPORT_HOTLINE ?? content.policy.supportHotline.number,
    },
    commands,
    registry: handoffRegistry,
    answers,
    say,
    logger,
    clock,
    bus,
    claimTimeoutMs: config.HANDOFF_CLAIM_TIMEOUT_MINUTES * 60_000,
    insights,
    suggest: (message, lang) => assistant.understand(message, lang).articles[0],
    audit: ({ action, conversationId, agent, outcome, desk }) =>
      audit
        .write(
          {
            at: clock().toISOString(),
            role: 'agent',
            channel: desk,
            conversationId,
            ...(agent && { actor: agent.id }),
            what: `handoff.${action}`,
            query: {},
            outcome,
          },
          'handoffs',
        )
        .catch((err: unknown) => logger.error({ err }, 'could not write the audit record')),
  });
  const parts = applicationRules(config, content, calendar, clock);
  const { rules, words, notices } = parts;
  const fileLinks = FileLinks.create({ secret: config.FILE_LINK_SECRET, dataDir: config.dataDir });
  const applications: ApplicationService = createApplications(config, {
    database,
    gateway: acquirer.gateway,
    content,
    parts,
    store,
    bus,
    runner: () => assistant.runner,
    audit,
    fileLinks,
    logger,
    clock,
    insights,
  });
  const executor = new RefundExecutor({
    store: applications.store,
    gateway: acquirer.gateway,
    logger,
    clock,
    leaseMs: config.APPLICATION_JOB_LEASE_SECONDS * 1000,
    changed: (a) => applications.changed(a),
    insights,
    arrivalWindow: (a) => arrivalWindow(a, notices),
  });
  const assistant: Assistant = new Assistant({
    applications: {
      steps: new ApplicationSteps({
        service: applications,
        rules,
        words,
        windowDays: content.policy.refundWindowDays,
      }),
      dialogue: new ApplicationDialogue({ service: applications, rules, words, notices }),
    },
    content,
    commands,
    understander,
    store,
    logger,
    flows,
    maxMessageChars: config.MAX_MESSAGE_CHARS,
    flowIdleMinutes: config.FLOW_IDLE_MINUTES,
    say,
    answers,
    calendar,
    lookup: options.lookup ?? lookups,
    bus,
    clock,
    handoffs,
    insights,
    ...(options.observeFlows && { observeFlows: options.observeFlows }),
    metrics,
  });
  metrics.probe({
    handoffsWaiting: async () => (await handoffRegistry.list()).filter((h) => h.status === 'waiting').length,
    refundJobsPending: async () => (await applications.store.pendingJobs()).length,
    // half-open counts as open: calls are still refused but for the one probe
    breakers: () =>
      unmetered instanceof LakalaGateway
        ? [{ name: unmetered.name, open: unmetered.circuit !== 'closed' }]
        : [],
  });
  // a waiting handoff nobody claims is noticed within a quarter of the timeout (every instance
  // sweeps; the conversation's lock makes sure the user is told once)
  const sweeper = setInterval(
    () => void handoffs.sweep().catch((err: unknown) => logger.warn({ err }, 'handoff sweep failed')),
    Math.min(30_000, (config.HANDOFF_CLAIM_TIMEOUT_MINUTES * 60_000) / 4),
  ).unref();
  // every instance sweeps uploads past UPLOAD_RETENTION_DAYS (a record is deleted by one of them)
  const uploadSweeps = scheduleSweeps(uploads, { everyMs: 3_600_000, firstAfterMs: 60_000, logger });
  // insights older than the retention go, at start and hourly (every instance: a delete twice is none)
  const sweepInsights = () =>
    insightsStore.deleteBefore(
      formatDate(todayIn(new Date(clock().getTime() - config.INSIGHTS_RETENTION_DAYS * 86_400_000))),
    );
  // the sweep under way is awaited on close (a command done before it must not close the database under it)
  let sweeping: Promise<unknown> = Promise.resolve();
  const retention = () => {
    sweeping = sweepInsights().catch((err: unknown) =>
      logger.warn({ err }, 'could not delete old insight events'),
    );
  };
  retention();
  const retentionSweeper = setInterval(retention, 3_600_000).unref();
  return {
    config,
    logger,
    content,
    flows,
    understander,
    assistant,
    store,
    state,
    acquirer,
    lookups,
    handoffs,
    handoffRegistry,
    tickets,
    audit,
    database,
    applications,
    executor,
    insights,
    insightsStore,
    sweepInsights,
    bus,
    tokens,
    uploads,
    fileLinks,
    clock,
    articleUrl,
    metrics,
    async close(steps = new ShutdownSteps()) {
      clearInterval(sweeper);
      clearInterval(retentionSweeper);
      await steps.run('upload sweeps', () => uploadSweeps.stop());
      // the executor first: a refund under way at the acquirer is recorded before the database goes
      await steps.run('refund executor', () => executor.stop());
      // then the insight events still queued (the executor's last among them)
      await steps.run('insights', async () => {
        await sweeping;
        await insights.close();
      });
      await steps.run('acquirer', () => acquirer.close());
      await steps.run('bus', () => bus.close());
      await steps.run('state store', () => state.close());
      await steps.run('database', () => database.close());
    },
  };
}
