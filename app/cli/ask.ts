// `ask` and `eval`: the two commands that need the whole assistant, its intent model included.
import { parseArgs } from 'node:util';
import { runEval } from './eval.js';
import type { Resources } from './open.js';
import { renderReplies } from './render.js';

export async function ask(args: string[], open: Resources): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      locale: { type: 'string' },
      conversation: { type: 'string' },
      action: { type: 'string' },
    },
  });
  const text = positionals.join(' ');
  if (!text && !values.action) {
    process.stderr.write('ask needs the text of a message, for example: ask "退款多久到账"\n');
    return 2;
  }
  const locale = values.locale === 'en' || values.locale === 'zh' ? values.locale : undefined;
  const app = await open.app();
  const result = await app.assistant.turn({
    conversationId: values.conversation,
    ...(values.action ? { action: values.action } : { text }),
    locale,
    channel: 'cli',
  });
  if (values.json) {
    const u = result.understanding;
    const summary = {
      conversationId: result.conversationId,
      lang: result.lang,
      decision: result.decision,
      ...(u && { intent: u.intent, entities: u.entities, hits: u.hits }),
      replies: result.replies,
    };
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } else {
    process.stdout.write(`${renderReplies(result.replies, process.stdout.isTTY)}\n`);
    // so the next `ask --conversation ID` carries on (stderr: stdout is the reply only)
    process.stderr.write(`(conversation ${result.conversationId})\n`);
  }
  return 0;
}

export async function evaluate(args: string[], open: Resources): Promise<number> {
  const file = args[0];
  if (!file) {
    process.stderr.write('eval needs a file: eval FILE.jsonl (or - for standard input)\n');
    return 2;
  }
  const app = await open.app();
  await runEval(app.assistant, file, process.stdout);
  return 0;
}
