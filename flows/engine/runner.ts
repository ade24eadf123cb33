import {
  type ArrivalMethod,
  type Commands,
  estimateArrival,
  formatDate,
  formatDay,
  formatYuan,
  type Lang,
  normalize,
  parseIsoDate,
  todayIn,
  type WorkingDays,
} from '../../knowledge/index.js';
import type { LookupPort, Requester } from './ports.js';
import { type Choice, choices, type Reply, text } from './replies.js';
import {
  type AskNode,
  type Condition,
  type Flow,
  type FlowNode,
  type LocalizedText,
  PLACEHOLDER,
  type SlotType,
  type Test,
} from './schema.js';
import { type AnswerInput, daysBetween, type Prefilled, parseAnswer, prefill } from './slots.js';
import type { FlowState, SlotValue, Values } from './state.js';

/** Replies for moments every flow shares; the assistant fills them from knowledge/messages.yml. */
export interface FlowWords {
  yes(lang: Lang): string;
  no(lang: Lang): string;
  tooManyTries(lang: Lang): string;
  talkToPerson(lang: Lang): string;
  tryAgain(lang: Lang): string;
  /** Said before a question asked a second time, so it is never the same words twice. */
  rephrase(lang: Lang): string;
  policy(lang: Lang): Record<string, string>;
}

export interface ArticleReplies {
  article(id: string, lang: Lang): Reply[] | undefined;
}

export interface RunnerDeps {
  flows: readonly Flow[];
  words: FlowWords;
  articles: ArticleReplies;
  lookup: LookupPort;
  arrivalMethods: readonly ArrivalMethod[];
  calendar: WorkingDays;
  refundWindowDays: number;
  commands: Commands;
  clock: () => Date;
  /** Told of every step from node to node (`from` undefined at a flow's start): analytics, coverage. */
  observe?: (flow: string, from: string | undefined, to: string) => void;
}

export interface FlowContext {
  lang: Lang;
  requester: Requester;
}

export type StepOutcome = 'asking' | 'ended' | 'handoff' | 'too_many_tries';

export interface Step {
  replies: Reply[];
  /** Undefined once the flow is over. */
  state: FlowState | undefined;
  outcome: StepOutcome;
  /** For `ended`: whether the user is asked "did this solve it?". */
  askSolved?: boolean;
  /** For `ended`: the slots the flow had, so a correction afterwards can walk it again. */
  final?: FlowState;
  /** The answer did not fit the question (it was asked again). */
  invalid?: boolean;
}

const MAX_STEPS = 60;
export const MAX_INVALID = 3;

/** Button actions a flow question carries: `flow:<flow>:<node>:<value>`. */
export function answerAction(flow: string, node: string, value: string): string {
  return `flow:${flow}:${node}:${value}`;
}
export function parseAnswerAction(action: string): { flow: string; node: string; value: string } | undefined {
  const m = /^flow:([a-z0-9_]+):([a-z0-9_]+):([a-z0-9_]+)$/.exec(action);
  return m ? { flow: m[1] as string, node: m[2] as string, value: m[3] as string } : undefined;
}

/**
 * The one runner for every tree in flows/*.yml. It walks nodes that need nothing from the user
 * (say, branch, lookup, estimate, article) until it reaches a question or an end, and it knows
 * nothing about any particular tree: the trees hold no code.
 */
export class FlowRunner {
  private readonly byId: Map<string, Flow>;
  private readonly byIntent = new Map<string, Flow>();
  private readonly methods: Map<string, ArrivalMethod>;

  constructor(private readonly deps: RunnerDeps) {
    this.byId = new Map(deps.flows.map((f) => [f.id, f]));
    for (const f of deps.flows) for (const i of f.intents) this.byIntent.set(i, f);
    this.methods = new Map(deps.arrivalMethods.map((m) => [m.id, m]));
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
    return this.run(flow, state, ctx, []);
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
      replies: this.prompt(flow, state.node, node, ctx.lang, node.prompt, state),
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
    return this.run(flow, again, ctx, []);
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
    return (
      parseAnswer(type, node, input, { today: this.today(), commands: this.deps.commands }) !== undefined
    );
  }

