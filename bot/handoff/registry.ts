import { z } from 'zod';
import { formatDate, todayIn } from '../../knowledge/index.js';
import type { KeyValue, Lock } from '../ports.js';
import { agentSchema, ticketSchema } from './state.js';

const openSchema = z.object({
  conversationId: z.string(),
  openedAt: z.string(),
  status: z.enum(['waiting', 'claimed']),
  agent: agentSchema.optional(),
  channel: z.string(),
  reason: z.string(),
  lang: z.enum(['zh', 'en']),
  ticket: ticketSchema.optional(),
  unclaimedNotified: z.boolean().default(false),
});
export type OpenHandoff = z.infer<typeof openSchema>;

const COUNTS = ['opened', 'claimed', 'resolved', 'left', 'unclaimed'] as const;
export type DayCounts = Record<(typeof COUNTS)[number], number>;
const countsSchema = z.object(Object.fromEntries(COUNTS.map((k) => [k, z.number().int().default(0)])));

/**
 * Every conversation agents own right now, and each day's counts: what App Home shows and what the
 * unclaimed-handoff sweep walks. One small record per key, changed under a lock, so every instance
 * sharing the store sees the same desk.
 */
export class HandoffRegistry {
  constructor(private readonly options: { records: KeyValue<unknown>; lock: Lock; clock: () => Date }) {}

  async list(): Promise<OpenHandoff[]> {
    const raw = await this.options.records.get('open');
    // one unreadable entry (an older version's) must not take the others with it
    return (Array.isArray(raw) ? raw : []).flatMap((e) => {
      const parsed = openSchema.safeParse(e);
      return parsed.success ? [parsed.data] : [];
    });
  }

  /** The desk has its ticket now. */
  ticketed(conversationId: string, ticket: NonNullable<OpenHandoff['ticket']>): Promise<void> {
    return this.change(conversationId, (e) => e && { ...e, ticket });
  }

  /** Today's counts, by the day in China. */
  async today(): Promise<DayCounts> {
    const parsed = countsSchema.safeParse((await this.options.records.get(this.dayKey())) ?? {});
    return (parsed.success ? parsed.data : Object.fromEntries(COUNTS.map((k) => [k, 0]))) as DayCounts;
  }

  opened(entry: OpenHandoff): Promise<void> {
    return this.change(entry.conversationId, () => entry, 'opened');
  }

  claimed(conversationId: string, agent: z.infer<typeof agentSchema>): Promise<void> {
    return this.change(conversationId, (e) => e && { ...e, status: 'claimed', agent }, 'claimed');
  }

  unclaimed(conversationId: string): Promise<void> {
    return this.change(conversationId, (e) => e && { ...e, unclaimedNotified: true }, 'unclaimed');
  }

  closed(conversationId: string, how: 'resolved' | 'left'): Promise<void> {
    return this.change(conversationId, () => undefined, how);
  }

  /** A conversation that expired while handed over: no count, just gone from the list. */
  forget(conversationId: string): Promise<void> {
    return this.change(conversationId, () => undefined);
  }

  private async change(
    conversationId: string,
    update: (e: OpenHandoff | undefined) => OpenHandoff | undefined,
    count?: keyof DayCounts,
  ): Promise<void> {
    const { records, lock } = this.options;
    // a key no conversation id can take (they have no ':')
    await lock.run('registry:handoffs', async () => {
      const list = await this.list();
      const i = list.findIndex((e) => e.conversationId === conversationId);
      const next = update(i >= 0 ? list[i] : undefined);
      const rest = list.filter((e) => e.conversationId !== conversationId);
      await records.set('open', next ? [...rest, next] : rest);
      if (count) {
        const key = this.dayKey();
        const counts = await this.today();
        // kept for a month: enough for a support lead's weekly look, not forever
        await records.set(key, { ...counts, [count]: counts[count] + 1 }, 31 * 86_400_000);
      }
    });
  }

  private dayKey(): string {
    return `day:${formatDate(todayIn(this.options.clock()))}`;
  }
}
