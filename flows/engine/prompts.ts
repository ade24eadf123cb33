import type { CivilDate, Lang } from '../../knowledge/index.js';
import { fill } from './fill.js';
import { type Choice, choices, type Reply, text } from './replies.js';
import type { FlowWords } from './runner-types.js';
import type { AskNode, Flow, LocalizedText } from './schema.js';
import type { FlowState } from './state.js';

/** Button actions a flow question carries: `flow:<flow>:<node>:<value>`. */
export function answerAction(flow: string, node: string, value: string): string {
  return `flow:${flow}:${node}:${value}`;
}
export function parseAnswerAction(action: string): { flow: string; node: string; value: string } | undefined {
  const m = /^flow:([a-z0-9_]+):([a-z0-9_]+):([a-z0-9_]+)$/.exec(action);
  return m ? { flow: m[1] as string, node: m[2] as string, value: m[3] as string } : undefined;
}

export interface QuestionOptions {
  lang: Lang;
  /** The question's prompt, or its reprompt after a miss. */
  words: LocalizedText;
  state?: FlowState;
}

/** What the runner says: texts with their placeholders filled, and questions with their buttons. */
export class Prompts {
  constructor(private readonly opts: { words: FlowWords; today: () => CivilDate }) {}

  fill(flow: Flow, state: FlowState | undefined, words: LocalizedText, lang: Lang): string {
    return fill(words, { flow, state, lang, policy: this.opts.words.policy(lang), today: this.opts.today() });
  }

  /** The question at `nodeId` in words, with its choices (or yes and no) as buttons. */
  question(flow: Flow, nodeId: string, node: AskNode, { lang, words, state }: QuestionOptions): Reply[] {
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
        { label: this.opts.words.yes(lang), action: answerAction(flow.id, nodeId, 'yes') },
        { label: this.opts.words.no(lang), action: answerAction(flow.id, nodeId, 'no') },
      ];
    }
    if (buttons.length) out.push(choices(buttons));
    return out;
  }

  /** The prompt's buttons with "talk to a person" added (a new button list if it had none). */
  withPerson(replies: Reply[], lang: Lang): Reply[] {
    const person: Choice = { label: this.opts.words.talkToPerson(lang), action: 'human' };
    if (!replies.some((r) => r.type === 'choices')) return [...replies, choices([person])];
    return replies.map((r) => (r.type === 'choices' ? choices([...r.choices, person]) : r));
  }
}
