import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../../contracts/logger.js';
import { chatMessageSchema } from '../../contracts/messages.js';
import { flowStateSchema } from '../../flows/engine/index.js';
import { INTENT_IDS, LANGS, type Lang } from '../../knowledge/index.js';
import { handoffSchema, ticketDraftSchema } from '../handoff/state.js';
import type { Held, KeyValue, Lock, Transcripts } from '../ports.js';
import { ConversationRecords } from './records.js';

export const conversationSchema = z.object({
  id: z.string(),
  lang: z.enum(LANGS),
  /** The script the user writes Chinese in; replies follow it. */
  script: z.enum(['simplified', 'traditional']).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  turns: z.number().int().nonnegative(),
  /** Understanding failures in a row; the second one offers a person. */
  misunderstandings: z.number().int().nonnegative(),
  lastIntent: z.enum(INTENT_IDS).optional(),
  /** Buttons offered by the last reply: a press is shown with the label the user saw. */
  offered: z.array(z.object({ label: z.string(), action: z.string() })).default([]),
  /** The troubleshooting flow under way, if any. */
  flow: flowStateSchema.optional(),
  /** The flow that ended last, as it ended: a correction right after it walks it again. */
  lastFlow: flowStateSchema.optional(),
  /** A flow ended and asked "did this solve it?": the flow's id, until answered. */
  awaitingSolved: z.string().optional(),
  /**
   * What the user wrote lately outside a flow (normalised and masked, the last few): a flow that
   * starts later takes what they already said from it, instead of asking again.
   */
  said: z.array(z.string()).default([]),
  /** Agents own the conversation: the bot is silent (bot/handoff). */
  handoff: handoffSchema.optional(),
  /** A message for a person is being written: the next message goes to it first (bot/handoff). */
  ticketDraft: ticketDraftSchema.optional(),
  /** The last message's number. */
  seq: z.number().int().nonnegative().default(0),
  /**
   * What was said, masked, the most recent last (contracts/messages.ts `append`). Kept apart from
   * the rest (the store's Transcripts); a record written before that holds them here.
   */
  messages: z.array(chatMessageSchema).default([]),
  /** "Did this solve it?" after a flow, and 👍/👎 on single answers (by message number). */
  feedback: z
    .array(
      z.object({
        at: z.string(),
        flow: z.string().optional(),
        message: z.number().optional(),
        solved: z.boolean(),
      }),
    )
    .default([]),
});

export type Conversation = z.infer<typeof conversationSchema>;

const ID = /^[A-Za-z0-9_-]{8,64}$/;

export interface ConversationStoreOptions {
  records: KeyValue<unknown>;
  /** The messages, under the same keys as the records. */
  transcripts: Transcripts;
  /** One turn at a time per conversation (across instances when it is Redis's). */
  lock: Lock;
  ttlMs: number;
  logger: Logger;
}

export class ConversationStore {
  private readonly records: ConversationRecords<Conversation>;

  constructor(private readonly options: ConversationStoreOptions) {
    this.records = new ConversationRecords({ ...options, schema: conversationSchema });
  }

  fresh(lang: Lang, now: Date): Conversation {
    const at = now.toISOString();
    return {
      id: randomUUID(),
      lang,
      createdAt: at,
      updatedAt: at,
      turns: 0,
      misunderstandings: 0,
      offered: [],
      said: [],
      seq: 0,
      messages: [],
      feedback: [],
    };
  }

  /**
   * Loads the conversation (or starts one: an unknown, expired or malformed id is a fresh
   * conversation, not an error), runs `task` on it with no other task of the same conversation in
   * between, and saves what it returns.
   */
  async withConversation<T>(
    id: string | undefined,
    lang: Lang,
    now: Date,
    task: (c: Conversation) => Promise<{ conversation: Conversation; result: T }>,
  ): Promise<T> {
    const key = id && ID.test(id) ? id : undefined;
    const turn = async (held?: Held) => {
      const existing = key ? await this.records.read(key) : undefined;
      const { conversation, result } = await task(existing?.conversation ?? this.fresh(lang, now));
      // the lock still ours: a turn that outlived its lease and lost it must not overwrite the next
      await held?.confirm();
      await this.records.save({ ...conversation, updatedAt: now.toISOString() }, existing);
      return result;
    };
    // a conversation nobody has an id for yet cannot be contended: no lock needed
    return key ? this.options.lock.run(key, turn) : turn();
  }

  /** Changes an existing conversation under its lock; `change` returning undefined changes nothing. */
  async update(id: string, change: (c: Conversation) => Promise<Conversation | undefined>): Promise<void> {
    if (!ID.test(id)) return;
    await this.options.lock.run(id, async (held) => {
      const loaded = await this.records.read(id);
      if (!loaded) return;
      const next = await change(loaded.conversation);
      if (!next) return;
      await held.confirm();
      await this.records.save(next, loaded);
    });
  }

  async load(id: string): Promise<Conversation | undefined> {
    return (await this.records.read(id))?.conversation;
  }
}
