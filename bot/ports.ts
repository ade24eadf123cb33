// The ports the core declares for what it keeps and shares. integrations/stores implements each of
// them twice (SQLite file, Redis) and test/stores runs one contract suite over both.
import type { ChatMessage } from '../contracts/messages.js';

/** A namespace of records, each with an optional time to live. */
export interface KeyValue<T> {
  get(key: string): Promise<T | undefined>;
  /** `ttlMs` undefined: kept until deleted. A TTL must be positive: 0 is refused, not "forever". */
  set(key: string, value: T, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<void>;
}

/**
 * Each conversation's messages, kept apart from the rest of its state so that a turn writes what it
 * said instead of serialising everything said before. A transcript lives as long as the record of
 * the same key in `keyValue` of the same namespace: `write` keeps it `ttlMs` more, and a store that
 * sweeps drops a transcript whose record is gone.
 */
export interface Transcripts {
  /**
   * Makes `messages` the transcript (all of it, by id). `put` (new messages, or new versions of kept
   * ones) and `drop` (ids no longer kept) say what changed since the last write: a store writes
   * whichever costs it less.
   */
  write(
    key: string,
    change: { messages: readonly ChatMessage[]; put: ChatMessage[]; drop: number[]; ttlMs: number },
  ): Promise<void>;
  /** Every message kept under `key`, by id; none for a key never written. */
  read(key: string): Promise<ChatMessage[]>;
}

/** Counters that count right under concurrency (brute-force limits must not be read-then-write). */
export interface Counters {
  /** Adds one and returns the new count; the count starts a window of `windowMs` when it is 1. */
  hit(key: string, windowMs: number): Promise<number>;
  get(key: string): Promise<number>;
  /** Takes one hit back (a try that turned out not to count); never below zero. */
  undo(key: string): Promise<void>;
  reset(key: string): Promise<void>;
}

/**
 * Runs a task with no other task for the same key running anywhere it can see. A task that writes
 * what it did calls `held.confirm()` just before the write: a task that lost the lock (its lease ran
 * out and another instance took it) is refused there, so a stale writer never overwrites the newer
 * state.
 */
export interface Lock {
  run<T>(key: string, task: (held: Held) => Promise<T>): Promise<T>;
}

/** The lock as the task holding it sees it. */
export interface Held {
  /** Resolves if the lock is still this task's (for long enough to write); throws if it was lost. */
  confirm(): Promise<void>;
  /** Aborted once the lock is known lost. */
  readonly signal: AbortSignal;
}

/** Something that happened in a conversation that open clients should see now. */
export interface ConversationEvent {
  conversationId: string;
  messages: ChatMessage[];
}

export type Unsubscribe = () => Promise<void>;

/**
 * Carries new messages to every client of a conversation, whichever instance it is connected to:
 * in-process by default, Redis pub/sub when REDIS_URL is set (an agent's reply arriving through
 * Slack on one instance reaches the widget held open on another).
 */
export interface EventBus {
  publish(event: ConversationEvent): Promise<void>;
  subscribe(conversationId: string, handler: (event: ConversationEvent) => void): Promise<Unsubscribe>;
  close(): Promise<void>;
}

/** One look-up or agent action, for the audit trail. Never a card number. */
export interface AuditRecord {
  at: string;
  /** consumer, merchant, agent or operator */
  role: string;
  /** Who exactly, where the channel knows (a Slack user id). */
  actor?: string;
  channel: string;
  conversationId?: string;
  merchantNo?: string;
  address?: string;
  /** What was asked: the kind and the identifiers given (references, never card numbers). */
  what: string;
  query: Record<string, string>;
  /** found, not_found, denied, locked, unavailable */
  outcome: string;
}

export type AuditKind = 'lookups' | 'handoffs' | 'applications';

export interface AuditSink {
  write(record: AuditRecord, kind?: AuditKind): Promise<void>;
}

/** The stores the core is composed with (app/ picks SQLite or Redis). */
export interface Stores {
  keyValue<T>(namespace: string): KeyValue<T>;
  counters(namespace: string): Counters;
  transcripts(namespace: string): Transcripts;
  readonly lock: Lock;
}
