import type { Lang } from '../../knowledge/index.js';
import type { Conversation } from '../conversations/store.js';
import type { HandoffContext } from './context.js';
import type { Suggestion } from './desk.js';

/** The user's messages, in order, to the desk that holds their ticket. */
export class Relay {
  constructor(private readonly ctx: HandoffContext) {}

  /**
   * The user wrote (or sent a file) while agents own the conversation: it goes to the desk, in
   * order. What the desk could not take yet (no ticket yet, the desk down) stays pending in the
   * conversation and goes with the next message or the next sweep: nothing is lost.
   */
  relay(conversationId: string, saved?: Conversation): void {
    void this.ctx.relays
      .run(conversationId, () => this.flush(conversationId, saved))
      .catch((err: unknown) =>
        this.ctx.deps.logger.error(
          { err, conversationId },
          'could not pass messages to the agents; will retry',
        ),
      );
  }

  /** `saved`: the conversation as the turn just saved it (saves reading it again). */
  async flush(conversationId: string, saved?: Conversation): Promise<void> {
    const desk = this.ctx.desk;
    if (!desk) return;
    const c = saved ?? (await this.ctx.deps.store.load(conversationId));
    const h = c?.handoff;
    if (!c || !h?.ticket) return;
    const ticket = h.ticket;
    // relays of one conversation run one after another; a snapshot may predate what an earlier
    // relay already sent, which this instance remembers
    const from = Math.max(h.relayedUpTo, this.ctx.progress.get(conversationId) ?? 0);
    let done = from;
    try {
      for (const m of c.messages.filter((x) => x.from === 'user' && x.id > from)) {
        const said = m.text ?? m.label;
        await desk.userSaid(ticket, conversationId, m, said ? this.suggestion(said, c.lang) : undefined);
        done = m.id;
        this.ctx.progress.set(conversationId, done);
      }
    } finally {
      // one write for what went, whether all of it went or not
      if (done > h.relayedUpTo) {
        const upTo = done;
        await this.ctx.deps.store.update(conversationId, async (x) =>
          x.handoff && x.handoff.relayedUpTo < upTo
            ? { ...x, handoff: { ...x.handoff, relayedUpTo: upTo } }
            : undefined,
        );
      }
    }
  }

  suggestion(message: string, lang: Lang): Suggestion | undefined {
    const id = this.ctx.deps.suggest(message, lang);
    const replies = id ? this.ctx.deps.answers.article(id, lang) : undefined;
    const card = replies?.find((r) => r.type === 'article');
    const first = replies?.find((r) => r.type === 'text');
    if (!id || !card || !first) return undefined;
    return { articleId: id, title: card.title, text: first.text };
  }
}
