import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import { sql } from 'kysely';
import type { Logger } from '../../contracts/logger.js';
import { maskSensitive } from '../../contracts/masking.js';
import type { Database } from './db/database.js';

/** What proof may be uploaded, by what the bytes are, not by what the name or the browser says. */
export const ALLOWED_TYPES: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/heic': 'heic',
  'application/pdf': 'pdf',
};

const UPLOAD_ID = /^[0-9a-f-]{36}\.(jpg|png|webp|heic|pdf)$/;
/** A conversation id's shape; anything else starts a new conversation, so counts towards none. */
const CONVERSATION_ID = /^[A-Za-z0-9_-]{8,64}$/;
/** Rows deleted per statement in a sweep: a long backlog never becomes one huge transaction. */
const SWEEP_BATCH = 500;
/** PostgreSQL advisory locks are one namespace per database: ours for uploads is this class. */
const LOCK_CLASS = 7_140_001;

export type UploadRefusal = 'too_large' | 'wrong_type' | 'empty' | 'too_many_files' | 'conversation_full';

export type UploadCheck =
  | { ok: true; id: string; type: string; size: number }
  | { ok: false; reason: UploadRefusal };

export interface UploadStoreOptions {
  /** Where every upload's record is (and its bytes, with `bytesIn: 'database'`). */
  database: Database;
  /**
   * `database`: the bytes in the uploads table, so every instance on the shared database serves
   * every file. `directory`: files in `dir` — one instance's DATA_DIR/uploads, or UPLOAD_DIR that
   * the operator shares between instances.
   */
  bytesIn: 'database' | 'directory';
  /**
   * Where files are written (`bytesIn: 'directory'`), and where a file the database has no record
   * of is looked for: one uploaded before uploads were recorded, or by an instance with a database
   * of its own sharing UPLOAD_DIR.
   */
  dir: string;
  maxBytes: number;
  perConversation: { files: number; bytes: number };
  retentionDays: number;
  /**
   * Whether the sweep may delete files in `dir` that no record names, once past retention. Only
   * where this database knows every file there: not for an UPLOAD_DIR shared by instances that
   * each have a SQLite file of their own (their open applications are not ours to see).
   */
  sweepUnrecorded: boolean;
  /** Uploads an application still open refers to: kept past retention (its reviewers need them). */
  stillNeeded: () => Promise<Iterable<string>>;
  clock: () => Date;
}

/**
 * Proof documents (receipts, invoices), each under a random name, recorded in the database with
 * the conversation it came in: counted against that conversation's quota and deleted once past
 * retention.
 *
 * Without DATABASE_URL the bytes stay files under DATA_DIR/uploads rather than blobs in the SQLite
 * file: better-sqlite3 is synchronous, so writing or reading a 10 MB blob would stop every other
 * conversation for that long, while file I/O is asynchronous; and the business database (backed
 * up, copied for support) stays small.
 */
export class UploadStore {
  readonly maxBytes: number;
  /** At most this many files, and bytes in all, per conversation. */
  readonly perConversation: { files: number; bytes: number };

  constructor(private readonly options: UploadStoreOptions) {
    this.maxBytes = options.maxBytes;
    this.perConversation = options.perConversation;
  }

  /**
   * Checks the bytes (size, what they are) and the conversation's quota, then keeps them. The
   * quota is checked and the record written in one transaction, serialised per conversation, so
   * two uploads at once cannot both take the last place.
   */
  async save(
    bytes: Buffer,
    meta: { conversationId?: string | undefined; name: string },
  ): Promise<UploadCheck> {
    if (bytes.length === 0) return { ok: false, reason: 'empty' };
    if (bytes.length > this.maxBytes) return { ok: false, reason: 'too_large' };
    const detected = await fileTypeFromBuffer(bytes);
    const ext = detected && ALLOWED_TYPES[detected.mime];
    if (!detected || !ext) return { ok: false, reason: 'wrong_type' };
    const id = `${randomUUID()}.${ext}`;
    const conversationId =
      meta.conversationId && CONVERSATION_ID.test(meta.conversationId) ? meta.conversationId : null;
    const inDatabase = this.options.bytesIn === 'database';
    const { db, dialect } = this.options.database;
    const refused = await db.transaction().execute(async (trx) => {
      if (conversationId) {
        // SQLite has one writer; PostgreSQL is told to queue uploads to the same conversation
        if (dialect === 'postgres')
          await sql`select pg_advisory_xact_lock(${LOCK_CLASS}, hashtext(${conversationId}))`.execute(trx);
        const used = await usage(trx, conversationId);
        const { files, bytes: most } = this.options.perConversation;
        if (used.files + 1 > files) return 'too_many_files' as const;
        if (used.bytes + bytes.length > most) return 'conversation_full' as const;
      }
      await trx
        .insertInto('uploads')
        .values({
          id,
          conversation_id: conversationId,
          name: maskSensitive(meta.name),
          type: detected.mime,
          size: bytes.length,
          sha256: createHash('sha256').update(bytes).digest('hex'),
          created_at: this.options.clock().toISOString(),
          bytes: inDatabase ? bytes : null,
        })
        .execute();
      return undefined;
    });
    if (refused) return { ok: false, reason: refused };
    if (!inDatabase) {
      try {
        await mkdir(this.options.dir, { recursive: true });
        await writeFile(path.join(this.options.dir, id), bytes, { mode: 0o600 });
      } catch (err) {
        await this.remove(id);
        throw err;
      }
    }
    return { ok: true, id, type: detected.mime, size: bytes.length };
  }

