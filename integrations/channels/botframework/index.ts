import rateLimit from '@fastify/rate-limit';
import type { Activity, ConversationReference } from '@microsoft/agents-activity';
import type { CloudAdapter, TurnContext, WebResponse } from '@microsoft/agents-hosting';
import type { ChannelHost } from '../../../bot/host.js';
import { ApiError } from '../../../contracts/errors.js';
import type { ChatMessage } from '../../../contracts/messages.js';
import { type Lang, langOfLocale } from '../../../knowledge/index.js';
import type { Channel } from '../channel.js';
import { type OutgoingActivity, type RenderOptions, renderPushed, renderReplies } from './render.js';

/** The app registration (the SDK's own connection settings); none: anonymous, for the Emulator. */
export interface BotFrameworkOptions {
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  tenantId?: string | undefined;
  certPemFile?: string | undefined;
  certKeyFile?: string | undefined;
  authorityEndpoint?: string | undefined;
  /** Production refuses every request when there is no registration. */
  production: boolean;
  /**
   * Without a registration, accept anonymous requests (the Bot Framework Emulator) — only from this
   * machine (the socket's address, not a forwarded one), and only when set (BOTFRAMEWORK_ANONYMOUS).
   */
  anonymous: boolean;
  /** Requests per minute per client address, as every other route (0: no limit). */
  ratePerMinute: number;
  /** How long a channel conversation stays linked to ours. */
  conversationTtlMs: number;
}

