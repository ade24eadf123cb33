import type { Reply } from '../../contracts/replies.js';
import type { FlowRunner } from '../../flows/engine/index.js';
import type { Commands, Understander, Understanding } from '../../knowledge/index.js';
import type { Answers } from '../answers.js';
import type { ApplicationDialogue } from '../applications/dialogue.js';
import type { Conversation } from '../conversations/store.js';
import type { HandoffPort } from '../handoff/index.js';
import type { Say } from '../messages.js';
import type { Decision } from '../route.js';

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
  /** Refund applications (a signed-in merchant's); absent: none offered. */
  applications?: ApplicationDialogue;
}
