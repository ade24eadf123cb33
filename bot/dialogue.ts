import { choices, type Reply, text } from '../contracts/replies.js';
import {
  type AnswerInput,
  type FlowContext,
  type FlowRunner,
  type FlowState,
  parseAnswerAction,
  type Requester,
  type Step,
} from '../flows/engine/index.js';
import {
  type Commands,
  type Entities,
  INTENT_IDS,
  type IntentId,
  KIND_LABELS,
  kindGroup,
  type Lang,
  type NormalizedMessage,
  normalizeMessage,
  type Understander,
  type Understanding,
  unusableKind,
} from '../knowledge/index.js';
import type { Answers } from './answers.js';
import type { Conversation } from './conversations/store.js';
import type { HandoffPort } from './handoff/index.js';
import type { Say } from './messages.js';
import { type Decision, decide, SMALLTALK } from './route.js';

/** What a dialogue step produces; the assistant saves `conversation` and returns `replies`. */
export interface Outcome {
  replies: Reply[];
  conversation: Conversation;
  understanding?: Understanding;
  decision?: Decision;
}

export interface DialogueDeps {
  understander: Understander;
  runner: FlowRunner;
  answers: Answers;
  say: Say;
  commands: Commands;
  handoff: HandoffPort;
  maxMessageChars: number;
  clock: () => Date;
}

// Something a person wrote: letters of any script or digits. Emoji, punctuation and binary noise
// alone are not.
const READABLE = /[\p{L}\p{N}]/u;
const INTENT_SET = new Set<string>(INTENT_IDS);

/**
 * The conversation rules between one message and its replies: flows and their questions, the
 * commands that work anywhere (cancel, start over, back, switch language, a person), side
 * questions in the middle of a flow, and "did this solve it?". Understanding and the trees
 * themselves live elsewhere; this decides which of them speaks.
 */
export class Dialogue {
  constructor(private readonly deps: DialogueDeps) {}

  private flowContext(c: Conversation, requester: Requester): FlowContext {
    return { lang: c.lang, requester };
  }

  understand(
    message: string | NormalizedMessage,
    lang: Lang,
    { inFlow = false }: { inFlow?: boolean } = {},
  ): { understanding: Understanding; decision: Decision } {
    const understanding = this.deps.understander.understand(message, {
      now: this.deps.clock(),
      fallbackLang: lang,
      // inside a refund tree, "信用卡" is how it was paid, not a card-delivery question
      inRefundFlow: inFlow,
    });
    return { understanding, decision: decide(understanding) };
  }

  /** Replies to one message with no conversation around it (answers only, no flows). */
  respond(raw: string, lang: Lang): Omit<Outcome, 'conversation'> {
    const message = normalizeMessage(raw);
    const rejected = this.reject(message, lang);
    if (rejected) return { replies: rejected };
    const { understanding, decision } = this.understand(message, lang);
    return { replies: this.knowledgeReply(decision, understanding, lang), understanding, decision };
  }

  /** Empty, too long or unreadable: a polite word, nothing else happens. */
  private reject(message: NormalizedMessage, lang: Lang): Reply[] | undefined {
    const { say, answers } = this.deps;
    if (message.raw.trim() === '') return [text(say('empty', lang)), choices(answers.mainTopics(lang))];
    if ([...message.raw].length > this.deps.maxMessageChars) {
      return [text(say('too_long', lang, { max: this.deps.maxMessageChars }))];
    }
    if (!READABLE.test(message.text))
      return [text(say('unreadable', lang)), choices(answers.mainTopics(lang))];
    return undefined;
  }

  private knowledgeReply(decision: Decision, u: Understanding, lang: Lang): Reply[] {
    const { say, answers } = this.deps;
    switch (decision.kind) {
      case 'smalltalk':
        return decision.intent === 'greeting'
          ? [text(say('greeting', lang)), choices(answers.mainTopics(lang))]
          : [text(say(decision.intent, lang))];
      case 'out_of_scope': {
        // a neighbouring domain we recognised (card delivery, repayment…): say where it goes
        const pointer = decision.neighbour ? u.domain.pointer?.[lang] : undefined;
        const words = pointer ? say('out_of_scope_neighbour', lang, { pointer }) : say('out_of_scope', lang);
        return [text(words), choices(answers.mainTopics(lang))];
      }
      case 'clarify':
        return answers.clarify(decision.candidates, lang);
      case 'no_match':
        return answers.noMatch(u.hits, lang);
      case 'answer':
        return this.articleFor(decision.intent, lang);
    }
  }

