import type { webApi } from '@slack/bolt';
import type { Agent } from '../../../bot/handoff/index.js';
import type { ChannelHost } from '../../../bot/host.js';
import type { Logger } from '../../../contracts/logger.js';
import type { Lang } from '../../../knowledge/index.js';
import type { SlackDesk } from './desk.js';
import type { Words } from './words.js';

/** What the Slack listeners work with: the core's services, never its internals. */
export interface SlackDeps {
  assistant: ChannelHost['assistant'];
  lookups: ChannelHost['lookups'];
  handoffs: ChannelHost['handoffs'];
  registry: ChannelHost['handoffRegistry'];
  store: ChannelHost['conversations'];
  words: Words;
  /** The language of the app's own words and of look-up cards. */
  lang: Lang;
  logger: Logger;
  clock: () => Date;
  agents: Agents;
  /** Present when SLACK_SUPPORT_CHANNEL is set: handoffs are threads there. */
  desk?: SlackDesk;
  supportChannel?: string;
}

/** An agent's display name, as the user will see it ("Agent 小王 has joined"), looked up once. */
export class Agents {
  private readonly names = new Map<string, string>();

  constructor(private readonly logger: Logger) {}

  async of(client: webApi.WebClient, userId: string, fallback?: string): Promise<Agent> {
    let name = this.names.get(userId);
    if (!name) {
      try {
        const { user } = await client.users.info({ user: userId });
        name =
          user?.profile?.display_name ||
          user?.profile?.real_name ||
          user?.real_name ||
          user?.name ||
          undefined;
      } catch (err) {
        this.logger.warn({ err, userId }, 'could not look up a Slack user');
      }
      name ??= fallback ?? userId;
      this.names.set(userId, name);
    }
    return { id: userId, name };
  }
}
