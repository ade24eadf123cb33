import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Logger } from '../../../contracts/logger.js';
import type { Words } from './words.js';

export interface AccessOptions {
  /** Teams served; empty: the bot token's own team only. */
  teams: readonly string[];
  /** Channels served, if set (the support channel always is); DMs and App Home always are. */
  channels: readonly string[];
  logger: Logger;
  words: Words;
}

type Body = {
  team_id?: string;
  team?: { id?: string };
  user?: { id?: string; team_id?: string };
  user_id?: string;
  channel_id?: string;
  channel?: { id?: string };
  event?: { channel?: string; user?: string; user_team?: string };
};

/**
 * Only allow-listed workspaces (and channels, when listed) are served: anything else is refused
 * before any listener runs, logged, and has no effect.
 */
export function allowListed(options: AccessOptions): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const body = args.body as Body;
    const team = args.context.teamId ?? body.team_id ?? body.team?.id ?? body.user?.team_id;
    const channel = body.channel_id ?? body.channel?.id ?? body.event?.channel;
    const user = body.user_id ?? body.user?.id ?? body.event?.user;
    // in a shared (Slack Connect) channel the installing workspace is ours but the person acting may
    // belong to another organisation: their own team must be allowed too
    const actingTeam = body.user?.team_id ?? body.event?.user_team;
    const teamOk =
      team !== undefined &&
      options.teams.includes(team) &&
      (actingTeam === undefined || options.teams.includes(actingTeam));
    // public (C…) and private (G…) channels are checked; DMs (D…) and App Home are not channels
    const channelOk =
      options.channels.length === 0 ||
      channel === undefined ||
      !/^[CG]/.test(channel) ||
      options.channels.includes(channel);
    if (teamOk && channelOk) {
      await args.next();
      return;
    }
    options.logger.warn({ team, channel, user }, 'slack request refused: not allow-listed');
    if ('ack' in args && typeof args.ack === 'function' && 'command' in args) {
      await (args.ack as (text: string) => Promise<void>)(options.words('notAllowed'));
    } else if ('ack' in args && typeof args.ack === 'function') {
      await (args.ack as () => Promise<void>)();
    }
  };
}