  private articleFor(intent: IntentId, lang: Lang): Reply[] {
    const { answers, say } = this.deps;
    const id = answers.intentArticleId(intent);
    return (
      (id && answers.article(id, lang)) || [text(say('no_match', lang)), choices(answers.mainTopics(lang))]
    );
  }

  /** `message` is normalised once, by the turn. */
  async onText(c: Conversation, message: NormalizedMessage, requester: Requester): Promise<Outcome> {
    const rejected = this.reject(message, c.lang);
    if (rejected) return { replies: rejected, conversation: c };
    if (c.ticketDraft) {
      // a message for a person is being written: it reads the message first (bot/handoff)
      const written = await this.deps.handoff.writeTicket(c, message);
      if ('replies' in written) return written;
      return this.onText(written.released, message, requester);
    }
    const { commands, say } = this.deps;

    const switchTo = commands.first(message, ['english', 'chinese']);
    if (switchTo) {
      const switched = { ...c, lang: switchTo === 'english' ? ('en' as const) : ('zh' as const) };
      const again = switched.flow
        ? this.deps.runner.ask(switched.flow, this.flowContext(switched, requester)).replies
        : [];
      return {
        replies: [text(say('language_switched', switched.lang)), ...again],
        conversation: switched,
      };
    }

    if (c.flow) return this.inFlow(c, c.flow, message, requester);

    if (c.awaitingSolved) {
      const answer = commands.first(message, ['solved', 'unsolved', 'yes', 'no']);
      if (answer) return this.solved(c, answer === 'solved' || answer === 'yes');
    }
    // "sorry, Tuesday not Monday" right after an answer: the same tree again, with the new value
    if (c.lastFlow && commands.corrects(message)) {
      const { understanding, decision } = this.understand(message, c.lang, { inFlow: true });
      const input = { text: message.raw, normalized: message.text, entities: understanding.entities };
      const corrected = await this.deps.runner.correct(c.lastFlow, input, this.flowContext(c, requester));
      if (corrected) {
        const again = { ...c, awaitingSolved: undefined, lastFlow: undefined };
        return { ...(await this.afterStep(again, corrected, requester)), understanding, decision };
      }
    }
    const cleared = { ...c, awaitingSolved: undefined };
    const command = commands.first(message, ['cancel', 'restart', 'back']);
    if (command) return this.leaveFlow(cleared, command === 'restart' ? 'flow_restarted' : 'flow_cancelled');
    return this.fresh(cleared, message, requester);
  }

  /** A message with no flow under way: understand it, then answer, ask, or start a flow. */
  private async fresh(c: Conversation, message: NormalizedMessage, requester: Requester): Promise<Outcome> {
    const { understanding, decision } = this.understand(message, c.lang);
    const misunderstandings = decision.kind === 'no_match' ? c.misunderstandings + 1 : 0;
    const next = {
      ...c,
      misunderstandings,
      ...(decision.kind === 'answer' && { lastIntent: decision.intent }),
    };
    if (decision.kind === 'answer') {
      if (decision.intent === 'human_agent')
        return {
          ...(await this.handoff(next, 'asked for a person', requester, message.raw)),
          understanding,
          decision,
        };
      const flow = this.deps.runner.flowForIntent(decision.intent);
      const input = { text: message.raw, normalized: message.text, entities: understanding.entities };
      if (flow && this.deps.runner.answersFirst(flow, input)) {
        // a question gets its answer; the tree is there for whoever has a case to work through
        const replies = this.articleFor(decision.intent, c.lang);
        const offer = { label: this.deps.say('check_my_case', c.lang), action: `intent:${decision.intent}` };
        const withOffer = replies.map((r) => (r.type === 'choices' ? choices([offer, ...r.choices]) : r));
        return { replies: withOffer, conversation: next, understanding, decision };
      }
      if (flow) {
        const step = await this.deps.runner.start(
          flow,
          this.opening(c, message.text, understanding.entities),
          this.flowContext(next, requester),
        );
        const asking = step.state && this.deps.runner.slotType(step.state) === 'reference';
        const hint = asking ? this.referenceHint(understanding, c.lang) : [];
        const out = await this.afterStep(next, step, requester);
        return { ...out, replies: [...hint, ...out.replies], understanding, decision };
      }
    }
    const replies = this.knowledgeReply(decision, understanding, c.lang);
    if (decision.kind === 'no_match' && misunderstandings >= 2 && this.deps.handoff.live) {
      // twice in a row the bot could not follow: a person takes over, the suggestions stay
      const handed = await this.handoff(next, 'not understood twice in a row', requester, message.raw);
      return {
        replies: [
          ...replies.filter((r) => r.type !== 'choices'),
          text(this.deps.say('handoff_misunderstood', c.lang)),
          ...handed.replies,
        ],
        conversation: handed.conversation,
        understanding,
        decision,
      };
    }
    return { replies, conversation: next, understanding, decision };
  }

