import type { Command, Localized } from './content/schemas.js';
import type { NormalizedMessage } from './text/message.js';
import { normalize } from './text/normalize.js';

// A trailing particle or "please" does not change what a short reply means: "算了吧" = "算了".
const TRAILING = /(?:吧|啊|呀|了|哈|嘛|呢|please|pls)+$/u;

/** The whole message, reduced to what decides whether it is a command or a yes/no. */
export function commandKey(text: string | Pick<NormalizedMessage, 'text'>): string {
  // a message normalised at the turn's edge is not normalised again
  return (typeof text === 'string' ? normalize(text) : text.text)
    .replace(/[\s\p{P}\p{S}]+/gu, '')
    .replace(TRAILING, '');
}

/**
 * Recognises the phrases of knowledge/commands.yml. Only a message that is nothing but the phrase
 * counts: "算了" cancels, "算了我想问别的" does not, "no" answers a question, "no refund yet" does not.
 */
export class Commands {
  private readonly byKey = new Map<string, Set<Command>>();

  private readonly corrections: string[];

  constructor(commands: Record<Command, Localized<string[]>>, corrections?: Localized<string[]>) {
    this.corrections = [...(corrections?.zh ?? []), ...(corrections?.en ?? [])].map((w) => normalize(w));
    for (const [command, lists] of Object.entries(commands) as [Command, Localized<string[]>][]) {
      for (const phrase of [...lists.zh, ...lists.en]) {
        const key = commandKey(phrase);
        if (!key) continue;
        const set = this.byKey.get(key) ?? new Set<Command>();
        set.add(command);
        this.byKey.set(key, set);
      }
    }
  }

  /** Whether the message says it corrects something said before ("哦不对，是268元"). */
  corrects(text: string | Pick<NormalizedMessage, 'text'>): boolean {
    const n = typeof text === 'string' ? normalize(text) : text.text;
    return this.corrections.some((w) => n.includes(w));
  }

  /** Whether the whole message is one of `command`'s phrases ("不用" is both "no" and "cancel"). */
  is(text: string | Pick<NormalizedMessage, 'text'>, command: Command): boolean {
    return this.byKey.get(commandKey(text))?.has(command) ?? false;
  }

  /** The first of `order` the message is a phrase of. */
  first(text: string | Pick<NormalizedMessage, 'text'>, order: readonly Command[]): Command | undefined {
    const found = this.byKey.get(commandKey(text));
    return found ? order.find((c) => found.has(c)) : undefined;
  }
}
