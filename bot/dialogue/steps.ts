// How a flow's step or its end lands in the conversation.
import { choices, text } from '../../contracts/replies.js';
import type { Requester, Step } from '../../flows/engine/index.js';
import type { Conversation } from '../conversations/store.js';
import type { DialogueDeps, Outcome } from './types.js';

/** Applies a runner step to the conversation: keep asking, end (ask "solved?"), or hand over. */
export async function afterStep(
  c: Conversation,
  step: Step,
  { deps, requester }: { deps: Pick<DialogueDeps, 'handoff' | 'answers'>; requester: Requester },
): Promise<Outcome> {
  const flowId = c.flow?.flow ?? step.state?.flow;
  if (step.outcome === 'handoff') {
    const handed = await deps.handoff.request(
      { ...c, flow: step.state ?? c.flow },
      `flow ${flowId ?? ''}`,
      requester,
    );
    return { replies: [...step.replies, ...handed.replies], conversation: handed.conversation };
  }
  if (step.outcome === 'ended') {
    const replies = [...step.replies];
    let awaitingSolved: string | undefined;
    if (step.askSolved) {
      awaitingSolved = flowId;
      replies.push(...deps.answers.solvedQuestion(c.lang));
    }
    return { replies, conversation: { ...c, flow: undefined, awaitingSolved, lastFlow: step.final } };
  }
  return { replies: step.replies, conversation: { ...c, flow: step.state } };
}

export function leaveFlow(
  c: Conversation,
  key: 'flow_cancelled' | 'flow_restarted',
  { say, answers }: Pick<DialogueDeps, 'say' | 'answers'>,
): Outcome {
  return {
    replies: [text(say(key, c.lang)), choices(answers.mainTopics(c.lang))],
    conversation: { ...c, flow: undefined },
  };
}
