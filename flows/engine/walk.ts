import { type ArrivalMethod, todayIn } from '../../knowledge/index.js';
import { arrivalFacts } from './arrival.js';
import { holds } from './conditions.js';
import type { Prompts } from './prompts.js';
import { type Reply, text } from './replies.js';
import type { FlowContext, RunnerDeps, Step } from './runner-types.js';
import type { Flow, FlowNode } from './schema.js';
import type { FlowState } from './state.js';

const MAX_STEPS = 60;

/**
 * Walks the nodes that need nothing from the user (say, branch, lookup, estimate, article) until
 * it reaches a question or an end. A tree that loops without either is a bug in the tree: it
 * throws rather than spin.
 */
export class Walker {
  private readonly methods: Map<string, ArrivalMethod>;

  constructor(
    private readonly deps: RunnerDeps,
    private readonly prompts: Prompts,
  ) {
    this.methods = new Map(deps.arrivalMethods.map((m) => [m.id, m]));
  }

  /** From `start.node` on; `from` is the question just answered, for `observe`. */
  async walk(
    flow: Flow,
    start: FlowState,
    ctx: FlowContext,
    { from }: { from?: string } = {},
  ): Promise<Step> {
    const replies: Reply[] = [];
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
          replies.push(
            ...this.prompts.question(flow, state.node, node, { lang: ctx.lang, words: node.prompt, state }),
          );
          return { replies, state, outcome: 'asking' };
        }
        case 'say':
          replies.push(text(this.prompts.fill(flow, state, node.text, ctx.lang)));
          state = { ...state, node: node.next };
          break;
        case 'branch': {
          const opts = { today: this.today(), refundWindowDays: this.deps.refundWindowDays };
          const hit = node.cases.find((c) => holds(c.when, state, opts));
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
        case 'application': {
          const result = await this.deps.applications?.step({
            step: node.step,
            slots: state.slots,
            facts: state.facts,
            lang: ctx.lang,
            requester: ctx.requester,
          });
          if (!result) {
            state = { ...state, node: node.else };
            break;
          }
          replies.push(...result.replies);
          const slots = { ...state.slots };
          for (const name of result.clear ?? []) delete slots[name];
          state = {
            ...state,
            slots,
            facts: { ...state.facts, ...result.facts, 'application.status': result.outcome },
            node: node.outcomes[result.outcome] ?? node.else,
          };
          break;
        }
        case 'estimate': {
          const arrival = arrivalFacts(node, state, {
            methods: this.methods,
            calendar: this.deps.calendar,
            today: this.today(),
            lang: ctx.lang,
          });
          state = { ...state, facts: { ...state.facts, ...arrival }, node: node.next };
          break;
        }
        case 'article': {
          if (node.intro) replies.push(text(this.prompts.fill(flow, state, node.intro, ctx.lang)));
          // the article's own short answer and steps, without its follow-up buttons: the flow goes on
          replies.push(
            ...(this.deps.articles.article(node.article, ctx.lang) ?? []).filter((r) => r.type !== 'choices'),
          );
          state = { ...state, node: node.next };
          break;
        }
        case 'handoff':
          if (node.text) replies.push(text(this.prompts.fill(flow, state, node.text, ctx.lang)));
          return { replies, state: undefined, outcome: 'handoff' };
        case 'end':
          if (node.text) replies.push(text(this.prompts.fill(flow, state, node.text, ctx.lang)));
          return { replies, state: undefined, outcome: 'ended', askSolved: node.ask_solved, final: state };
      }
    }
    throw new Error(`flow ${flow.id} ran ${MAX_STEPS} steps without a question or an end`);
  }

  private today() {
    return todayIn(this.deps.clock());
  }
}
