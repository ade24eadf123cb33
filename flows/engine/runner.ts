import { normalize, todayIn } from '../../knowledge/index.js';
import { Prompts } from './prompts.js';
import { choices, text } from './replies.js';
import type { FlowContext, RunnerDeps, Step } from './runner-types.js';
import type { AskNode, Flow, SlotType } from './schema.js';
import {
  type AnswerInput,
  givenOption,
  type ParseContext,
  type Prefilled,
  parseAnswer,
  prefill,
} from './slots.js';
import type { FlowState } from './state.js';
import { Walker } from './walk.js';

export interface ProofDocument {
  id: string;
  name: string;
  type: string;
  size: number;
}

/** The documents uploaded in this flow so far. */
export function proofOf(state: Pick<FlowState, 'facts'>): ProofDocument[] {
  const raw = state.facts['application.proof'];
  if (typeof raw !== 'string') return [];
  try {
    const list: unknown = JSON.parse(raw);
    return Array.isArray(list) ? (list as ProofDocument[]) : [];
  } catch {
    return [];
  }
}

export { answerAction, parseAnswerAction } from './prompts.js';
export type {
  ArticleReplies,
  FlowContext,
  FlowWords,
  RunnerDeps,
  Step,
  StepOutcome,
} from './runner-types.js';

export const MAX_INVALID = 3;

/**
 * The one runner for every tree in flows/*.yml. It walks nodes that need nothing from the user
 * (say, branch, lookup, estimate, article) until it reaches a question or an end (walk.ts), and it
 * knows nothing about any particular tree: the trees hold no code.
 */
export class FlowRunner {
  private readonly byId: Map<string, Flow>;
  private readonly byIntent = new Map<string, Flow>();
  private readonly prompts: Prompts;
  private readonly walker: Walker;

  constructor(private readonly deps: RunnerDeps) {
    this.byId = new Map(deps.flows.map((f) => [f.id, f]));
    for (const f of deps.flows) for (const i of f.intents) this.byIntent.set(i, f);
    this.prompts = new Prompts({ words: deps.words, today: () => this.today() });
    this.walker = new Walker(deps, this.prompts);
  }

  get flows(): readonly Flow[] {
    return this.deps.flows;
  }

  flowForIntent(intent: string): Flow | undefined {
    return this.byIntent.get(intent);
  }

  flow(id: string): Flow | undefined {
    return this.byId.get(id);
  }

  private today() {
    return todayIn(this.deps.clock());
  }

  private parseContext(flow: Flow): ParseContext {
    return { today: this.today(), commands: this.deps.commands, slots: flow.slots };
  }

  /** Starts `flow`, with what the opening message already said filled in. */
  async start(flow: Flow, opening: AnswerInput, ctx: FlowContext): Promise<Step> {
    const at = this.deps.clock().toISOString();
    const { slots, hints, narrow } = this.prefilled(flow, opening);
    // a signed-in merchant is not asked whether they are the merchant
    if (ctx.requester.merchantNo) {
      for (const [id, node] of Object.entries(flow.nodes))
        if (
          node.kind === 'ask' &&
          node.options?.some((o) => o.value === 'merchant') &&
          hints[id] === undefined
        )
          hints[id] = 'merchant';
    }
    const state: FlowState = {
      flow: flow.id,
      node: flow.start,
      slots,
      narrow,
      // who may look things up without proving a transaction: the signed-in merchant (its own
      // data only), support agents and operators
      facts: {
        'requester.trusted':
          Boolean(ctx.requester.merchantNo) || ['agent', 'operator'].includes(ctx.requester.role ?? ''),
      },
      hints,
      history: [],
      invalid: 0,
      paused: false,
      startedAt: at,
      updatedAt: at,
    };
    return this.walker.walk(flow, state, ctx);
  }

  private prefilled(flow: Flow, input: AnswerInput): Prefilled {
    const n = input.normalized ?? (input.text ? normalize(input.text) : '');
    if (!n && !input.entities) return { slots: {}, hints: {}, narrow: {} };
    return prefill(flow, n, input.entities ?? {}, { today: this.today(), commands: this.deps.commands });
  }

