import type { types, webApi } from '@slack/bolt';
import {
  type DigestClaims,
  type DigestFigures,
  dailyFigures,
  digestDue,
  type InsightsReader,
} from '../../../bot/insights/index.js';
import type { Logger } from '../../../contracts/logger.js';
import { mrkdwn, plain } from './blocks.js';
import { escapeMrkdwn } from './mrkdwn.js';
import type { WordKey, Words } from './words.js';

type Block = types.KnownBlock;

export interface SlackDigestOptions {
  client: webApi.WebClient;
  channel: string;
  words: Words;
  source: InsightsReader & DigestClaims;
  /** The hour (China, 0–23) from which yesterday's digest goes out. */
  hour: number;
  /** PUBLIC_BASE_URL's /insights, when there is one and the page is on. */
  insightsUrl?: string | undefined;
  clock: () => Date;
  logger: Logger;
}

const LOOKUP_WORDS: Record<string, WordKey> = {
  found: 'lookupFound',
  not_found: 'lookupNotFound',
  proof_failed: 'lookupProofFailed',
  denied: 'lookupDenied',
  locked: 'lookupLocked',
  unavailable: 'lookupUnavailable',
};

const pct = (x: number | null) => (x === null ? '–' : `${Math.round(x * 1000) / 10}%`);
const minutes = (ms: number | null) =>
  ms === null ? '–' : ms < 60_000 ? `${Math.round(ms / 1000)}s` : `${Math.round(ms / 60_000)} min`;

/** The digest as Slack shows it: one section of numbers, then the questions, then the page's link. */
export function digestBlocks(f: DigestFigures, w: Words, insightsUrl?: string): Block[] {
  const lookups = Object.entries(f.lookups).sort((a, b) => b[1] - a[1]);
  const lookupCount = lookups.reduce((n, [, c]) => n + c, 0);
  const a = (k: string) => f.applications[k] ?? 0;
  const lines = [
    w('digestConversations', {
      n: f.conversations,
      containment: pct(f.containment),
      handedOver: f.handedOver,
      tickets: f.tickets,
    }),
    w('digestClaims', { claimed: f.claimed, average: minutes(f.averageClaimMs), unclaimed: f.unclaimed }),
    w('digestRatings', { up: f.up, down: f.down, yes: f.solvedYes, no: f.solvedNo }),
    w('digestLookups', {
      n: lookupCount,
      detail: lookups.map(([o, c]) => `${LOOKUP_WORDS[o] ? w(LOOKUP_WORDS[o]) : o} ${c}`).join(' · ') || '–',
    }),
    w('digestApplications', {
      submitted: a('submitted'),
      approved: a('approved'),
      rejected: a('rejected'),
      executed: a('executed'),
    }),
    w('digestArrivals', f.arrivals),
  ];
  // the questions are users' words (masked at recording): escaped, so none can ping or link
  const questions = f.unanswered.length
    ? f.unanswered.map((q, i) => `${i + 1}. ${escapeMrkdwn(q.example)} ×${q.count}`).join('\n')
    : w('digestNoUnanswered');
  const blocks: Block[] = [
    { type: 'header', text: plain(w('digestTitle', { day: f.day })) },
    { type: 'section', text: mrkdwn(lines.join('\n')) },
    { type: 'section', text: mrkdwn(`${w('digestUnanswered')}\n${questions}`) },
  ];
  if (insightsUrl)
    blocks.push({ type: 'context', elements: [mrkdwn(w('digestLink', { url: insightsUrl }))] });
  return blocks;
}

/**
 * Yesterday's digest in the support channel, once: every instance ticks, the database lets one of
 * them claim the day, and a post that fails gives the day back for the next tick.
 */
export class SlackDigest {
  constructor(private readonly options: SlackDigestOptions) {}

  /** Posts the due digest if nobody has; the day posted, or undefined. */
  async tick(): Promise<string | undefined> {
    const { source, clock, logger } = this.options;
    const now = clock();
    const day = digestDue(now, this.options.hour);
    if (!day || !(await source.claimDigest(day, now.toISOString()))) return undefined;
    try {
      const figures = await dailyFigures(source, day);
      const { client, channel, words } = this.options;
      await client.chat.postMessage({
        channel,
        text: words('digestTitle', { day }),
        blocks: digestBlocks(figures, words, this.options.insightsUrl),
        unfurl_links: false,
      });
      await source.digestPosted(day, clock().toISOString());
      logger.info({ day, conversations: figures.conversations }, 'daily digest posted');
      return day;
    } catch (err) {
      await source.releaseDigest(day).catch(() => undefined);
      throw err;
    }
  }
}
