import { LRUCache } from 'lru-cache';
import type { z } from 'zod';
import type { Logger } from '../../contracts/logger.js';
import { type ChatMessage, MESSAGE_LIMIT } from '../../contracts/messages.js';
import type { KeyValue, Transcripts } from '../ports.js';

// How a conversation is kept: its state in one small record, its messages in a transcript beside
// it (bot/ports.ts Transcripts). A turn writes the state and the two or three messages it added;
// before, every turn rewrote all the messages (up to a hundred, 25–45 KB) and read them all back.
//
// The conversation this instance last wrote is remembered, labelled with the state's revision: the
// next turn, if the revision it reads is still that one, takes it from memory instead of reading
// the transcript and validating the state again. A turn on another instance, or by the CLI, moves
// the revision on and both are read again, so the memory is never trusted over the store. What is
// remembered is handed to the next turn as it is: the bot changes conversations by copying them
// (`{ ...c, flow }`), never in place.

interface Conversationish {
  id: string;
  seq: number;
  messages: ChatMessage[];
}

/** A conversation as it was read: what the store holds, so that a save writes only what changed. */
export interface Loaded<C extends Conversationish> {
  conversation: C;
  stored: ReadonlyMap<number, ChatMessage>;
  revision: number;
}

export interface ConversationRecordsOptions<C extends Conversationish> {
  records: KeyValue<unknown>;
  transcripts: Transcripts;
  schema: z.ZodType<C>;
  ttlMs: number;
  logger: Logger;
}

/** How many conversations are remembered between turns… */
const REMEMBERED_CONVERSATIONS = 1000;
/** …and how many messages of theirs, all told (30–140 MB more resident in the bench). */
const REMEMBERED_MESSAGES = 20_000;

export class ConversationRecords<C extends Conversationish> {
  private readonly recent: LRUCache<string, Loaded<C>>;

  constructor(private readonly options: ConversationRecordsOptions<C>) {
    this.recent = new LRUCache({
      max: REMEMBERED_CONVERSATIONS,
      maxSize: REMEMBERED_MESSAGES,
      sizeCalculation: (e) => Math.max(1, e.stored.size),
    });
  }

  async read(id: string): Promise<Loaded<C> | undefined> {
    const raw = await this.options.records.get(id);
    if (raw === undefined) {
      this.recent.delete(id);
      return undefined;
    }
    const revision = revisionOf(raw);
    const known = this.recent.get(id);
    if (known?.revision === revision) return known;
    const parsed = this.options.schema.safeParse(raw);
    if (!parsed.success) {
      // A record from an older version or a damaged store: start over rather than fail the user.
      this.options.logger.warn(
        { conversationId: id, issues: parsed.error.issues.length },
        'unreadable conversation state',
      );
      return undefined;
    }
    const state = parsed.data;
    // A record from before the transcripts holds its messages itself: they are the conversation's,
    // and its first save writes them all to the transcript (none is stored there yet).
    if (state.messages.length) return { conversation: state, stored: new Map(), revision };
    const transcript = await this.options.transcripts.read(id);
    // Messages numbered past the state's last are a turn's that failed before its state was
    // written: not said, and overwritten or dropped by the next save.
    const messages = transcript.filter((m) => m.id <= state.seq).slice(-MESSAGE_LIMIT);
    const stored = new Map(transcript.map((m) => [m.id, m]));
    return { conversation: { ...state, messages }, stored, revision };
  }

  /**
   * Writes the messages first (the new ones, those changed since `loaded`, and drops the ones no
   * longer kept), then the state without them: a failure between the two leaves messages numbered
   * past the state's last, which `read` leaves out, never a state whose messages are missing.
   */
  async save(next: C, loaded: Loaded<C> | undefined): Promise<void> {
    const stored = loaded?.stored ?? new Map<number, ChatMessage>();
    // a message object the turn did not replace is the one that was read, unchanged
    const put = next.messages.filter((m) => stored.get(m.id) !== m);
    const kept = new Set(next.messages.map((m) => m.id));
    const drop = [...stored.keys()].filter((id) => !kept.has(id));
    const { ttlMs } = this.options;
    const revision = (loaded?.revision ?? 0) + 1;
    // whatever happens next, what was remembered may no longer be what is stored
    this.recent.delete(next.id);
    await this.options.transcripts.write(next.id, { messages: next.messages, put, drop, ttlMs });
    const { messages, ...state } = next;
    await this.options.records.set(next.id, { ...state, revision }, ttlMs);
    this.recent.set(next.id, {
      conversation: next,
      stored: new Map(messages.map((m) => [m.id, m])),
      revision,
    });
  }
}

function revisionOf(raw: unknown): number {
  const revision = (raw as { revision?: unknown }).revision;
  return typeof revision === 'number' && Number.isInteger(revision) ? revision : 0;
}
