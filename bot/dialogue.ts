import { choices, text } from '../contracts/replies.js';
import { type FlowContext, parseAnswerAction, type Requester, type Step } from '../flows/engine/index.js';
import {
  INTENT_IDS,
  type IntentId,
  type Lang,
  type NormalizedMessage,
  normalizeMessage,
  type Understanding,
} from '../knowledge/index.js';
import { APPLICATION_FLOW } from './applications/dialogue.js';
import type { Conversation } from './conversations/store.js';
import { inFlow } from './dialogue/in-flow.js';
import { articleFor, knowledgeReply, reject } from './dialogue/knowledge.js';
import { opening } from './dialogue/opening.js';
import { referenceHint } from './dialogue/reference-hint.js';
import { afterStep, leaveFlow } from './dialogue/steps.js';
import type { DialogueDeps, Outcome } from './dialogue/types.js';
import { type Decision, decide, SMALLTALK } from './route.js';

export type { DialogueDeps, Outcome } from './dialogue/types.js';

const INTENT_SET = new Set<string>(INTENT_IDS);

/**
 * The conversation rules between one message and its replies: flows and their questions, the
 * commands that work anywhere (cancel, start over, back, switch language, a person), side
 * questions in the middle of a flow (dialogue/in-flow.ts), and "did this solve it?".
 * Understanding and the trees themselves live elsewhere; this decides which of them speaks.
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
    const rejected = reject(message, lang, this.deps);
    if (rejected) return { replies: rejected };
    const { understanding, decision } = this.understand(message, lang);
    return { replies: knowledgeReply(decision, understanding, lang, this.deps), understanding, decision };
  }

  /** `message` is normalised once, by the turn. */
  async onText(
    c: Conversation,
    message: NormalizedMessage,
    requester: Requester,
    /** The message before masking: only a ticket's contact is read from it. */
    typed?: string,
  ): Promise<Outcome> {
    const rejected = reject(message, c.lang, this.deps);
    if (rejected) return { replies: rejected, conversation: c };
    if (c.ticketDraft) {
      // a message for a person is being written: it reads the message first (bot/handoff)
      const asTyped = typed === undefined ? message : { ...message, raw: typed };
      const written = await this.deps.handoff.writeTicket(c, asTyped);
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

    if (c.flow)
      return inFlow(c, c.flow, message, {
        deps: this.deps,
        requester,
        heard: this.understand(message, c.lang, { inFlow: true }),
        fresh: (left) => this.fresh(left, message, requester),
      });

    if (c.awaitingSolved) {
      const answer = commands.first(message, ['solved', 'unsolved', 'yes', 'no']);
      if (answer) return this.solved(c, answer === 'solved' || answer === 'yes');
    }
    // "sorry, Tuesday not Monday" right after an answer: the same tree again, with the new value.
    // Not once an application is submitted: walking again would submit a second one; its amount
    // changes by amending it (a new version the reviewers see beside the first).
    if (c.lastFlow && commands.corrects(message) && c.lastFlow.facts['application.number'] === undefined) {
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
    if (command)
      return leaveFlow(cleared, command === 'restart' ? 'flow_restarted' : 'flow_cancelled', this.deps);
    return this.fresh(cleared, message, requester);
  }

  /** A message with no flow under way: understand it, then answer, ask, or start a flow. */
  private async fresh(c: Conversation, message: NormalizedMessage, requester: Requester): Promise<Outcome> {
    const applied = await this.application(c, message, requester);
    if (applied) return applied;
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
        const replies = articleFor(decision.intent, c.lang, this.deps);
        const offer = { label: this.deps.say('check_my_case', c.lang), action: `intent:${decision.intent}` };
        const withOffer = replies.map((r) => (r.type === 'choices' ? choices([offer, ...r.choices]) : r));
        return { replies: withOffer, conversation: next, understanding, decision };
      }
      if (flow) {
        const step = await this.deps.runner.start(
          flow,
          opening(c, this.deps, { text: message.text, entities: understanding.entities }),
          this.flowContext(next, requester),
        );
        const asking = step.state && this.deps.runner.slotType(step.state) === 'reference';
        const hint = asking ? referenceHint(understanding, c.lang, this.deps.say) : [];
        const out = await this.afterStep(next, step, requester);
        return { ...out, replies: [...hint, ...out.replies], understanding, decision };
      }
    }
    const replies = knowledgeReply(decision, understanding, c.lang, this.deps);
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

  /** A merchant starting a refund application, or asking where one stands (bot/applications). */
  private async application(
    c: Conversation,
    message: NormalizedMessage,
    requester: Requester,
  ): Promise<Outcome | undefined> {
    const apps = this.deps.applications;
    if (!apps) return undefined;
    // only a merchant's words start or change an application (anyone's RA number asks its status)
    const understanding = requester.merchantNo
      ? this.understand(message, c.lang, { inFlow: true }).understanding
      : undefined;
    const wanted = apps.match(message, requester, c.lang, understanding?.entities);
    if (!wanted) return undefined;
    if (wanted.kind === 'status')
      return { replies: await apps.status(wanted.number, requester, c.lang), conversation: c };
    if (wanted.kind === 'amend')
      return {
        replies: await apps.amend(wanted, requester, c.lang),
        conversation: c,
        ...(understanding && { understanding }),
      };
    const flow = this.deps.runner.flow(APPLICATION_FLOW);
    if (!flow || !understanding) return undefined;
    const input = { text: message.raw, normalized: message.text, entities: understanding.entities };
    const step = await this.deps.runner.start(flow, input, this.flowContext(c, requester));
    return { ...(await this.afterStep({ ...c, awaitingSolved: undefined }, step, requester)), understanding };
  }

  private afterStep(c: Conversation, step: Step, requester: Requester): Promise<Outcome> {
    return afterStep(c, step, { deps: this.deps, requester });
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
        return leaveFlow(c, 'flow_cancelled', this.deps);
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
            ...(await this.afterStep(next, await runner.start(flow, opening(c, this.deps), ctx), requester)),
            decision,
          };
        return { replies: articleFor(intent, c.lang, this.deps), conversation: next, decision };
      }
      case 'article': {
        const replies = answers.article(arg, c.lang);
        return replies ? { replies, conversation: c } : stale();
      }
      case 'application': {
        const apps = this.deps.applications;
        if (!apps || !/^RA-\d{8}-\d{4,}$/.test(arg)) return stale();
        return { replies: await apps.status(arg, requester, c.lang), conversation: c };
      }
      default:
        return stale();
    }
  }
}