  /** The conversation an upload turned out to be in (a new conversation gets its id when it is recorded). */
  async assign(id: string, conversationId: string): Promise<void> {
    await this.options.database.db
      .updateTable('uploads')
      .set({ conversation_id: conversationId })
      .where('id', '=', id)
      .execute();
  }

  /** Files and bytes a conversation has uploaded (what its quota counts). */
  usage(conversationId: string): Promise<{ files: number; bytes: number }> {
    return usage(this.options.database.db, conversationId);
  }

  async read(id: string): Promise<{ bytes: Buffer; type: string } | undefined> {
    const m = UPLOAD_ID.exec(id);
    if (!m) return undefined;
    const row = await this.options.database.db
      .selectFrom('uploads')
      .select(['type', 'bytes'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (row?.bytes) return { bytes: Buffer.from(row.bytes), type: row.type };
    const type =
      row?.type ??
      Object.entries(ALLOWED_TYPES).find(([, e]) => e === m[1])?.[0] ??
      'application/octet-stream';
    try {
      return { bytes: await readFile(path.join(this.options.dir, id)), type };
    } catch {
      return undefined;
    }
  }

  /** Forgets an upload: its record, and its file if it has one. */
  async remove(id: string): Promise<void> {
    if (!UPLOAD_ID.test(id)) return;
    await this.options.database.db.deleteFrom('uploads').where('id', '=', id).execute();
    await this.unlink(id);
  }

  /**
   * Deletes uploads older than the retention, except those an open application still needs.
   * Every instance may run it at once: a record is deleted by one statement only (the others find
   * it gone), and a file already gone is not an error.
   */
  async sweep(): Promise<{ deleted: number }> {
    const cutoff = new Date(this.options.clock().getTime() - this.options.retentionDays * 86_400_000);
    const keep = [...new Set(await this.options.stillNeeded())];
    const { db } = this.options.database;
    let deleted = 0;
    for (;;) {
      const gone = await db
        .deleteFrom('uploads')
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('uploads')
            .select('id')
            .where('created_at', '<', cutoff.toISOString())
            .$if(keep.length > 0, (q) => q.where('id', 'not in', keep))
            .limit(SWEEP_BATCH),
        )
        .returning('id')
        .execute();
      for (const { id } of gone) await this.unlink(id);
      deleted += gone.length;
      if (gone.length < SWEEP_BATCH) break;
    }
    if (this.options.sweepUnrecorded) deleted += await this.sweepUnrecorded(cutoff, new Set(keep));
    return { deleted };
  }

  /** Files with no record (from before uploads were recorded), by their age on disk. */
  private async sweepUnrecorded(cutoff: Date, keep: Set<string>): Promise<number> {
    const names = await readdir(this.options.dir).catch(() => [] as string[]);
    const old: string[] = [];
    for (const name of names) {
      if (!UPLOAD_ID.test(name) || keep.has(name)) continue;
      const info = await stat(path.join(this.options.dir, name)).catch(() => undefined);
      if (info && info.mtime < cutoff) old.push(name);
    }
    let deleted = 0;
    for (let i = 0; i < old.length; i += SWEEP_BATCH) {
      const batch = old.slice(i, i + SWEEP_BATCH);
      const recorded = await this.options.database.db
        .selectFrom('uploads')
        .select('id')
        .where('id', 'in', batch)
        .execute();
      const known = new Set(recorded.map((r) => r.id));
      for (const name of batch) {
        if (known.has(name)) continue;
        await this.unlink(name);
        deleted++;
      }
    }
    return deleted;
  }

  private async unlink(id: string): Promise<void> {
    await unlink(path.join(this.options.dir, id)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }
}

async function usage(db: Database['db'], conversationId: string): Promise<{ files: number; bytes: number }> {
  const row = await db
    .selectFrom('uploads')
    .select((eb) => [eb.fn.countAll().as('files'), eb.fn.coalesce(eb.fn.sum('size'), sql.lit(0)).as('bytes')])
    .where('conversation_id', '=', conversationId)
    .executeTakeFirst();
  // PostgreSQL answers count and sum as text (bigint, numeric)
  return { files: Number(row?.files ?? 0), bytes: Number(row?.bytes ?? 0) };
}

/**
 * Runs the store's sweep now and then: first shortly after start (an instance restarted more often
 * than `everyMs` still sweeps), then every `everyMs`, never two at once in one process.
 * `stop()` waits for a sweep under way, so the database is not closed under it.
 */
export function scheduleSweeps(
  uploads: Pick<UploadStore, 'sweep'>,
  options: { everyMs: number; firstAfterMs: number; logger: Logger },
): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const run = () => {
    running ??= uploads
      .sweep()
      .then(({ deleted }) => {
        if (deleted) options.logger.info({ deleted }, 'uploads past their retention deleted');
      })
      .catch((err: unknown) => options.logger.warn({ err }, 'upload sweep failed'))
      .finally(() => {
        running = undefined;
      });
  };
  const first = setTimeout(run, options.firstAfterMs).unref();
  const every = setInterval(run, options.everyMs).unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(every);
      await running;
    },
  };
}
