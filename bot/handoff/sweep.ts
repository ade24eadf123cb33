import { choices, text } from '../../contracts/replies.js';
import type { HandoffContext } from './context.js';
import type { Relay } from './relay.js';
import type { UserSide } from './user-side.js';

/** A handoff whose ticket was never opened after this long is given up. */
const STUCK_OPENING_MS = 2 * 60_000;

/**
 * Waiting handoffs nobody claimed in time: the user hears so honestly, once, and may leave a
 * message (which still reaches the agents) or go back to the assistant. Returns how many.
 */
export async function sweep(ctx: HandoffContext, sides: { user: UserSide; relay: Relay }): Promise<number> {
  const { registry, say, claimTimeoutMs } = ctx.deps;
  const now = ctx.deps.clock().getTime();
  let told = 0;
  for (const open of await registry.list()) {
    const c = await ctx.deps.store.load(open.conversationId);
    // set aside while the user leaves a message: still theirs, and already told
    if (c && !c.handoff && c.ticketDraft?.handoff) continue;
    if (!c?.handoff) {
      ctx.progress.delete(open.conversationId);
      await registry.forget(open.conversationId);
      continue;
    }
    if (!c.handoff.ticket) {
      // an instance that went away between the turn and the desk: the user must not wait forever
      if (!ctx.opening.has(c.id) && now - Date.parse(c.handoff.openedAt) > STUCK_OPENING_MS)
        await sides.user.openFailed(c.id);
      continue;
    }
    // messages the desk could not take before (it was down): now
    await ctx.relays
      .run(c.id, () => sides.relay.flush(c.id))
      .catch((err: unknown) =>
        ctx.deps.logger.warn({ err, conversationId: c.id }, 'messages still waiting for the desk'),
      );
    if (open.status !== 'waiting' || open.unclaimedNotified) continue;
    if (now - Date.parse(open.openedAt) < claimTimeoutMs) continue;
    const result = await ctx.change(open.conversationId, undefined, (c, h) => {
      if (h.status !== 'waiting' || h.unclaimedNotified) return { conversation: c, entries: [] };
      const offered = [
        { label: say('handoff_leave_message', c.lang), action: 'handoff:message' },
        { label: say('handoff_back_to_bot', c.lang), action: 'handoff:leave' },
      ];
      return {
        conversation: { ...c, handoff: { ...h, unclaimedNotified: true }, offered },
        entries: [
          {
            at: ctx.now(),
            from: 'bot',
            replies: [text(say('handoff_unclaimed', c.lang)), choices(offered)],
          },
        ],
      };
    });
    if (!result.ok || !result.added.length) continue;
    told++;
    ctx.deps.insights?.record({
      kind: 'handoff_unclaimed',
      conversationId: open.conversationId,
      channel: result.channel,
      lang: result.conversation.lang,
      durationMs: now - Date.parse(open.openedAt),
    });
    await registry.unclaimed(open.conversationId);
    await ctx.tellDesk(result.ticket, open.conversationId, {
      kind: 'unclaimed',
      minutes: Math.round(claimTimeoutMs / 60_000),
    });
  }
  return told;
}
