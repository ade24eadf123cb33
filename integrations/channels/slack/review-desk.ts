import type { webApi } from '@slack/bolt';
import type {
  ApplicationEvent,
  ApplicationReview,
  ReviewDesk,
  ReviewView,
} from '../../../bot/applications/index.js';
import type { Say } from '../../../bot/messages.js';
import type { KeyValue, Lock } from '../../../bot/ports.js';
import type { Logger } from '../../../contracts/logger.js';
import type { Lang } from '../../../knowledge/index.js';
import { eventLine, reviewBlocks, reviewText } from './review-blocks.js';
import type { Words } from './words.js';

/** Where an application's card is: Slack's channel id and the message's ts. */
export interface CardPlace {
  channel: string;
  ts: string;
}

export interface SlackReviewDeskOptions {
  client: webApi.WebClient;
  /** The review channel's id: one card per application. */
  channel: string;
  words: Words;
  lang: Lang;
  /** The payment's words (method, status), as the status card says them. */
  say: Say;
  /** Application number → its card, in the deployment's store (shared by every instance). */
  cards: KeyValue<CardPlace>;
  /** One card per application even when two instances post at once. */
  lock: Lock;
  logger: Logger;
}

// long enough for any review and the questions after it; the application itself lives in the database
const CARD_TTL_MS = 180 * 24 * 3_600_000;

/**
 * The reviewers' desk in Slack: every application is a card in the review channel, updated in place
 * as it moves on (decisions, the merchant's answers, the refund executed), with one line per step in
 * the card's thread so the channel reads as a record of who did what.
 */
export class SlackReviewDesk implements ReviewDesk {
  readonly name = 'slack';

  constructor(private readonly options: SlackReviewDeskOptions) {}

  async opened(view: ReviewView): Promise<void> {
    await this.card(view);
  }

  async changed(view: ReviewView, event: ApplicationEvent): Promise<void> {
    const { client, words: w, lang, say } = this.options;
    const place = await this.card(view);
    const line = eventLine(event, w, lang, say);
    if (line)
      await client.chat.postMessage({
        channel: place.channel,
        thread_ts: place.ts,
        text: line,
        unfurl_links: false,
        unfurl_media: false,
      });
  }

  /** The card of an application, if it has one. */
  cardOf(number: string): Promise<CardPlace | undefined> {
    return this.options.cards.get(number);
  }

  /**
   * Cards for unfinished applications that have none (Slack was down when they were submitted, or
   * the review channel is new). Run when Slack connects and now and then after.
   */
  async sweep(review: Pick<ApplicationReview, 'unfinished' | 'view'>): Promise<number> {
    let posted = 0;
    for (const number of await review.unfinished(200)) {
      if (await this.options.cards.get(number)) continue;
      const view = await review.view(number);
      if (!view) continue;
      await this.card(view);
      posted++;
    }
    return posted;
  }

  /** Posts the card, or brings the one there up to date. */
  private card(view: ReviewView): Promise<CardPlace> {
    const { client, channel, words: w, lang, say, cards, lock } = this.options;
    const number = view.application.number;
    return lock.run(`review-card:${number}`, async () => {
      const blocks = reviewBlocks(view, w, lang, say);
      const text = reviewText(view, w);
      const known = await cards.get(number);
      if (known) {
        await client.chat.update({ channel: known.channel, ts: known.ts, text, blocks });
        return known;
      }
      const posted = await client.chat.postMessage({ channel, text, blocks, unfurl_links: false });
      if (!posted.ts) throw new Error('chat.postMessage returned no ts');
      const place = { channel: posted.channel ?? channel, ts: posted.ts };
      await cards.set(number, place, CARD_TTL_MS);
      this.options.logger.info({ application: number, ...place }, 'review card posted');
      return place;
    });
  }
}
