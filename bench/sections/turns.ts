import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../app/app.js';
import { loadConfig } from '../../app/config.js';
import { createLogger } from '../../app/logger.js';
import { type Answer, type Scenario, scenarios, trees } from '../turns-scenarios.js';

/** The most user turns a conversation gets before it counts as not resolved. */
const MAX_TURNS = 8;

interface Reply {
  type: string;
  text?: string;
  title?: string;
  choices?: Array<{ label: string; action: string }>;
}
interface ChatResponse {
  conversationId: string;
  replies: Reply[];
}
type Sent = { text: string } | { action: string; label: string };

/** POST {base}/api/chat; a 429 (a server with its rate limits on) waits and tries again. */
async function chat(base: string, body: Record<string, unknown>): Promise<ChatResponse> {
  for (let attempt = 0; ; attempt++) {
    const r = await fetch(`${base}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (r.status === 429 && attempt < 20) {
      await new Promise((res) => setTimeout(res, 1000 * Number(r.headers.get('retry-after') ?? 3)));
      continue;
    }
    if (!r.ok) throw new Error(`POST ${base}/api/chat: ${r.status} ${await r.text()}`);
    return (await r.json()) as ChatResponse;
  }
}

/**
 * How a reply ends the conversation, if it does: an article, the "did this solve it?" question (or a
 * tree's own "did that fix it?" after its steps), the offer of a person after the answer (what a
 * tree does when its answer is "this needs one of us"), or a reply that asks nothing (no buttons,
 * no "?", no "please tell me…": a re-prompt is no answer).
 */
function resolution(replies: Reply[]): string | undefined {
  const texts = replies.filter((r) => r.type === 'text').map((r) => r.text ?? '');
  if (replies.some((r) => r.type === 'article')) return 'article';
  if (texts.some((t) => /(解决|能退了).*[？?]/.test(t) || /\b(solve|fix)\b.*\?/i.test(t))) return 'solved?';
  if (texts.some((t) => /人工.*[？?]/.test(t) || /\b(person|human|agent)\b.*\?/i.test(t)))
    return 'person offered';
  const asks = replies.some((r) => r.type === 'choices' && (r.choices?.length ?? 0) > 0);
  const asksToType = (t: string) =>
    /[？?]|请(告诉|发|回答|选|输入)|\bplease (tell|send|answer|choose|pick|give|type)\b/i.test(t);
  if (!asks && !texts.some(asksToType)) return 'no question';
  return undefined;
}

/**
 * The user's next message (see turns-scenarios.ts): a scripted press() that fits a button offered,
 * else the next scripted say(), else the first button; at a question without buttons the next
 * say(); nothing (the conversation stops, not resolved) when there is none.
 */
function nextMessage(answers: Answer[], replies: Reply[]): Sent | undefined {
  const buttons = replies.flatMap((r) => (r.type === 'choices' ? (r.choices ?? []) : []));
  const matching = (a: Answer) =>
    'press' in a ? buttons.find((b) => b.label.toLowerCase().includes(a.press.toLowerCase())) : undefined;
  if (buttons.length > 0) {
    const i = answers.findIndex((a) => matching(a));
    const answer = answers[i];
    const button = answer && matching(answer);
    if (button) {
      answers.splice(i, 1);
      return { action: button.action, label: button.label };
    }
    const typed = answers.findIndex((a) => 'say' in a);
    if (typed >= 0) return { text: (answers.splice(typed, 1)[0] as { say: string }).say };
    const first = buttons[0] as { label: string; action: string };
    return { action: first.action, label: first.label };
  }
  const typed = answers.findIndex((a) => 'say' in a);
  if (typed < 0) return undefined;
  return { text: (answers.splice(typed, 1)[0] as { say: string }).say };
}

interface Outcome {
  turns: number;
  /** undefined: not resolved within MAX_TURNS (or the user had nothing left to say) */
  how: string | undefined;
  transcript: string[];
}

async function walk(base: string, s: Scenario): Promise<Outcome> {
  const answers = [...s.answers];
  const transcript: string[] = [];
  let sent: Sent = { text: s.opening };
  let conversationId: string | undefined;
  for (let turns = 1; turns <= MAX_TURNS; turns++) {
    transcript.push(`    user: ${'text' in sent ? sent.text : `[${sent.label}]`}`);
    const r = await chat(base, { conversationId, locale: s.locale, ...sent });
    conversationId = r.conversationId;
    for (const reply of r.replies) {
      const shown =
        reply.type === 'choices'
          ? (reply.choices ?? []).map((c) => `[${c.label}]`).join(' ')
          : (reply.text ?? reply.title ?? '');
      transcript.push(`    bot (${reply.type}): ${shown.replace(/\s+/g, ' ').slice(0, 140)}`);
    }
    const how = resolution(r.replies);
    if (how) return { turns, how, transcript };
    const next = nextMessage(answers, r.replies);
    if (!next) return { turns, how: undefined, transcript };
    sent = next;
  }
  return { turns: MAX_TURNS, how: undefined, transcript };
}

/** The median, a conversation not resolved counting as more than MAX_TURNS. */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}
const turnsText = (n: number) => (Number.isFinite(n) ? `${n}` : `>${MAX_TURNS}`);

/**
 * Median user turns to a resolution on the five trees' main paths, over HTTP: against
 * BENCH_BASE_URL when set (any running server, this tree's or another's), else this tree's app
 * started in process. BENCH_TURNS_VERBOSE=1 prints every conversation.
 */
export async function turnsSection(): Promise<void> {
  let base = process.env.BENCH_BASE_URL?.replace(/\/+$/, '');
  let stop = async () => {};
  if (!base) {
    const { buildServer } = await import('../../app/server.js');
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ra-bench-'));
    const config = loadConfig({
      DATA_DIR: dataDir,
      SANDBOX_PORT: '0',
      RATE_LIMIT_PER_MINUTE: '0',
      CONVERSATION_RATE_PER_MINUTE: '0',
    });
    const logger = createLogger('silent');
    const server = await buildServer(await createApp(config, logger), { logger });
    base = await server.listen({ port: 0, host: '127.0.0.1' });
    stop = async () => {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    };
  }
  const verbose = Boolean(process.env.BENCH_TURNS_VERBOSE);
  const where = process.env.BENCH_BASE_URL ? base : 'this tree, in process';
  console.log(
    `\nTurns to resolve the five trees' main paths (${scenarios.length} conversations, zh and en, POST /api/chat on ${where}; a message or a button is a turn; at most ${MAX_TURNS})`,
  );
  const all: number[] = [];
  for (const tree of trees) {
    const counts: number[] = [];
    for (const s of scenarios.filter((x) => x.tree === tree)) {
      const o = await walk(base, s);
      counts.push(o.how ? o.turns : Number.POSITIVE_INFINITY);
      if (verbose) {
        console.log(`  [${tree}, ${s.locale}] ${o.how ? `${o.turns} turns, ${o.how}` : 'not resolved'}`);
        for (const line of o.transcript) console.log(line);
      }
    }
    all.push(...counts);
    const resolved = counts.filter(Number.isFinite).length;
    console.log(
      `  ${tree.padEnd(22)} median ${turnsText(median(counts)).padStart(3)} turns   (${counts.map(turnsText).join(', ')}; ${resolved}/${counts.length} resolved)`,
    );
  }
  const resolved = all.filter(Number.isFinite).length;
  console.log(
    `  ${'overall'.padEnd(22)} median ${turnsText(median(all)).padStart(3)} turns   (${resolved}/${all.length} resolved)`,
  );
  await stop();
}