  /**
   * What a message says beyond the answer to the current question ("微信，上周五退的" answers the
   * payment question and the date one): kept for the questions still to come, so none of them is
   * asked. Slots already given stay as they are.
   */
  absorb(state: FlowState, input: AnswerInput, { answersCurrent }: { answersCurrent: boolean }): FlowState {
    const flow = this.byId.get(state.flow);
    if (!flow || input.value !== undefined) return state;
    const found = this.prefilled(flow, input);
    const slots = { ...state.slots };
    for (const [k, v] of Object.entries(found.slots)) if (slots[k] === undefined) slots[k] = v;
    // the words of an answer belong to its question ("借记卡" answers how it was paid; it says
    // nothing about a WeChat payment's funding): only its dates, amounts and numbers go further
    if (answersCurrent) return { ...state, slots };
    const hints = { ...found.hints, ...state.hints };
    for (const id of Object.keys(hints)) if (id === state.node) delete hints[id];
    return { ...state, slots, hints, narrow: { ...state.narrow, ...found.narrow } };
  }

  /** The current question, asked again (after a side question, a language switch, "continue"). */
  ask(state: FlowState, ctx: FlowContext): Step {
    const flow = this.byId.get(state.flow);
    const node = flow?.nodes[state.node];
    if (!flow || node?.kind !== 'ask')
      return { replies: [], state: undefined, outcome: 'ended', askSolved: false };
    return {
      replies: this.prompts.question(flow, state.node, node, {
        lang: ctx.lang,
        words: node.prompt,
        state: state,
      }),
      state: { ...state, paused: false },
      outcome: 'asking',
    };
  }

  /**
   * Whether a message that would start `flow` is a general question to answer first ("退款多久能
   * 到账？") rather than a case to work through ("上周五退的，还没到"): one of the flow's
   * answer-first words, and no number, amount or day of its own.
   */
  answersFirst(flow: Flow, input: AnswerInput): boolean {
    const cues = flow.answerFirst;
    const n = input.normalized ?? (input.text ? normalize(input.text) : '');
    if (!cues || !n) return false;
    const e = input.entities ?? {};
    if (e.reference || e.amount || e.date || e.elapsedDays !== undefined || e.cardLast4) return false;
    if (![...cues.zh, ...cues.en].some((w) => n.includes(w))) return false;
    // a message that already answers one of the tree's questions describes a case ("我是商家，遇到
    // 拒付了"); a payment method alone only narrows a general question ("信用卡退款多久到账")
    const { slots, hints } = this.prefilled(flow, input);
    const told = [...Object.keys(slots), ...Object.keys(hints).map((id) => (flow.nodes[id] as AskNode).slot)];
    return told.every((slot) => flow.slots[slot]?.type === 'payment_method');
  }

  /**
   * A correction of something already given ("哦不对，是268元", "sorry, Tuesday not Monday"): the
   * new value replaces the old one and the tree is walked again from its start with everything
   * else it knew, so the questions answered stay answered and the outcome follows the new value.
   * Undefined when the message changes nothing the flow had.
   */
  async correct(state: FlowState, input: AnswerInput, ctx: FlowContext): Promise<Step | undefined> {
    const flow = this.byId.get(state.flow);
    if (!flow) return undefined;
    const found = this.prefilled(flow, input).slots;
    const changed = Object.entries(found).filter(
      ([k, v]) => state.slots[k] !== undefined && state.slots[k] !== v,
    );
    if (!changed.length) return undefined;
    const again: FlowState = {
      ...state,
      node: flow.start,
      slots: { ...state.slots, ...Object.fromEntries(changed) },
      // what an earlier look-up found belongs to the old values; who is asking stays
      facts: { 'requester.trusted': state.facts['requester.trusted'] ?? false },
      history: [],
      invalid: 0,
      paused: false,
    };
    return this.walker.walk(flow, again, ctx);
  }

  /**
   * Something newly told that the path depends on — a reference number given while asked how it
   * was paid: the tree walked again from its start with it, so the user is not asked later for
   * what they just said. Undefined when nothing new was told, or the walk comes back to the
   * question being asked (a date given early simply waits for its question).
   */
  async redirect(before: FlowState, after: FlowState, ctx: FlowContext): Promise<Step | undefined> {
    const flow = this.byId.get(after.flow);
    if (!flow) return undefined;
    const added = Object.keys(after.slots).filter(
      (k) => before.slots[k] === undefined && after.slots[k] !== undefined,
    );
    if (!added.length) return undefined;
    const again: FlowState = {
      ...after,
      node: flow.start,
      facts: { 'requester.trusted': after.facts['requester.trusted'] ?? false },
      history: [],
      invalid: 0,
      paused: false,
    };
    const step = await this.walker.walk(flow, again, ctx);
    return step.state?.node === before.node ? undefined : step;
  }

