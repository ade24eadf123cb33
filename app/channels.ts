import type { ChannelHost } from '../bot/host.js';
import type { Flow } from '../flows/engine/index.js';
import * as botFramework from '../integrations/channels/botframework/index.js';
import type { Channel } from '../integrations/channels/channel.js';
import * as insights from '../integrations/channels/insights/index.js';
import * as widget from '../integrations/channels/widget/index.js';
import { INTENT_IDS, type IntentId, type Lang } from '../knowledge/index.js';
import type { App } from './app.js';

/** The small set of things a channel may call, cut from the composition root. */
export function channelHost(app: App): ChannelHost {
  return {
    assistant: app.assistant,
    events: app.bus,
    handoffs: app.handoffs,
    handoffRegistry: app.handoffRegistry,
    lookups: app.lookups,
    applications: app.applications,
    conversations: app.store,
    records: (namespace) => app.state.keyValue(namespace),
    lock: app.state.lock,
    logger: app.logger,
    clock: app.clock,
  };
}

/**
 * Every channel this configuration turns on. Slack is off until configured, and then its SDK is
 * loaded (Bolt costs ~170 ms of start-up); the widget and Bot Framework are always there.
 */
export async function createChannels(app: App): Promise<Channel[]> {
  const { config } = app;
  const host = channelHost(app);
  const sandbox = app.acquirer.sandbox?.instance;
  const channels: Channel[] = [
    widget.create(host, {
      tokens: app.tokens,
      uploads: app.uploads,
      fileLinks: app.fileLinks,
      article: (id, lang) => app.understander.search.article(id, lang),
      allowedOrigins: config.WIDGET_ALLOWED_ORIGINS,
      ratePerMinute: config.RATE_LIMIT_PER_MINUTE,
      uploadRatePerMinute: config.UPLOAD_RATE_PER_MINUTE,
      perConversationPerMinute: config.CONVERSATION_RATE_PER_MINUTE,
      maxMessageChars: config.MAX_MESSAGE_CHARS,
      trustedCallerToken: config.TRUSTED_CALLER_TOKEN,
      ...(sandbox && { fixtures: () => sandbox.fixtures() }),
    }),
    botFramework.create(host, {
      clientId: config.connections__serviceConnection__settings__clientId,
      clientSecret: config.connections__serviceConnection__settings__clientSecret,
      tenantId: config.connections__serviceConnection__settings__tenantId,
      certPemFile: config.connections__serviceConnection__settings__certPemFile,
      certKeyFile: config.connections__serviceConnection__settings__certKeyFile,
      authorityEndpoint: config.connections__serviceConnection__settings__authorityEndpoint,
      production: config.NODE_ENV === 'production',
      anonymous: config.BOTFRAMEWORK_ANONYMOUS,
      ratePerMinute: config.RATE_LIMIT_PER_MINUTE,
      conversationTtlMs: config.CONVERSATION_TTL_HOURS * 3_600_000,
    }),
  ];
  if (config.SLACK_BOT_TOKEN) {
    const slack = await import('../integrations/channels/slack/index.js');
    const base = config.PUBLIC_BASE_URL;
    channels.push(
      slack.create(host, {
        botToken: config.SLACK_BOT_TOKEN,
        signingSecret: config.SLACK_SIGNING_SECRET,
        appToken: config.SLACK_APP_TOKEN,
        supportChannel: config.SLACK_SUPPORT_CHANNEL,
        reviewChannel: config.SLACK_REVIEW_CHANNEL,
        allowedTeamIds: config.SLACK_ALLOWED_TEAM_IDS,
        allowedChannelIds: config.SLACK_ALLOWED_CHANNEL_IDS,
        apiUrl: config.SLACK_API_URL,
        lang: config.SLACK_LANG,
        threadTtlMs: config.CONVERSATION_TTL_HOURS * 3_600_000,
        fileLink: (a) => (base ? `${base}${app.fileLinks.path(a.id, app.clock())}` : undefined),
        digest:
          config.SLACK_DIGEST_HOUR === 'off'
            ? undefined
            : {
                source: app.insightsStore,
                hour: config.SLACK_DIGEST_HOUR,
                insightsUrl:
                  base && config.INSIGHTS_SECRET ? `${base}/insights?lang=${config.SLACK_LANG}` : undefined,
              },
      }),
    );
  }
  if (config.INSIGHTS_SECRET)
    channels.push(
      insights.create(host, {
        secret: config.INSIGHTS_SECRET,
        reader: app.insightsStore,
        store: app.insightsStore,
        sessionHours: config.INSIGHTS_SESSION_HOURS,
        labels: {
          article: (id, lang) => app.understander.search.article(id, lang)?.title,
          flow: (id, lang) =>
            id === 'handoff'
              ? { zh: '人工客服', en: 'Hand-over to a person' }[lang]
              : app.flows.find((f) => f.id === id)?.title[lang],
          intent: (id, lang) => app.assistant.answers.intentLabel(id as IntentId, lang),
          node: (flow, node, lang) =>
            stepTitle(
              app.flows.find((f) => f.id === flow),
              node,
              lang,
            ),
          intents: () => INTENT_IDS,
        },
      }),
    );
  return channels;
}

const STEP_KINDS: Record<string, Record<Lang, string>> = {
  lookup: { zh: '查询收单方', en: 'Look-up at the acquirer' },
  estimate: { zh: '估算到账日', en: 'Arrival estimate' },
  application: { zh: '退款申请', en: 'Refund application' },
  handoff: { zh: '转人工', en: 'Hand-over to a person' },
};

/**
 * A tree's step as a lead reads it on a funnel, not the node's id: what a question asks (its last
 * question, else its last sentence: the ask comes after the explanation), what a message begins
 * with, or the kind of step; placeholders dropped, short enough for a funnel's label.
 */
export function stepTitle(flow: Flow | undefined, id: string, lang: Lang): string | undefined {
  const node = flow?.nodes[id] as
    | { kind?: string; prompt?: Record<Lang, string>; text?: Record<Lang, string> }
    | undefined;
  if (!node) return undefined;
  const words = (node.prompt ?? node.text)?.[lang];
  if (!words) return node.kind ? STEP_KINDS[node.kind]?.[lang] : undefined;
  const sentences = words
    .replace(/\{[^}]*\}/g, '…')
    .split(/(?<=[。？！?!])\s*|\n+/)
    .map((x) => x.trim())
    .filter(Boolean);
  const chosen = node.prompt
    ? (sentences.filter((x) => /[？?]$/.test(x)).at(-1) ?? sentences.at(-1))
    : sentences[0];
  const max = lang === 'zh' ? 22 : 44;
  return chosen && chosen.length > max ? `${chosen.slice(0, max - 1)}…` : chosen;
}
