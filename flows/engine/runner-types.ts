// What the runner is given and what each of its steps gives back; apart from runner.ts so the
// helpers beside it (walk, prompts) can name them without importing the runner.
import type { ArrivalMethod, Commands, Lang, WorkingDays } from '../../knowledge/index.js';
import type { ApplicationPort, LookupPort, Requester } from './ports.js';
import type { Reply } from './replies.js';
import type { Flow } from './schema.js';
import type { FlowState } from './state.js';

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
  /** Refund applications; without it an application step takes its `else`. */
  applications?: ApplicationPort;
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