  private async inFlow(
    c: Conversation,
    state: FlowState,
    message: NormalizedMessage,
    requester: Requester,
  ): Promise<Outcome> {
    const { commands, runner, say } = this.deps;
    const ctx = this.flowContext(c, requester);
    // understood once: its entities may answer the question, its intent may be a side question
    const { understanding, decision } = this.understand(message, c.lang, { inFlow: true });
    const input = { text: message.raw, normalized: message.text, entities: understanding.entities };
    // what the message says besides the answer is kept for the questions still to come
    state = runner.absorb(state, input, { answersCurrent: runner.fits(state, input) });
    c = { ...c, flow: state };

    if (state.paused) {
      if (commands.is(message, 'yes')) return this.afterStep(c, runner.ask(state, ctx), requester);
      if (commands.is(message, 'no')) return this.leaveFlow(c, 'flow_cancelled');
    }
    // A direct answer first: "不用" answers "do you need a person?" before it cancels anything.
    if (runner.fits(state, input))
      return this.afterStep(c, await runner.answer(state, input, ctx), requester);

    const command = commands.first(message, ['cancel', 'restart', 'back']);
    if (command === 'cancel') return this.leaveFlow(c, 'flow_cancelled');
    if (command === 'restart') return this.leaveFlow(c, 'flow_restarted');
    if (command === 'back') {
      const step = runner.back(state, ctx);
      if (step) return this.afterStep(c, step, requester);
      const again = runner.ask(state, ctx);
      return this.afterStep(
        c,
        { ...again, replies: [text(say('back_first', c.lang)), ...again.replies] },
        requester,
      );
    }

    // a correction of something already given walks the tree again with the new value
    if (commands.corrects(message) || decision.kind !== 'answer') {
      const corrected = await runner.correct(state, input, ctx);
      if (corrected) return { ...(await this.afterStep(c, corrected, requester)), understanding, decision };
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
        return this.fresh(left, message, requester);
      }
    }

    const flow = runner.flow(state.flow);
    const sideIntent =
      decision.kind === 'answer' && !flow?.intents.includes(decision.intent) ? decision.intent : undefined;
    if (decision.kind === 'answer' && decision.intent === 'human_agent') {
      return {
        ...(await this.handoff(c, `asked for a person during ${state.flow}`, requester, message.raw)),
        understanding,
        decision,
      };
    }
    if (sideIntent || (decision.kind === 'smalltalk' && decision.intent !== 'greeting')) {
      // a side question: answer it, then offer to carry on where we were
      const answer =
        decision.kind === 'smalltalk'
          ? [text(say(decision.intent, c.lang))]
          : this.articleFor(sideIntent as IntentId, c.lang);
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
    const hint = runner.slotType(state) === 'reference' ? this.referenceHint(understanding, c.lang) : [];
    const out = await this.afterStep(c, step, requester);
    return { ...out, replies: [...hint, ...out.replies], understanding, decision };
  }

  /**
   * What a flow starts with: this message and what the user said just before it (a topic chosen
   * after "上周五刷卡买的" knows the day and the card). The newest message wins where they differ.
   */
  private opening(c: Conversation, text = '', entities: Entities = {}): AnswerInput {
    const earlier = c.said.filter((t) => t !== text);
    if (!earlier.length) return { text, normalized: text, entities };
    const before = this.deps.understander.understand(earlier.join('，'), { now: this.deps.clock() }).entities;
    const merged: Entities = { ...before };
    for (const [k, v] of Object.entries(entities))
      if (v !== undefined) (merged as Record<string, unknown>)[k] = v;
    const joined = [...earlier, text].filter(Boolean).join('，');
    return { text: joined, normalized: joined, entities: merged };
  }

  /**
   * The user gave a number no look-up can find a transaction by (a voucher, a WeChat number):
   * which number we need instead, and where it is printed, rather than "not found".
   */
  private referenceHint(u: Understanding, lang: Lang): Reply[] {
    const kind = unusableKind(u.entities.identifiers);
    if (!kind) return [];
    const group = kindGroup(kind);
    if (group === 'usable') return [];
    const key =
      group === 'wallet'
        ? 'reference_not_wallet'
        : group === 'refund'
          ? 'reference_not_refund'
          : 'reference_from_slip';
    return [text(this.deps.say(key, lang, { kind: KIND_LABELS[kind][lang] }))];
  }

