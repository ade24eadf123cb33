import type BetterSqlite from 'better-sqlite3';
import type { Transcripts } from '../../bot/ports.js';
import type { ChatMessage } from '../../contracts/messages.js';
import type { Redis } from './redis.js';

// A conversation's messages beside its state record (bot/ports.ts Transcripts): a turn serialises
// the two or three messages it added, not the up to a hundred before them (25–45 KB in the bench,
// all serialised, written, read, parsed and validated again on every turn until issue 15).
//
// Messages are our own JSON (masked ChatMessage objects written by ConversationStore), written and
// read with the engine's JSON: they never hold a Buffer, so Keyv's serialiser has no part here.

/**
 * SQLite keeps a transcript in rows of up to ten messages (JSON lines), and a turn rewrites only
 * the rows its messages fall in: usually the last one (2–4 KB), and the first while old messages
 * drop off. A row per message cost more (≈60–100 µs a turn here: the table grows and splits pages),
 * and the whole transcript in one row as much (≈100 µs: 25–45 KB joined and converted to UTF-8).
 * Only the rows a turn touches are serialised; remembering every message's line as well saved a
 * few stringified messages a turn and cost 70 MB resident for the bench's 20,000 messages.
 * `key` is the state record's key as Keyv stores it (`namespace:id`), so the sweep can tell a
 * transcript whose record expired.
 */
export function createTranscriptsTable(db: BetterSqlite.Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS transcripts(
    key TEXT NOT NULL, chunk INTEGER NOT NULL, lines TEXT NOT NULL, PRIMARY KEY (key, chunk)
  )`);
}

/** Messages per row. */
const CHUNK = 10;
const chunkOf = (id: number) => Math.floor((id - 1) / CHUNK);

export class SqliteTranscripts implements Transcripts {
  private readonly sql;
  private readonly rewrite;

  constructor(
    db: BetterSqlite.Database,
    private readonly namespace: string,
  ) {
    // the table is the state file's: createTranscriptsTable, when it is opened
    this.sql = {
      set: db.prepare<[string, number, string]>(
        'INSERT INTO transcripts (key, chunk, lines) VALUES (?, ?, ?) ON CONFLICT(key, chunk) DO UPDATE SET lines = excluded.lines',
      ),
      delete: db.prepare<[string, number]>('DELETE FROM transcripts WHERE key = ? AND chunk = ?'),
      get: db.prepare<[string], string>('SELECT lines FROM transcripts WHERE key = ? ORDER BY chunk').pluck(),
    };
    // one transaction: a turn's rows are all written or none
    this.rewrite = db.transaction((key: string, rows: Map<number, ChatMessage[]>) => {
      for (const [chunk, messages] of rows) {
        if (messages.length) this.sql.set.run(key, chunk, messages.map((m) => JSON.stringify(m)).join('\n'));
        else this.sql.delete.run(key, chunk);
      }
    });
  }

  // the TTL is the record's: the sweep (deleteOrphanTranscripts) follows it
  async write(
    key: string,
    change: { messages: readonly ChatMessage[]; put: ChatMessage[]; drop: number[] },
  ): Promise<void> {
    const rows = new Map<number, ChatMessage[]>();
    for (const m of change.put) rows.set(chunkOf(m.id), []);
    for (const id of change.drop) rows.set(chunkOf(id), []);
    if (!rows.size) return;
    for (const m of change.messages) rows.get(chunkOf(m.id))?.push(m);
    this.rewrite(this.key(key), rows);
  }

  async read(key: string): Promise<ChatMessage[]> {
    return this.sql.get.all(this.key(key)).flatMap((text) =>
      // JSON.stringify escapes every newline inside a string: a line is a message
      text.split('\n').map((line) => JSON.parse(line) as ChatMessage),
    );
  }

  private key(id: string): string {
    return `${this.namespace}:${id}`;
  }
}

/** After Keyv's expired rows are gone: deletes the transcripts whose record went with them. */
export function deleteOrphanTranscripts(db: BetterSqlite.Database): number {
  return db
    .prepare('DELETE FROM transcripts WHERE NOT EXISTS (SELECT 1 FROM keyv WHERE keyv.key = transcripts.key)')
    .run().changes;
}

/**
 * HDEL of the dropped ids, HSET of the new ones and PEXPIRE, as one script: atomic (a transcript
 * never loses its expiry halfway), and refused at once while Redis is away — a MULTI waited for the
 * client's next reconnection attempt (up to a second) before it failed.
 */
const WRITE = `local drops = tonumber(ARGV[2])
for i = 3, 2 + drops do redis.call('HDEL', KEYS[1], ARGV[i]) end
for i = 3 + drops, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1`;

/** A hash per conversation (`<key prefix>transcript:<namespace>:<id>`), expiring with its record. */
export class RedisTranscripts implements Transcripts {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** One hash field per message: a turn sets the fields it added, not the ones before. */
  async write(key: string, change: { put: ChatMessage[]; drop: number[]; ttlMs: number }): Promise<void> {
    // every turn, even one that said nothing: the transcript must not expire before its record
    await this.redis.eval(WRITE, {
      keys: [this.prefix + key],
      arguments: [
        String(change.ttlMs),
        String(change.drop.length),
        ...change.drop.map(String),
        ...change.put.flatMap((m) => [String(m.id), JSON.stringify(m)]),
      ],
    });
  }

  async read(key: string): Promise<ChatMessage[]> {
    const fields = await this.redis.hGetAll(this.prefix + key);
    return Object.entries(fields)
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([, m]) => JSON.parse(m) as ChatMessage);
  }
}
