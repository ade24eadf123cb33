import { type TicketRecord, type TicketStore, ticketRecordSchema } from '../../bot/handoff/index.js';
import type { Counters, KeyValue, Lock, Stores } from '../../bot/ports.js';
import { formatDate, todayIn } from '../../knowledge/index.js';

const INDEX = 'index';
/** A day's sequence outlives its day (the counter's window), so a number is never handed out twice. */
const SEQUENCE_WINDOW_MS = 3 * 86_400_000;

/**
 * Tickets in the state store: one record per ticket (no TTL: a ticket is kept until someone deals
 * with it) and one index of their numbers, oldest first, changed under a lock. The relational
 * database of a later issue replaces this file, behind the same TicketStore port.
 */
export class KeyValueTickets implements TicketStore {
  constructor(private readonly options: { records: KeyValue<unknown>; counters: Counters; lock: Lock }) {}

  /**
   * TK-YYYYMMDD-NNNN: the day's counter (atomic in Redis, so instances never share a number), and
   * checked against the store in case a counter was lost.
   */
  async nextNumber(now: Date): Promise<string> {
    const day = formatDate(todayIn(now)).replace(/-/g, '');
    for (;;) {
      const n = await this.options.counters.hit(day, SEQUENCE_WINDOW_MS);
      const number = `TK-${day}-${String(n).padStart(4, '0')}`;
      if ((await this.options.records.get(number)) === undefined) return number;
    }
  }

  async save(ticket: TicketRecord): Promise<void> {
    const { records, lock } = this.options;
    await records.set(ticket.number, ticketRecordSchema.parse(ticket));
    // a key no conversation id can take (they have no ':')
    await lock.run('registry:tickets', async () => {
      const index = await this.index();
      if (!index.includes(ticket.number)) await records.set(INDEX, [...index, ticket.number]);
    });
  }

  async get(number: string): Promise<TicketRecord | undefined> {
    const parsed = ticketRecordSchema.safeParse(await this.options.records.get(number));
    return parsed.success ? parsed.data : undefined;
  }

  async list(options: { limit?: number } = {}): Promise<TicketRecord[]> {
    const numbers = (await this.index()).reverse().slice(0, options.limit ?? Number.POSITIVE_INFINITY);
    const found = await Promise.all(numbers.map((n) => this.get(n)));
    return found.filter((t): t is TicketRecord => t !== undefined);
  }

  private async index(): Promise<string[]> {
    const raw = await this.options.records.get(INDEX);
    return Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string') : [];
  }
}

/** The ticket store over the state store (SQLite file or Redis). */
export function createTicketStore(stores: Stores): TicketStore {
  return new KeyValueTickets({
    records: stores.keyValue('tickets'),
    counters: stores.counters('ticket-numbers'),
    lock: stores.lock,
  });
}
