import { type TicketRecord, type TicketStore, ticketRecordSchema } from '../../../bot/handoff/index.js';
import { formatDate, todayIn } from '../../../knowledge/index.js';
import type { Database } from './database.js';
import { nextInSequence } from './sequences.js';

/** Messages left for a person, in the database (kept until someone deals with them). */
export class SqlTicketStore implements TicketStore {
  constructor(private readonly database: Database) {}

  async nextNumber(now: Date): Promise<string> {
    const day = formatDate(todayIn(now)).replace(/-/g, '');
    return `TK-${day}-${String(await nextInSequence(this.database.db, 'tickets', day)).padStart(4, '0')}`;
  }

  async save(ticket: TicketRecord): Promise<void> {
    const t = ticketRecordSchema.parse(ticket);
    await this.database.db
      .insertInto('tickets')
      .values({ number: t.number, created_at: t.createdAt, record: JSON.stringify(t) })
      .onConflict((oc) => oc.column('number').doUpdateSet({ record: JSON.stringify(t) }))
      .execute();
  }

  async get(number: string): Promise<TicketRecord | undefined> {
    const row = await this.database.db
      .selectFrom('tickets')
      .select('record')
      .where('number', '=', number)
      .executeTakeFirst();
    const parsed = row && ticketRecordSchema.safeParse(JSON.parse(row.record));
    return parsed?.success ? parsed.data : undefined;
  }

  async list(options: { limit?: number } = {}): Promise<TicketRecord[]> {
    let q = this.database.db
      .selectFrom('tickets')
      .select('record')
      .orderBy('created_at', 'desc')
      .orderBy('number', 'desc');
    if (options.limit !== undefined) q = q.limit(options.limit);
    return (await q.execute()).flatMap((r) => {
      const parsed = ticketRecordSchema.safeParse(JSON.parse(r.record));
      return parsed.success ? [parsed.data] : [];
    });
  }
}
