import { type Kysely, sql } from 'kysely';
import type { Schema } from './schema.js';

/** The next number of a day's sequence, atomically (one statement, on SQLite and PostgreSQL). */
export async function nextInSequence(db: Kysely<Schema>, kind: string, day: string): Promise<number> {
  const row = await db
    .insertInto('sequences')
    .values({ kind, day, n: 1 })
    .onConflict((oc) => oc.columns(['kind', 'day']).doUpdateSet({ n: sql`sequences.n + 1` }))
    .returning('n')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
