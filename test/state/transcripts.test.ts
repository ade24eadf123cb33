import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../app/logger.js';
import { type Conversation, ConversationStore } from '../../bot/conversations/store.js';
import type { KeyValue, Transcripts } from '../../bot/ports.js';
import { append, type ChatMessage } from '../../contracts/messages.js';
import { StateStore } from '../../integrations/stores/keyv.js';
import { REDIS_KEY_PREFIX, REDIS_URL, redisAvailable } from '../support/redis.js';

// A conversation's messages are kept apart from its state (bot/conversations/records.ts): a turn
// writes what it added, and the last conversation an instance wrote is remembered for its next turn.
// What a user would notice if that went wrong: a message lost, shown twice, or another instance's
// answer missing from the history.
const logger = createLogger('silent');
const haveRedis = await redisAvailable();
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ra-transcripts-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const now = new Date('2026-12-04T10:00:00Z');

/** Transcripts that say how many messages each write sent. */
function counting(inner: Transcripts): Transcripts & { sent: number[] } {
  const sent: number[] = [];
  return {
    sent,
    write: (key, change) => {
      sent.push(change.put.length);
      return inner.write(key, change);
    },
    read: (key) => inner.read(key),
  };
}

function conversations(
  state: StateStore,
  options: { transcripts?: Transcripts; records?: KeyValue<unknown> } = {},
) {
  return new ConversationStore({
    records: options.records ?? state.keyValue('conversation'),
    transcripts: options.transcripts ?? state.transcripts('conversation'),
    lock: state.lock,
    ttlMs: 60_000,
    logger,
  });
}

/** One turn: the user says `text`, the bot answers "re: text". */
function says(text: string) {
  return async (c: Conversation) => {
    const log = append(c, [
      { at: now.toISOString(), from: 'user', text },
      { at: now.toISOString(), from: 'bot', text: `re: ${text}` },
    ]);
    return { conversation: { ...c, turns: c.turns + 1, seq: log.seq, messages: log.messages }, result: c.id };
  };
}

const texts = (messages: ChatMessage[] | undefined) => (messages ?? []).map((m) => m.text);

const kinds = [
  { name: 'SQLite', open: () => StateStore.open({ dataDir, logger }) },
  {
    name: 'Redis',
    skip: !haveRedis,
    open: () => StateStore.open({ dataDir, redisUrl: REDIS_URL, keyPrefix: REDIS_KEY_PREFIX, logger }),
  },
];

describe.each(kinds)('conversations in $name', ({ open, skip }) => {
  it.skipIf(skip)(
    'after sixty turns a turn still sends only its own two messages, and all the last hundred read back',
    async () => {
      const state = await open();
      try {
        const transcripts = counting(state.transcripts('conversation'));
        const store = conversations(state, { transcripts });
        const id = await store.withConversation(undefined, 'zh', now, says('第1句'));
        for (let i = 2; i <= 60; i++) await store.withConversation(id, 'zh', now, says(`第${i}句`));
        expect(transcripts.sent.every((n) => n === 2)).toBe(true);
        // read by a store that remembers nothing: what is in the store itself
        const saved = await conversations(state).load(id);
        expect(saved?.messages).toHaveLength(100);
        expect(texts(saved?.messages).slice(-2)).toEqual(['第60句', 're: 第60句']);
        expect(texts(saved?.messages)[0]).toBe('第11句');
      } finally {
        await state.close();
      }
    },
  );

  it.skipIf(skip)(
    'a turn taken by another instance is in the next turn here, not overwritten by what this one remembered',
    async () => {
      const [a, b] = [await open(), await open()];
      try {
        const here = conversations(a);
        const there = conversations(b);
        const id = await here.withConversation(undefined, 'en', now, says('one'));
        await there.withConversation(id, 'en', now, says('two'));
        await here.withConversation(id, 'en', now, says('three'));
        expect(texts((await there.load(id))?.messages)).toEqual([
          'one',
          're: one',
          'two',
          're: two',
          'three',
          're: three',
        ]);
        expect((await there.load(id))?.turns).toBe(3);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    },
  );

  it.skipIf(skip)(
    'a turn whose state could not be written leaves no trace: the next turn takes its numbers',
    async () => {
      const state = await open();
      try {
        const records = state.keyValue<unknown>('conversation');
        let failNext = false;
        const flaky: KeyValue<unknown> = {
          get: (k) => records.get(k),
          delete: (k) => records.delete(k),
          set: async (k, v, ttl) => {
            if (failNext) {
              failNext = false;
              throw new Error('store went away');
            }
            return records.set(k, v, ttl);
          },
        };
        const store = conversations(state, { records: flaky });
        const id = await store.withConversation(undefined, 'en', now, says('kept'));
        failNext = true;
        await expect(store.withConversation(id, 'en', now, says('lost'))).rejects.toThrow('store went away');
        expect(texts((await conversations(state).load(id))?.messages)).toEqual(['kept', 're: kept']);
        await store.withConversation(id, 'en', now, says('again'));
        const saved = await conversations(state).load(id);
        expect(texts(saved?.messages)).toEqual(['kept', 're: kept', 'again', 're: again']);
        expect(saved?.messages.map((m) => m.id)).toEqual([1, 2, 3, 4]);
      } finally {
        await state.close();
      }
    },
  );

  it.skipIf(skip)(
    'a conversation saved with its messages inside (before transcripts) reads whole and carries on',
    async () => {
      const state = await open();
      try {
        const store = conversations(state);
        const old = append(store.fresh('zh', now), [
          { at: now.toISOString(), from: 'user', text: '退款还没到账' },
          { at: now.toISOString(), from: 'bot', text: '是用什么方式付款的？' },
        ]);
        const legacy = {
          ...store.fresh('zh', now),
          id: 'legacy-conversation-1',
          turns: 1,
          seq: old.seq,
          messages: old.messages,
        };
        await state.keyValue('conversation').set(legacy.id, legacy, 60_000);
        expect(texts((await store.load(legacy.id))?.messages)).toEqual([
          '退款还没到账',
          '是用什么方式付款的？',
        ]);
        await store.withConversation(legacy.id, 'zh', now, says('信用卡'));
        const saved = await conversations(state).load(legacy.id);
        expect(texts(saved?.messages)).toEqual([
          '退款还没到账',
          '是用什么方式付款的？',
          '信用卡',
          're: 信用卡',
        ]);
        const record = (await state.keyValue('conversation').get(legacy.id)) as { messages?: unknown };
        expect(record.messages).toBeUndefined();
      } finally {
        await state.close();
      }
    },
  );
});
