import { createHash } from 'node:crypto';
import type { Logger } from '../../contracts/logger.js';
import { maskSensitive } from '../../contracts/masking.js';
import { formatDate, todayIn } from '../../knowledge/index.js';
import type { InsightEvent, InsightRow, InsightsSink, InsightsWriter } from './events.js';

/** The longest text kept for an unanswered question. */
const TEXT_MAX = 300;

/** A stable, one-way name for a conversation or refund: rows can be joined, never traced back. */
export function hashId(id: string): string {
  return createHash('sha256').update(`insights:${id}`).digest('base64url').slice(0, 16);
}

/**
 * The user's words as insights keep them: card, ID and phone numbers masked (contracts/masking), then
 * every run of five or more digits blotted (references and amounts say nothing about the question,
 * and "查 123456789012" and "查 987654321098" are one question).
 */
export function insightText(text: string): string {
  return maskSensitive(text)
    .replace(/\d[\d*]{4,}/g, '#')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, TEXT_MAX);
}

const str = (v: string | undefined, max = 100): string | null =>
  v === undefined || v === '' ? null : v.slice(0, max);
const num = (v: number | undefined): number | null => (v === undefined || !Number.isFinite(v) ? null : v);

export function toRow(e: InsightEvent, now: Date): InsightRow {
  const at = e.at ?? now;
  const data =
    e.data &&
    Object.fromEntries(
      Object.entries(e.data).map(([k, v]) => [k, typeof v === 'string' ? insightText(v) : v]),
    );
  return {
    at: at.toISOString(),
    day: formatDate(todayIn(at)),
    kind: e.kind,
    channel: str(e.channel, 60),
    lang: str(e.lang, 8),
    conversation: e.conversationId ? hashId(e.conversationId) : null,
    intent: str(e.intent),
    decision: str(e.decision, 30),
    confidence: num(e.confidence === undefined ? undefined : Math.round(e.confidence * 1000) / 1000),
    flow: str(e.flow),
    node: str(e.node),
    article: str(e.article),
    text: e.text === undefined ? null : insightText(e.text) || null,
    outcome: str(e.outcome, 60),
    subject: e.subject ? hashId(e.subject) : null,
    duration_ms: num(e.durationMs === undefined ? undefined : Math.max(0, Math.round(e.durationMs))),
    date_from: str(e.dateFrom, 10),
    date_to: str(e.dateTo, 10),
    data: data && Object.keys(data).length ? JSON.stringify(data) : null,
  };
}

export interface InsightsRecorderOptions {
  writer: InsightsWriter;
  logger: Logger;
  clock: () => Date;
  /** Rows written in one statement. */
  batchSize?: number;
  /** A row waits at most this long before it is written. */
  flushMs?: number;
  /** Past this many waiting rows (the database is away), the oldest are dropped. */
  maxQueued?: number;
}

/**
 * The core's sink: masks and hashes each event at once (nothing personal waits in memory longer
 * than it must), queues the rows and writes them in batches, off the turn. A write that fails is
 * logged and its rows dropped: insights are worth less than a turn's latency.
 */
export class InsightsRecorder implements InsightsSink {
  private queue: InsightRow[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private dropped = 0;
  private readonly batchSize: number;
  private readonly flushMs: number;
  private readonly maxQueued: number;

  constructor(private readonly options: InsightsRecorderOptions) {
    this.batchSize = options.batchSize ?? 200;
    this.flushMs = options.flushMs ?? 1000;
    this.maxQueued = options.maxQueued ?? 20_000;
  }

  record(event: InsightEvent): void {
    try {
      this.queue.push(toRow(event, this.options.clock()));
    } catch (err) {
      this.options.logger.warn({ err, kind: event.kind }, 'could not record an insight');
      return;
    }
    if (this.queue.length > this.maxQueued) {
      const over = this.queue.length - this.maxQueued;
      this.queue.splice(0, over);
      this.dropped += over;
    }
    if (this.queue.length >= this.batchSize) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.flushMs).unref();
  }

  /** Writes everything queued so far; resolves once it is written (or given up on). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const rows = this.queue;
    this.queue = [];
    if (this.dropped) {
      this.options.logger.warn({ dropped: this.dropped }, 'insight events dropped: the store is behind');
      this.dropped = 0;
    }
    this.writing = this.writing.then(async () => {
      for (let i = 0; i < rows.length; i += this.batchSize) {
        const batch = rows.slice(i, i + this.batchSize);
        await this.options.writer
          .write(batch)
          .catch((err: unknown) =>
            this.options.logger.warn({ err, rows: batch.length }, 'could not write insight events'),
          );
      }
    });
    return this.writing;
  }

  close(): Promise<void> {
    return this.flush();
  }
}