  /** An answer to the current question: on to the next question or the end, or asked again. */
  async answer(state: FlowState, input: AnswerInput, ctx: FlowContext): Promise<Step> {
    const flow = this.byId.get(state.flow);
    const node = flow?.nodes[state.node];
    if (!flow || node?.kind !== 'ask')
      return { replies: [], state: undefined, outcome: 'ended', askSolved: false };
    const type = flow.slots[node.slot]?.type ?? 'text';
    const value = parseAnswer(type, node, input, { today: this.today(), commands: this.deps.commands });
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
          ? this.prompt(flow, state.node, node, ctx.lang, node.reprompt, state)
          : [
              text(this.deps.words.rephrase(ctx.lang)),
              ...this.withPerson(this.prompt(flow, state.node, node, ctx.lang, node.prompt, state), ctx.lang),
            ];
      return {
        replies,
        state: { ...state, invalid, updatedAt: this.deps.clock().toISOString() },
        outcome: 'asking',
        invalid: true,
      };
    }
    const next = node.options?.find((o) => o.value === value)?.next ?? node.next;
    const moved: FlowState = {
      ...state,
      history: [...state.history, { node: state.node, slots: state.slots }],
      slots: { ...state.slots, [node.slot]: value },
      invalid: 0,
      paused: false,
      node: next as string,
    };
    return this.run(flow, moved, ctx, [], state.node);
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
      replies: this.prompt(flow, previous.node, node, ctx.lang, node.prompt, back),
      state: back,
      outcome: 'asking',
    };
  }

  private async run(
    flow: Flow,
    start: FlowState,
    ctx: FlowContext,
    replies: Reply[],
    from?: string,
  ): Promise<Step> {
    let state = { ...start, updatedAt: this.deps.clock().toISOString() };
    let previous = from;
    for (let steps = 0; steps < MAX_STEPS; steps++) {
      this.deps.observe?.(flow.id, previous, state.node);
      previous = state.node;
      const node = flow.nodes[state.node] as FlowNode;
      switch (node.kind) {
        case 'ask': {
          const hint = state.hints[state.node];
          if (state.slots[node.slot] === undefined && hint !== undefined) {
            state = { ...state, slots: { ...state.slots, [node.slot]: hint } };
          }
          if (state.slots[node.slot] !== undefined) {
            // already answered by an earlier message: do not ask again
            const value = state.slots[node.slot];
            const next = node.options?.find((o) => o.value === value)?.next ?? node.next;
            if (next) {
              state = { ...state, node: next };
              continue;
            }
          }
          // look-ups paused for this consumer: say so (the look-up does), rather than ask for a
          // proof that could not be used
          const type = flow.slots[node.slot]?.type;
          if (
            type === 'verification' &&
            node.next &&
            (await this.deps.lookup.isLocked?.({ slots: state.slots, requester: ctx.requester }))
          ) {
            state = { ...state, node: node.next };
            continue;
          }
          replies.push(...this.prompt(flow, state.node, node, ctx.lang, node.prompt, state));
          return { replies, state, outcome: 'asking' };
        }
        case 'say':
          replies.push(text(this.fill(flow, state, node.text, ctx.lang)));
          state = { ...state, node: node.next };
          break;
        case 'branch': {
          const hit = node.cases.find((c) => this.holds(c.when, state));
          state = { ...state, node: hit ? hit.next : node.else };
          break;
        }
        case 'lookup': {
          const result = await this.deps.lookup.lookup({
            what: node.what,
            slots: state.slots,
            lang: ctx.lang,
            requester: ctx.requester,
          });
          replies.push(...result.replies);
          state = {
            ...state,
            facts: { ...state.facts, ...result.facts, 'lookup.status': result.outcome },
            node: node[result.outcome],
          };
          break;
        }
        case 'estimate': {
          state = {
            ...state,
            facts: { ...state.facts, ...this.estimate(node.method, node.date, state, ctx.lang) },
            node: node.next,
          };
          break;
        }
        case 'article': {
          if (node.intro) replies.push(text(this.fill(flow, state, node.intro, ctx.lang)));
          // the article's own short answer and steps, without its follow-up buttons: the flow goes on
          replies.push(
            ...(this.deps.articles.article(node.article, ctx.lang) ?? []).filter((r) => r.type !== 'choices'),
          );
          state = { ...state, node: node.next };
          break;
        }
        case 'handoff':
          if (node.text) replies.push(text(this.fill(flow, state, node.text, ctx.lang)));
          return { replies, state: undefined, outcome: 'handoff' };
        case 'end':
          if (node.text) replies.push(text(this.fill(flow, state, node.text, ctx.lang)));
          return { replies, state: undefined, outcome: 'ended', askSolved: node.ask_solved, final: state };
      }
    }
    throw new Error(`flow ${flow.id} ran ${MAX_STEPS} steps without a question or an end`);
  }

  /** The prompt's buttons with "talk to a person" added (a new button list if it had none). */
  private withPerson(replies: Reply[], lang: Lang): Reply[] {
    const person: Choice = { label: this.deps.words.talkToPerson(lang), action: 'human' };
    if (!replies.some((r) => r.type === 'choices')) return [...replies, choices([person])];
    return replies.map((r) => (r.type === 'choices' ? choices([...r.choices, person]) : r));
  }

  private prompt(
    flow: Flow,
    nodeId: string,
    node: AskNode,
    lang: Lang,
    words: LocalizedText,
    state?: FlowState,
  ): Reply[] {
    const out: Reply[] = [text(this.fill(flow, state, words, lang))];
    const type = flow.slots[node.slot]?.type;
    let buttons: Choice[] = [];
    // what an earlier message ruled out is not offered again
    const narrowed = state?.narrow[nodeId];
    const offered = narrowed ? node.options?.filter((o) => narrowed.includes(o.value)) : node.options;
    if (offered)
      buttons = offered.map((o) => ({
        label: o.label[lang],
        action: answerAction(flow.id, nodeId, o.value),
      }));
    else if (type === 'yes_no') {
      buttons = [
        { label: this.deps.words.yes(lang), action: answerAction(flow.id, nodeId, 'yes') },
        { label: this.deps.words.no(lang), action: answerAction(flow.id, nodeId, 'no') },
      ];
    }
    if (buttons.length) out.push(choices(buttons));
    return out;
  }

  private holds(condition: Condition, state: FlowState): boolean {
    if ('all' in condition) return condition.all.every((t) => this.test(t, state));
    return this.test(condition, state);
  }

  private test(t: Test, state: FlowState): boolean {
    const v = t.slot !== undefined ? state.slots[t.slot] : state.facts[t.fact as string];
    if (t.present !== undefined) return (v !== undefined) === t.present;
    if (t.is !== undefined) return v === t.is;
    if (t.in !== undefined) return v !== undefined && t.in.includes(v);
    if (t.days_ago !== undefined) {
      const d = typeof v === 'string' ? parseIsoDate(v) : undefined;
      if (!d) return false;
      const limit = t.days_ago.lte === 'refundWindowDays' ? this.deps.refundWindowDays : t.days_ago.lte;
      return daysBetween(d, this.today()) <= limit;
    }
    return false;
  }

  private resolve(refs: readonly string[], state: FlowState): SlotValue | undefined {
    for (const ref of refs) {
      const v = ref.startsWith('slots.') ? state.slots[ref.slice(6)] : state.facts[ref];
      if (v !== undefined) return v;
    }
    return undefined;
  }

  private estimate(
    methodRefs: readonly string[],
    dateRefs: readonly string[],
    state: FlowState,
    lang: Lang,
  ): Values {
    const candidates = methodRefs
      .map((r) => this.resolve([r], state))
      .filter((v): v is SlotValue => v !== undefined);
    const method = candidates.map((v) => this.methods.get(String(v))).find((m) => m !== undefined);
    const dateValue = this.resolve(dateRefs, state);
    const date = typeof dateValue === 'string' ? parseIsoDate(dateValue) : undefined;
    if (!method || !date) return { 'arrival.overdue': false, 'arrival.approximate': true };
    const e = estimateArrival(method, date, this.today(), this.deps.calendar);
    return {
      'arrival.overdue': e.overdue,
      'arrival.latest': formatDate(e.latest),
      'arrival.due': formatDate(e.due),
      'arrival.earliest': formatDate(e.earliest),
      'arrival.method': method.label[lang],
      'arrival.note': method.note[lang],
      'arrival.days_late': e.workingDaysLate,
      'arrival.approximate': e.approximate,
    };
  }

  /** `{slots.x}`, facts and policy values, formatted for the reader. */
  private fill(flow: Flow, state: FlowState | undefined, words: LocalizedText, lang: Lang): string {
    const year = this.today().year;
    const policy = this.deps.words.policy(lang);
    return words[lang].replace(PLACEHOLDER, (m, name: string) => {
      if (name in policy) return policy[name] as string;
      if (!state) return m;
      const raw = name.startsWith('slots.') ? state.slots[name.slice(6)] : state.facts[name];
      if (raw === undefined) return '';
      const slot = name.startsWith('slots.') ? flow.slots[name.slice(6)] : undefined;
      if (slot?.type === 'amount' && typeof raw === 'number') return formatYuan(raw);
      if (typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(raw)) {
        const d = parseIsoDate(raw);
        return d ? formatDay(d, lang, year, this.today()) : raw;
      }
      if (slot) {
        const option = Object.values(flow.nodes)
          .flatMap((n) => (n.kind === 'ask' && n.slot === name.slice(6) ? (n.options ?? []) : []))
          .find((o) => o.value === raw);
        if (option) return option.label[lang];
      }
      return String(raw);
    });
  }
}
