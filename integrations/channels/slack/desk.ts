import type { webApi } from '@slack/bolt';
import type {
  AgentDesk,
  DeskEvent,
  HandoffSummary,
  Suggestion,
  Ticket,
  TicketNotice,
} from '../../../bot/handoff/index.js';
import type { KeyValue } from '../../../bot/ports.js';
import type { ChatMessage } from '../../../contracts/messages.js';
import {
  type FileLink,
  handoffBlocks,
  messageLine,
  stateLine,
  suggestionBlocks,
  type TicketState,
  ticketBlocks,
  transcriptBlocks,
} from './blocks.js';
import type { Words } from './words.js';

interface ThreadRecord {
  conversationId: string;
  summary: HandoffSummary;
}

export interface SlackDeskOptions {
  client: webApi.WebClient;
  /** The support channel's id: every handoff is a thread there. */
  channel: string;
  words: Words;
  /** Thread → conversation, kept as long as the conversation. */
  threads: KeyValue<unknown>;
  ttlMs: number;
  fileLink: FileLink;
}

const key = (place: string, ts: string) => `${place}:${ts}`;

/**
 * The agent desk in Slack: each handoff is a thread in the support channel. Its first message is
 * the summary with Claim / Resolve / Look up and is kept up to date; the user's messages and the
 * bot's suggestions are replies in the thread.
 */
export class SlackDesk implements AgentDesk {
  readonly name = 'slack';
  private readonly kept = new Map<string, number>();

  constructor(private readonly options: SlackDeskOptions) {}

  async open(summary: HandoffSummary): Promise<Ticket> {
    const { client, channel, words: w } = this.options;
    const root = await client.chat.postMessage({
      channel,
      text: `🆘 ${w('handoffTitle')}: ${summary.intent?.title ?? summary.reason}`,
      blocks: handoffBlocks(summary, { kind: 'waiting' }, w),
      unfurl_links: false,
    });
    if (!root.ts) throw new Error('chat.postMessage returned no ts');
    const place = root.channel ?? channel;
    await this.options.threads.set(
      key(place, root.ts),
      { conversationId: summary.conversationId, summary } satisfies ThreadRecord,
      this.options.ttlMs,
    );
    this.kept.set(key(place, root.ts), Date.now());
    if (summary.transcript.length) {
      await client.chat.postMessage({
        channel: place,
        thread_ts: root.ts,
        text: w('transcript'),
        blocks: transcriptBlocks(summary.transcript, w, this.options.fileLink),
        unfurl_links: false,
        unfurl_media: false,
      });
    }
    return { desk: this.name, place, thread: root.ts };
  }

  async userSaid(
    ticket: Ticket,
    conversationId: string,
    message: ChatMessage,
    suggestion: Suggestion | undefined,
  ): Promise<void> {
    const { client, words: w } = this.options;
    await this.keep(ticket);
    await client.chat.postMessage({
      channel: ticket.place,
      thread_ts: ticket.thread,
      text: messageLine(message, w, this.options.fileLink),
      unfurl_links: false,
      unfurl_media: false,
    });
    if (suggestion) {
      await client.chat.postMessage({
        channel: ticket.place,
        thread_ts: ticket.thread,
        text: `💡 ${suggestion.title}`,
        blocks: suggestionBlocks(conversationId, suggestion, w),
        unfurl_links: false,
      });
    }
  }

  async event(ticket: Ticket, _conversationId: string, event: DeskEvent): Promise<void> {
    const { client, words: w } = this.options;
    const state: TicketState =
      event.kind === 'claimed' || event.kind === 'resolved'
        ? { kind: event.kind, agent: event.agent.name }
        : event.kind === 'unclaimed'
          ? { kind: 'unclaimed', minutes: event.minutes }
          : { kind: 'user_left' };
    const record = (await this.options.threads.get(key(ticket.place, ticket.thread))) as
      | ThreadRecord
      | undefined;
    const blocks = record && handoffBlocks(record.summary, state, w);
    if (blocks) {
      await client.chat.update({
        channel: ticket.place,
        ts: ticket.thread,
        text: `🆘 ${w('handoffTitle')}`,
        blocks,
      });
    }
    await client.chat.postMessage({
      channel: ticket.place,
      thread_ts: ticket.thread,
      text: stateLine(state, w),
    });
  }

  /** A message left for a person: one message in the support channel (the contact comes masked). */
  async postTicket(ticket: TicketNotice): Promise<void> {
    const { client, channel, words: w } = this.options;
    await client.chat.postMessage({
      channel,
      text: `🎫 ${w('ticketTitle')} ${ticket.number} · ${ticket.contact}`,
      blocks: ticketBlocks(ticket, w),
      unfurl_links: false,
      unfurl_media: false,
    });
  }

  /**
   * A thread in use stays known as long as its conversation, whose life each message extends;
   * renewed at most hourly, not on every message.
   */
  private async keep(ticket: Ticket): Promise<void> {
    const k = key(ticket.place, ticket.thread);
    const now = Date.now();
    if (now - (this.kept.get(k) ?? 0) < 3_600_000) return;
    this.kept.set(k, now);
    if (this.kept.size > 10_000) this.kept.clear();
    const record = await this.options.threads.get(k);
    if (record) await this.options.threads.set(k, record, this.options.ttlMs);
  }

  /** The conversation a thread in the support channel belongs to. */
  async conversationOf(place: string, threadTs: string): Promise<string | undefined> {
    const record = (await this.options.threads.get(key(place, threadTs))) as ThreadRecord | undefined;
    return record?.conversationId;
  }
}
