// What an operator's command may open, each only when the command first asks for it and each
// closed (last opened, first closed) when the command is done. A command declares its needs in the
// command table (index.ts); asking for anything else is a mistake in this code, not the user's.
// Every module is imported on first use: `tickets list` never loads the understanding, the flows
// or the acquirer's code, let alone trains a model or starts a sandbox.
import type { ApplicationService, ApplicationStore } from '../../bot/applications/index.js';
import type { ConversationStore } from '../../bot/conversations/store.js';
import type { InsightsRecorder } from '../../bot/insights/index.js';
import type { LookupService, PaymentGateway } from '../../bot/lookups/index.js';
import type { Say } from '../../bot/messages.js';
import type { EventBus } from '../../bot/ports.js';
import type { Flow } from '../../flows/engine/index.js';
import type { Database, SqlAudit } from '../../integrations/stores/db/index.js';
import type { StateStore } from '../../integrations/stores/keyv.js';
import type { Content, WorkingDays } from '../../knowledge/index.js';
import type { Acquirer } from '../acquirer.js';
import type { App } from '../app.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';

/**
 * - `database`: the business records (SQLite file or DATABASE_URL), with the audit trail and insights
 * - `content`: articles, messages, policy (validated; no index, no model)
 * - `flows`: the troubleshooting trees (their article references checked against the content)
 * - `state`: the conversation store and the bus (SQLite file or REDIS_URL)
 * - `acquirer`: the payment gateway (LAKALA_BASE_URL, or a running server's sandbox, or one of its own)
 * - `assistant`: the whole app — understanding with its trained model, and all of the above
 */
export type Need = 'database' | 'content' | 'flows' | 'state' | 'acquirer' | 'assistant';

export class Resources {
  private readonly opened = new Map<string, Promise<unknown>>();
  private readonly closers: Array<{ name: string; close: () => Promise<void> }> = [];

