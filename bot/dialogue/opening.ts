import type { AnswerInput } from '../../flows/engine/index.js';
import type { Entities } from '../../knowledge/index.js';
import type { Conversation } from '../conversations/store.js';
import type { DialogueDeps } from './types.js';

/**
 * What a flow starts with: this message and what the user said just before it (a topic chosen
 * after "上周五刷卡买的" knows the day and the card). The newest message wins where they differ.
 */
export function opening(
  c: Conversation,
  { understander, clock }: Pick<DialogueDeps, 'understander' | 'clock'>,
  { text = '', entities = {} }: { text?: string; entities?: Entities } = {},
): AnswerInput {
  const earlier = c.said.filter((t) => t !== text);
  if (!earlier.length) return { text, normalized: text, entities };
  const before = understander.understand(earlier.join('，'), { now: clock() }).entities;
  const merged: Entities = { ...before };
  for (const [k, v] of Object.entries(entities))
    if (v !== undefined) (merged as Record<string, unknown>)[k] = v;
  const joined = [...earlier, text].filter(Boolean).join('，');
  return { text: joined, normalized: joined, entities: merged };
}