  private leaveFlow(c: Conversation, key: 'flow_cancelled' | 'flow_restarted'): Outcome {
    const { say, answers } = this.deps;
    return {
      replies: [text(say(key, c.lang)), choices(answers.mainTopics(c.lang))],
      conversation: { ...c, flow: undefined },
    };
  }

  /** Applies a runner step to the conversation: keep asking, end (ask "solved?"), or hand over. */
  private async afterStep(c: Conversation, step: Step, requester: Requester): Promise<Outcome> {
    const flowId = c.flow?.flow ?? step.state?.flow;
    if (step.outcome === 'handoff') {
      const handed = await this.handoff(
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
        replies.push(...this.deps.answers.solvedQuestion(c.lang));
      }
      return { replies, conversation: { ...c, flow: undefined, awaitingSolved, lastFlow: step.final } };
    }
    return { replies: step.replies, conversation: { ...c, flow: step.state } };
  }

  private solved(c: Conversation, solved: boolean): Outcome {
    const { say, answers } = this.deps;
    const feedback = [...c.feedback, { at: this.deps.clock().toISOString(), flow: c.awaitingSolved, solved }];
    const conversation = { ...c, awaitingSolved: undefined, feedback };
    if (solved) return { replies: [text(say('solved_thanks', c.lang))], conversation };
    return {
      replies: [
        text(say('solved_sorry', c.lang)),
        choices([answers.talkToPerson(c.lang), ...answers.mainTopics(c.lang)]),
      ],
      conversation,
    };
  }

  /** A person: the conversation goes to the agents (or the user hears how to reach one). */
  private handoff(c: Conversation, reason: string, requester: Requester, said?: string): Promise<Outcome> {
    return this.deps.handoff.request(c, reason, requester, said);
  }

  async onAction(c: Conversation, action: string, requester: Requester): Promise<Outcome> {
    const { runner, say, answers } = this.deps;
    const ctx = this.flowContext(c, requester);
    const stale = (): Outcome => {
      const again = c.flow ? runner.ask(c.flow, ctx).replies : [choices(answers.mainTopics(c.lang))];
      return { replies: [text(say('unknown_action', c.lang)), ...again], conversation: c };
    };

    const answer = parseAnswerAction(action);
    if (answer) {
      const state = c.flow;
      if (!state || state.flow !== answer.flow || state.node !== answer.node) return stale();
      return this.afterStep(c, await runner.answer(state, { value: answer.value }, ctx), requester);
    }
    const [kind, arg = ''] = action.split(':', 2) as [string, string | undefined];
    switch (kind) {
      case 'human':
        return this.handoff(c, 'pressed "talk to a person"', requester);
      case 'resume':
        if (!c.flow) return stale();
        if (arg === 'yes') return this.afterStep(c, runner.ask(c.flow, ctx), requester);
        return this.leaveFlow(c, 'flow_cancelled');
      case 'solved':
        if (!c.awaitingSolved) return stale();
        return this.solved(c, arg === 'yes');
      case 'flow':
        if (arg === 'retry' && c.flow)
          return this.afterStep(c, runner.ask({ ...c.flow, invalid: 0 }, ctx), requester);
        return stale();
      case 'intent': {
        if (!INTENT_SET.has(arg)) return stale();
        const intent = arg as IntentId;
        if (intent === 'out_of_scope') return { replies: [text(say('empty', c.lang))], conversation: c };
        if (SMALLTALK.has(intent))
          return { replies: [text(say(intent as 'greeting', c.lang))], conversation: c };
        if (intent === 'human_agent') return this.handoff(c, 'chose "talk to a person"', requester);
        const decision: Decision = { kind: 'answer', intent };
        const flow = runner.flowForIntent(intent);
        const next = { ...c, flow: undefined, lastIntent: intent, misunderstandings: 0 };
        if (flow)
          return {
            ...(await this.afterStep(next, await runner.start(flow, this.opening(c), ctx), requester)),
            decision,
          };
        return { replies: this.articleFor(intent, c.lang), conversation: next, decision };
      }
      case 'article': {
        const replies = answers.article(arg, c.lang);
        return replies ? { replies, conversation: c } : stale();
      }
      default:
        return stale();
    }
  }
}