interface Link {
  reference: ConversationReference;
  channelId: string;
  lang: Lang;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

type Sdk = {
  adapter: CloudAdapter;
  activity: (a: OutgoingActivity) => Activity;
  expectReplies: string;
};

/** The answer the SDK writes, collected and then sent through fastify. */
class CollectedResponse implements WebResponse {
  code = 200;
  body: unknown;
  readonly headers: Record<string, string> = {};
  headersSent = false;
  writableEnded = false;
  status(code: number): this {
    this.code = code;
    return this;
  }
  setHeader(name: string, value: string): this {
    this.headers[name.toLowerCase()] = value;
    return this;
  }
  send(body?: unknown): this {
    this.body = body;
    return this;
  }
  end(): this {
    this.writableEnded = true;
    return this;
  }
}

const TYPING_AFTER_MS = 200;

/**
 * Bot Framework channels (Web Chat, Teams, Direct Line, the Emulator…) through the Microsoft 365
 * Agents SDK: POST /api/messages, authorised by the SDK's CloudAdapter, turned into the core's turns
 * and back into activities. With no app registration it runs anonymous for the Emulator, except in
 * production, where it refuses every request. Agents' replies during a handoff are delivered
 * proactively (continueConversation) from the stored conversation reference.
 */
export function create(host: ChannelHost, options: BotFrameworkOptions): Channel {
  const { assistant } = host;
  const log = host.logger.child({ channel: 'botframework' });
  const clientId = options.clientId;
  const production = options.production;
  const refuseAll = !clientId && (production || !options.anonymous);
  if (!clientId && production)
    log.error(
      'NODE_ENV=production and no Bot Framework app registration: /api/messages refuses every request',
    );
  else if (!clientId && options.anonymous)
    log.warn(
      'no Bot Framework app registration: /api/messages accepts anonymous requests from this machine only (Bot Framework Emulator)',
    );

  const byChannel = host.records<string>('bf-conversation');
  const links = host.records<Link>('bf-link');
  const ttlMs = options.conversationTtlMs;
  const renderOptions = (lang: Lang, channelId: string): RenderOptions => ({
    lang,
    channelId,
    readMore: assistant.say('read_more', lang),
    agentSays: (name) => assistant.say('agent_says', lang, { name }),
  });

  let sdk: Promise<Sdk> | undefined;
  const load = (): Promise<Sdk> => {
    sdk ??= (async () => {
      const [{ CloudAdapter, OutboundHostValidator }, { Activity, DeliveryModes }] = await Promise.all([
        import('@microsoft/agents-hosting'),
        import('@microsoft/agents-activity'),
      ]);
      const adapter = new CloudAdapter(
        clientId
          ? {
              clientId,
              clientSecret: options.clientSecret,
              tenantId: options.tenantId,
              certPemFile: options.certPemFile,
              certKeyFile: options.certKeyFile,
              ...(options.authorityEndpoint && {
                authority: options.authorityEndpoint,
              }),
            }
          : {},
        undefined,
        undefined,
        // With a registration, replies go only to Microsoft's channel hosts, and only to the host
        // the channel's token names; anonymous (the Emulator on this machine), only to loopback.
        // Either way a forged serviceUrl cannot turn the bot into a proxy.
        clientId ? { validateServiceUrl: true } : undefined,
        clientId
          ? new OutboundHostValidator({ enabled: true })
          : new OutboundHostValidator({
              enabled: true,
              includeDefaultMicrosoftHosts: false,
              hosts: ['localhost', '127.0.0.1', '[::1]'],
            }),
      );
      adapter.onTurnError = async (context, error) => {
        log.error({ err: error, activityType: context.activity.type }, 'bot framework turn failed');
        const lang = langOfLocale(context.activity.locale) ?? 'zh';
        await context
          .sendActivity(
            Activity.fromObject({ type: 'message', text: assistant.say('something_wrong', lang) }),
          )
          .catch(() => undefined);
      };
      return {
        adapter,
        activity: (a) => Activity.fromObject(a as unknown as Record<string, unknown>),
        expectReplies: DeliveryModes.ExpectReplies,
      };
    })();
    return sdk;
  };

  const send = async (context: TurnContext, s: Sdk, activities: OutgoingActivity[]) => {
    if (activities.length) await context.sendActivities(activities.map(s.activity));
  };

  /** One activity in, the core's turn, activities out. */
  const logic = (s: Sdk) => async (context: TurnContext) => {
    const a = context.activity;
    const channelId = a.channelId ?? 'unknown';
    const conversationKey = `${channelId}:${a.conversation?.id ?? ''}`;
    if (a.type === 'conversationUpdate') {
      const joined = (a.membersAdded ?? []).filter((m) => m.id !== a.recipient?.id);
      if (!joined.length) return;
      const lang = langOfLocale(a.locale) ?? 'zh';
      await send(
        context,
        s,
        renderReplies(
          [
            { type: 'text', text: assistant.say('greeting', lang) },
            { type: 'choices', choices: assistant.answers.mainTopics(lang) },
          ],
          renderOptions(lang, channelId),
        ),
      );
      return;
    }
    if (a.type !== 'message') return;

    // Adaptive Card Action.Submit and messageBack carry {action}; imBack and typing carry text
    const value = a.value as { action?: unknown } | undefined;
    const action = typeof value?.action === 'string' ? value.action : undefined;
    const text = (a.text ?? '').replace(/<at>[^<]*<\/at>/g, ' ').trim();
    // a turn that takes a while (a look-up at the acquirer) shows the user the bot is typing
    let typing: Promise<unknown> | undefined;
    const slow =
      a.deliveryMode === s.expectReplies
        ? undefined
        : setTimeout(() => {
            typing = context.sendActivity(s.activity({ type: 'typing' })).catch(() => undefined);
          }, TYPING_AFTER_MS);
    // one turn at a time per channel conversation: two quick first messages must not start two
    // conversations of ours (the key has a ':', so it is no conversation id of ours)
    const result = await host.lock
      .run(`bf:${conversationKey}`, async () => {
        const r = await assistant.turn({
          conversationId: (await byChannel.get(conversationKey)) ?? undefined,
          ...(action !== undefined ? { action } : { text }),
          locale: langOfLocale(a.locale),
          channel: `botframework/${channelId}`,
          // who, for look-up lock-outs: the channel's user (requests come from Azure, not the user)
          address: `bf:${channelId}:${a.from?.id ?? ''}`,
          clientId: a.id,
        });
        await byChannel.set(conversationKey, r.conversationId, ttlMs);
        await links.set(
          r.conversationId,
          { reference: a.getConversationReference(), channelId, lang: r.lang },
          ttlMs,
        );
        return r;
      })
      .finally(() => clearTimeout(slow));
    await typing;
    await send(context, s, renderReplies(result.replies, renderOptions(result.lang, channelId)));
  };

  // agents' replies (and the bot's notices) while a handoff is on: pushed, as Bot Framework allows
  host.handoffs.pushTo('botframework', async (conversationId: string, messages: ChatMessage[]) => {
    const link = await links.get(conversationId);
    if (!link) {
      log.warn({ conversationId }, 'no conversation reference to deliver to');
      return;
    }
    const s = await load();
    const o = renderOptions(link.lang, link.channelId);
    const activities = messages.flatMap((m) => renderPushed(m, o));
    if (!activities.length) return;
    await s.adapter.continueConversation(
      clientId ?? { name: 'anonymous' },
      link.reference,
      async (context) => {
        await send(context, s, activities);
      },
    );
  });

  return {
    name: 'botframework',
    // with a registration, channels will call: load the SDK now (~200 ms, ~5 MB) rather than on the
    // first request, off the start-up path; without one (the Emulator on a laptop) it loads when used
    async start() {
      if (clientId) void load().catch((err: unknown) => log.error({ err }, 'could not load the Agents SDK'));
    },
    async stop() {},
    async routes(scope) {
      if (options.ratePerMinute > 0)
        await scope.register(rateLimit, {
          max: options.ratePerMinute,
          timeWindow: 60_000,
          // thrown by the plugin; the server's error handler answers it as RATE_LIMITED
          errorResponseBuilder: () => ({ statusCode: 429, code: 'RATE_LIMITED', message: 'rate limited' }),
        });
      scope.post('/api/messages', { bodyLimit: 1024 * 1024 }, async (request, reply) => {
        // anonymous means "the Emulator on this machine": the socket's own address decides, since a
        // forwarded one is whatever the caller wrote
        const local = LOOPBACK.has(request.socket.remoteAddress ?? '');
        if (refuseAll || (!clientId && !local)) {
          log.warn(
            { anonymous: options.anonymous, local },
            'refused a Bot Framework request: no app registration',
          );
          const e = new ApiError('UNAUTHORIZED', {
            detail:
              production || options.anonymous
                ? 'no Bot Framework app registration'
                : 'no Bot Framework app registration (BOTFRAMEWORK_ANONYMOUS=true allows the Emulator on this machine)',
          });
          return reply.status(e.status).send(e.toJSON());
        }
        const s = await load();
        const req = {
          body: request.body as Record<string, unknown>,
          headers: request.headers as Record<string, string | string[] | undefined>,
          method: request.method,
        };
        const res = new CollectedResponse();
        let authorized = false;
        await s.adapter.authorizeRequest(req, res, () => {
          authorized = true;
        });
        if (!authorized) {
          log.warn({ status: res.code }, 'bot framework request refused');
        } else if (typeof req.body !== 'object' || req.body === null) {
          res
            .status(400)
            .send(new ApiError('BAD_REQUEST', { detail: 'the body must be an activity' }).toJSON());
        } else {
          try {
            await s.adapter.process(req, res, logic(s));
          } catch (err) {
            log.warn({ err }, 'bot framework activity refused');
            res.status(400).send(new ApiError('BAD_REQUEST', { detail: 'not a valid activity' }).toJSON());
          }
        }
        for (const [k, v] of Object.entries(res.headers)) reply.header(k, v);
        return reply.status(res.code).send(res.body ?? '');
      });
    },
  };
}