  /**
   * A document uploaded in a flow that collects proof: kept with the flow (a fact, so the masking
   * of typed slots never touches its id) and the current question asked again. Undefined when the
   * flow collects none.
   */
  attach(state: FlowState, document: ProofDocument, ctx: FlowContext): Step | undefined {
    // any question of a flow that collects proof (documents may come before they are asked for)
    const flow = this.byId.get(state.flow);
    if (!flow || !Object.values(flow.slots).some((x) => x.type === 'proof') || !this.slotType(state))
      return undefined;
    const list = proofOf(state);
    if (!list.some((d) => d.id === document.id)) list.push(document);
    const next = {
      ...state,
      facts: {
        ...state.facts,
        'application.proof': JSON.stringify(list),
        'application.proof_count': list.length,
      },
    };
    return this.ask(next, ctx);
  }

  /** The kind of answer the current question wants (undefined when it is not asking). */
  slotType(state: FlowState): SlotType | undefined {
    const flow = this.byId.get(state.flow);
    const node = flow?.nodes[state.node];
    return flow && node?.kind === 'ask' ? (flow.slots[node.slot]?.type ?? 'text') : undefined;
  }

  /** Whether `input` answers the current question (without changing anything). */
  fits(state: FlowState, input: AnswerInput): boolean {
    const flow = this.byId.get(state.flow);
    const node = flow?.nodes[state.node];
    if (!flow || node?.kind !== 'ask') return false;
    const type = flow.slots[node.slot]?.type ?? 'text';
    return parseAnswer(type, node, input, this.parseContext(flow)) !== undefined;
  }

  /** An answer to the current question: on to the next question or the end, or asked again. */
  async answer(state: FlowState, input: AnswerInput, ctx: FlowContext): Promise<Step> {
    const flow = this.byId.get(state.flow);
    const node = flow?.nodes[state.node];
    if (!flow || node?.kind !== 'ask')
      return { replies: [], state: undefined, outcome: 'ended', askSolved: false };
    const type = flow.slots[node.slot]?.type ?? 'text';
    const parse = this.parseContext(flow);
    const value = parseAnswer(type, node, input, parse);
    if (value === undefined) {
      const invalid = state.invalid + 1;
      if (invalid >= MAX_INVALID) {
        const { words } = this.deps;
        return {
          replies: [
            text(words.tooManyTries(ctx.lang)),
            choices([
              { label: words.talkToPerson(ctx.lang), action: 'human' },
              { label: words.tryAgain(ctx.lang), action: 'flow:retry' },
            ]),
          ],
          state: { ...state, invalid, updatedAt: this.deps.clock().toISOString() },
          outcome: 'too_many_tries',
          invalid: true,
        };
      }
      // the first miss hears what a good answer looks like; the second other words, the question
      // itself with its choices, and a person on offer
      const replies =
        invalid === 1
          ? this.prompts.question(flow, state.node, node, {
              lang: ctx.lang,
              words: node.reprompt,
              state: state,
            })
          : [
              text(this.deps.words.rephrase(ctx.lang)),
              ...this.prompts.withPerson(
                this.prompts.question(flow, state.node, node, {
                  lang: ctx.lang,
                  words: node.prompt,
                  state: state,
                }),
                ctx.lang,
              ),
            ];
      return {
        replies,
        state: { ...state, invalid, updatedAt: this.deps.clock().toISOString() },
        outcome: 'asking',
        invalid: true,
      };
    }
    const next = node.options?.find((o) => o.value === value)?.next ?? node.next;
    // "退10元" at "all or part?": part of it, and the amount is said already
    const given = givenOption(node, input, parse);
    const also = given && given.option.value === value ? { [given.slot]: given.value } : {};
    const moved: FlowState = {
      ...state,
      history: [...state.history, { node: state.node, slots: state.slots }],
      slots: { ...state.slots, ...also, [node.slot]: value },
      invalid: 0,
      paused: false,
      node: next as string,
    };
    return this.walker.walk(flow, moved, ctx, { from: state.node });
  }

  /** Back to the previous question, with its answer forgotten. */
  back(state: FlowState, ctx: FlowContext): Step | undefined {
    const flow = this.byId.get(state.flow);
    const previous = state.history.at(-1);
    if (!flow || !previous) return undefined;
    const node = flow.nodes[previous.node];
    if (node?.kind !== 'ask') return undefined;
    const back: FlowState = {
      ...state,
      node: previous.node,
      slots: previous.slots,
      history: state.history.slice(0, -1),
      invalid: 0,
      paused: false,
    };
    return {
      replies: this.prompts.question(flow, previous.node, node, {
        lang: ctx.lang,
        words: node.prompt,
        state: back,
      }),
      state: back,
      outcome: 'asking',
    };
  }
}
