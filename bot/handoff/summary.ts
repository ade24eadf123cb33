import { maskSensitive } from '../../contracts/masking.js';
import type { ChatMessage } from '../../contracts/messages.js';
import type { CardReply } from '../../contracts/replies.js';
import type { Requester } from '../../flows/engine/index.js';
import type { IntentId } from '../../knowledge/index.js';
import type { Conversation } from '../conversations/store.js';
import type { HandoffContext } from './context.js';
import type { HandoffSummary } from './desk.js';

/** How many of the latest messages agents see first. */
const TRANSCRIPT = 12;

/** What agents see first: why, what the user gave, what the acquirer said, what was said. */
export function summarize(
  ctx: HandoffContext,
  c: Conversation,
  reason: string,
  requester: Requester,
  said?: string,
): HandoffSummary {
  // what goes to the desk is masked like everything stored: the message that asked for a person
  // has not been through the turn's record yet
  const given = Object.fromEntries(
    Object.entries(c.flow?.slots ?? {})
      .filter((e): e is [string, string | number | boolean] =>
        ['string', 'number', 'boolean'].includes(typeof e[1]),
      )
      .map(([k, v]) => [k, typeof v === 'string' ? maskSensitive(v) : v]),
  );
  const transcript: ChatMessage[] = [
    ...c.messages,
    ...(said ? [{ id: c.seq + 1, at: ctx.now(), from: 'user' as const, text: maskSensitive(said) }] : []),
  ].slice(-TRANSCRIPT);
  const status = [...c.messages]
    .reverse()
    .flatMap((m) => m.replies ?? [])
    .find((r): r is CardReply => r.type === 'card');
  const reference =
    (typeof given.reference === 'string' && given.reference) ||
    [...transcript]
      .reverse()
      .map((m) => (m.from === 'user' ? /(?<!\d)\d{12}(?!\d)/.exec(m.text ?? '')?.[0] : undefined))
      .find(Boolean);
  const intent = c.lastIntent as IntentId | undefined;
  return {
    conversationId: c.id,
    lang: c.lang,
    channel: requester.channel,
    reason,
    openedAt: ctx.now(),
    given,
    transcript,
    ...(intent && { intent: { id: intent, title: ctx.deps.answers.intentLabel(intent, c.lang) } }),
    ...(requester.merchantNo && { merchantNo: requester.merchantNo }),
    ...(reference && { reference }),
    ...(status && { status }),
  };
}