  constructor(
    private readonly command: string,
    private readonly needs: ReadonlySet<Need>,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** Each thing once: the second caller gets the first one's. */
  private once<T>(name: string, need: Need | undefined, open: () => Promise<T>): Promise<T> {
    if (need && !this.needs.has(need))
      throw new Error(
        `the ${this.command} command asked for ${name}, but does not declare "${need}" in its needs`,
      );
    let p = this.opened.get(name) as Promise<T> | undefined;
    if (!p) {
      p = open();
      this.opened.set(name, p);
    }
    return p;
  }

  private closing(name: string, close: () => Promise<void>): void {
    this.closers.push({ name, close });
  }

  /** Closes what was opened, in reverse order; every one is tried, the first failure thrown after. */
  async close(): Promise<void> {
    let failure: unknown;
    for (const { close } of this.closers.splice(0).reverse()) {
      try {
        await close();
      } catch (err) {
        failure ??= err;
      }
    }
    if (failure) throw failure;
  }

  config(): Promise<Config> {
    return this.once('the configuration', undefined, async () => {
      const { loadConfig } = await import('../config.js');
      return loadConfig(this.env);
    });
  }

  /** stdout belongs to the command's output: logs go to stderr, and only warnings unless LOG_LEVEL says. */
  logger(): Promise<Logger> {
    return this.once('the logger', undefined, async () => {
      const [config, { createLogger }] = await Promise.all([this.config(), import('../logger.js')]);
      return createLogger(this.env.LOG_LEVEL ? config.LOG_LEVEL : 'warn', undefined, 2);
    });
  }

  database(): Promise<Database> {
    return this.once('the database', 'database', async () => {
      const [config, { openBusiness }] = await Promise.all([this.config(), import('../business.js')]);
      const database = await openBusiness(config);
      this.closing('database', () => database.close());
      return database;
    });
  }

  audit(): Promise<SqlAudit> {
    return this.once('the audit trail', 'database', async () => {
      const [database, { SqlAudit }] = await Promise.all([
        this.database(),
        import('../../integrations/stores/db/index.js'),
      ]);
      return new SqlAudit(database);
    });
  }

  /** Insight events (a look-up's, a decision's), written before the database closes. */
  insights(): Promise<InsightsRecorder> {
    return this.once('the insights recorder', 'database', async () => {
      const [database, logger, { SqlInsights }, { InsightsRecorder }] = await Promise.all([
        this.database(),
        this.logger(),
        import('../../integrations/stores/db/index.js'),
        import('../../bot/insights/index.js'),
      ]);
      const recorder = new InsightsRecorder({
        writer: new SqlInsights(database),
        logger,
        clock: () => new Date(),
      });
      this.closing('insights', () => recorder.close());
      return recorder;
    });
  }

  applicationStore(): Promise<ApplicationStore> {
    return this.once('the application store', 'database', async () => {
      const [database, { SqlApplicationStore }] = await Promise.all([
        this.database(),
        import('../../integrations/stores/db/index.js'),
      ]);
      return new SqlApplicationStore(database);
    });
  }

  content(): Promise<Content> {
    return this.once('the content', 'content', async () => {
      const [config, { loadContent }] = await Promise.all([
        this.config(),
        import('../../knowledge/index.js'),
      ]);
      return loadContent({ refundWindowDays: config.REFUND_WINDOW_DAYS });
    });
  }

  /** The message words and the working-day calendar, as the server's assistant has them. */
  words(): Promise<{ say: Say; calendar: WorkingDays }> {
    return this.once('the message words', 'content', async () => {
      const [content, { sayFor }, { WorkingDays }] = await Promise.all([
        this.content(),
        import('../../bot/messages.js'),
        import('../../knowledge/index.js'),
      ]);
      return { say: sayFor(content), calendar: new WorkingDays() };
    });
  }

  flows(): Promise<readonly Flow[]> {
    return this.once('the flows', 'flows', async () => {
      const { loadKnownFlows } = await import('./content.js');
      return loadKnownFlows();
    });
  }

  state(): Promise<StateStore> {
    return this.once('the state store', 'state', async () => {
      const [config, logger, { StateStore }] = await Promise.all([
        this.config(),
        this.logger(),
        import('../../integrations/stores/keyv.js'),
      ]);
      const state = await StateStore.open({
        dataDir: config.dataDir,
        redisUrl: config.REDIS_URL,
        keyPrefix: config.REDIS_KEY_PREFIX,
        commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
        logger,
      });
      this.closing('state store', () => state.close());
      return state;
    });
  }

  bus(): Promise<EventBus> {
    return this.once('the bus', 'state', async () => {
      const [config, logger, state, { createBus }] = await Promise.all([
        this.config(),
        this.logger(),
        this.state(),
        import('../services.js'),
      ]);
      const bus = await createBus(config, logger, state);
      this.closing('bus', () => bus.close());
      return bus;
    });
  }

  /** Conversations, as the server keeps them: where a decision's notice to the merchant goes. */
  conversations(): Promise<ConversationStore> {
    return this.once('the conversations', 'state', async () => {
      const [config, logger, state, { ConversationStore }] = await Promise.all([
        this.config(),
        this.logger(),
        this.state(),
        import('../../bot/conversations/store.js'),
      ]);
      return new ConversationStore({
        records: state.keyValue('conversation'),
        transcripts: state.transcripts('conversation'),
        lock: state.lock,
        ttlMs: config.CONVERSATION_TTL_HOURS * 3_600_000,
        logger,
      });
    });
  }

  /** With no acquirer configured, a running server's sandbox (its refunds are the ones to show); else one of the CLI's own. */
  acquirer(): Promise<Acquirer> {
    return this.once('the acquirer', 'acquirer', async () => {
      const [config, logger, { createAcquirer }] = await Promise.all([
        this.config(),
        this.logger(),
        import('../acquirer.js'),
      ]);
      const acquirer = await createAcquirer(config, logger, { joinRunningSandbox: true });
      this.closing('acquirer', () => acquirer.close());
      return acquirer;
    });
  }

  /**
   * The acquirer's gateway, opened at its first call (a decision never makes one, most questions
   * to `ask` neither). A command that does not declare the acquirer gets one that refuses every call.
   */
  gatewayOnDemand(): PaymentGateway {
    const gateway = async () => {
      if (!this.needs.has('acquirer'))
        throw new Error(`the ${this.command} command has no acquirer (it does not declare "acquirer")`);
      return (await this.acquirer()).gateway;
    };
    return {
      name: 'acquirer',
      findTransaction: async (q) => (await gateway()).findTransaction(q),
      getRefund: async (no, scope) => (await gateway()).getRefund(no, scope),
      listRefunds: async (t) => (await gateway()).listRefunds(t),
      refund: async (r) => (await gateway()).refund(r),
    };
  }

  lookups(): Promise<LookupService> {
    return this.once('the look-ups', 'acquirer', async () => {
      const [
        config,
        logger,
        content,
        { say, calendar },
        state,
        audit,
        insights,
        acquirer,
        { createLookups },
      ] = await Promise.all([
        this.config(),
        this.logger(),
        this.content(),
        this.words(),
        this.state(),
        this.audit(),
        this.insights(),
        this.acquirer(),
        import('../services.js'),
      ]);
      return createLookups(config, {
        gateway: acquirer.gateway,
        state,
        audit,
        content,
        say,
        calendar,
        logger,
        clock: () => new Date(),
        insights,
      });
    });
  }

  /**
   * Decisions with the server's rules (four-eyes, decided once, audited, recorded in insights), the
   * merchant told in their conversation. No assistant: a reviewer's question (the one notice that
   * opens a flow) is asked in Slack, never here.
   */
  applications(): Promise<ApplicationService> {
    return this.once('the application service', 'database', async () => {
      const [config, logger, database, content, { calendar }, store, bus, audit, insights, links, services] =
        await Promise.all([
          this.config(),
          this.logger(),
          this.database(),
          this.content(),
          this.words(),
          this.conversations(),
          this.bus(),
          this.audit(),
          this.insights(),
          import('../../integrations/stores/file-links.js'),
          import('../services.js'),
        ]);
      const clock = () => new Date();
      return services.createApplications(config, {
        database,
        gateway: this.gatewayOnDemand(),
        content,
        parts: services.applicationRules(config, content, calendar, clock),
        store,
        bus,
        runner: () => {
          throw new Error('the CLI asks merchants no questions: it has no flow runner');
        },
        audit,
        fileLinks: links.FileLinks.create({ secret: config.FILE_LINK_SECRET, dataDir: config.dataDir }),
        logger,
        clock,
        insights,
      });
    });
  }

  /**
   * The whole app, its model trained (or read from DATA_DIR/cache): `ask` and `eval` only. Its
   * acquirer is opened at the first look-up (eval never makes one).
   */
  app(): Promise<App> {
    return this.once('the assistant', 'assistant', async () => {
      const [config, logger, { createApp }] = await Promise.all([
        this.config(),
        this.logger(),
        import('../app.js'),
      ]);
      const app = await createApp(config, logger, {
        acquirer: { gateway: this.gatewayOnDemand(), close: async () => undefined },
      });
      this.closing('app', () => app.close());
      return app;
    });
  }
}
