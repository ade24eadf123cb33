import { choices, text } from '../../contracts/replies.js';
import type { FlowState, Requester } from '../../flows/engine/index.js';
import type { IntentId, NormalizedMessage, Understanding } from '../../knowledge/index.js';
import type { Conversation } from '../conversations/store.js';
import type { Decision } from '../route.js';
import { articleFor } from './knowledge.js';
import { referenceHint } from './reference-hint.js';
import { afterStep, leaveFlow } from './steps.js';
import type { DialogueDeps, Outcome } from './types.js';

export interface InFlowOptions {
  deps: DialogueDeps;
  requester: Requester;
  /** The message, understood once (as inside a flow): its entities may answer the question, its
   * intent may be a side question. */
  heard: { understanding: Understanding; decision: Decision };
  /** The message taken as if no flow were under way, in the conversation that left it. */
  fresh: (left: Conversation) => Promise<Outcome>;
}

/**
 * A message while a flow is asking: its answer, a command (cancel, restart, back), a correction, a
 * goodbye, a person, or a side question answered with an offer to carry on.
 */
export async function inFlow(
  c: Conversation,
  state: FlowState,
  message: NormalizedMessage,
  opts: InFlowOptions,
): Promise<Outcome> {
  const { deps, requester, fresh } = opts;
  const { understanding, decision } = opts.heard;
  const { commands, runner, say } = deps;
  const ctx = { lang: c.lang, requester };
  const input = { text: message.raw, normalized: message.text, entities: understanding.entities };
  // what the message says besides the answer is kept for the questions still to come
  const before = state;
  state = runner.absorb(state, input, { answersCurrent: runner.fits(state, input) });
  c = { ...c, flow: state };

  if (state.paused) {
    if (commands.is(message, 'yes')) return afterStep(c, runner.ask(state, ctx), opts);
    if (commands.is(message, 'no')) return leaveFlow(c, 'flow_cancelled', deps);
  }
  // A direct answer first: "不用" answers "do you need a person?" before it cancels anything.
  if (runner.fits(state, input)) return afterStep(c, await runner.answer(state, input, ctx), opts);

  const command = commands.first(message, ['cancel', 'restart', 'back']);
  if (command === 'cancel') return leaveFlow(c, 'flow_cancelled', deps);
  if (command === 'restart') return leaveFlow(c, 'flow_restarted', deps);
  if (command === 'back') {
    const step = runner.back(state, ctx);
    if (step) return afterStep(c, step, opts);
    const again = runner.ask(state, ctx);
    return afterStep(c, { ...again, replies: [text(say('back_first', c.lang)), ...again.replies] }, opts);
  }

  // a correction of something already given walks the tree again with the new value
  if (commands.corrects(message) || decision.kind !== 'answer') {
    const corrected = await runner.correct(state, input, ctx);
    if (corrected) return { ...(await afterStep(c, corrected, opts)), understanding, decision };
  }
  // goodbye ends the tree, whatever it was asking
  if (decision.kind === 'smalltalk' && decision.intent === 'goodbye')
    return {
      replies: [text(say('goodbye', c.lang))],
      conversation: { ...c, flow: undefined },
      understanding,
      decision,
    };
  // a yes/no question ("转人工？", "这样能退了吗？") is an offer, not a gate: anything else the user
  // says is taken for what it is, and a second thing it cannot read leaves the question too
  const current = runner.flow(state.flow);
  const sameTopic = decision.kind === 'answer' && current?.intents.includes(decision.intent);
  const person = decision.kind === 'answer' && decision.intent === 'human_agent';
  if (runner.slotType(state) === 'yes_no' && !sameTopic && !person) {
    if (decision.kind !== 'no_match' || state.invalid >= 1) {
      const left = { ...c, flow: undefined };
      if (decision.kind === 'smalltalk')
        return {
          replies: [text(say(decision.intent, c.lang))],
          conversation: left,
          understanding,
          decision,
        };
      return fresh(left);
    }
  }

  const flow = runner.flow(state.flow);
  const sideIntent =
    decision.kind === 'answer' && !flow?.intents.includes(decision.intent) ? decision.intent : undefined;
  if (decision.kind === 'answer' && decision.intent === 'human_agent') {
    return {
      ...(await deps.handoff.request(c, `asked for a person during ${state.flow}`, requester, message.raw)),
      understanding,
      decision,
    };
  }
  // told something the path depends on instead ("参考号…" while asked how it was paid): go that way
  if (decision.kind !== 'smalltalk') {
    const redirected = await runner.redirect(before, state, ctx);
    if (redirected) return { ...(await afterStep(c, redirected, opts)), understanding, decision };
  }
  if (sideIntent || (decision.kind === 'smalltalk' && decision.intent !== 'greeting')) {
    // a side question: answer it, then offer to carry on where we were
    const answer =
      decision.kind === 'smalltalk'
        ? [text(say(decision.intent, c.lang))]
        : articleFor(sideIntent as IntentId, c.lang, deps);
    const title = flow ? flow.title[c.lang] : '';
    return {
      replies: [
        ...answer.filter((r) => r.type !== 'choices'),
        text(say('resume_question', c.lang, { flow: title })),
        choices([
          { label: say('resume_yes', c.lang), action: 'resume:yes' },
          { label: say('resume_no', c.lang), action: 'resume:no' },
        ]),
      ],
      conversation: { ...c, flow: { ...state, paused: true } },
      understanding,
      decision,
    };
  }
  // not an answer and not another question: ask again, saying what a good answer looks like
  const step = await runner.answer(state, input, ctx);
  const hint = runner.slotType(state) === 'reference' ? referenceHint(understanding, c.lang, say) : [];
  const out = await afterStep(c, step, opts);
  return { ...out, replies: [...hint, ...out.replies], understanding, decision };
}
