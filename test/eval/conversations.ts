// `npm run eval -- --conversations [--errors]`: every scenario of test/eval/conversations.yml, turn
// by turn, against a real in-process app (temporary data directory, embedded sandbox acquirer, fixed
// clock), and the share of scenarios and checks that hold. The checks are in conversation-checks.ts.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type App, createApp } from '../../app/app.js';
import { loadConfig } from '../../app/config.js';
import { createLogger } from '../../app/logger.js';
import type { Reply } from '../../contracts/replies.js';
import type { Flow } from '../../flows/engine/index.js';
import type { SegmenterKind } from '../../knowledge/index.js';
import {
  askedSlot,
  CHECK_NAMES,
  type Check,
  type CheckResult,
  describeCheck,
  evaluateCheck,
  type Known,
  parseScenarios,
  questionSlots,
  type Scenario,
  visibleText,
  writtenIn,
} from './conversation-checks.js';

/** The scenarios' "today" unless a scenario sets `now`: Wednesday 2026-11-25, noon in Shanghai. */
export const EVAL_NOW = '2026-11-25T04:00:00Z';
const here = path.dirname(new URL(import.meta.url).pathname);
export const SCENARIO_FILE = path.join(here, 'conversations.yml');
const REPLY_CHARS = 300;

export interface CheckOutcome {
  turn: number;
  check: Check;
  result: CheckResult;
}
export interface ScenarioOutcome {
  scenario: Scenario;
  group: 'zh' | 'zh-traditional' | 'en';
  checks: CheckOutcome[];
  /** What each turn's user said and the bot replied, for error listings. */
  transcript: Array<{ user: string; reply: string }>;
  /** A turn that threw: its checks and those of every later turn fail. */
  error?: string;
}

/** The slot of every question the flows ask, and the article ids: what the checks may name. */
export const knownNames = (app: App): Known => ({
  slots: questionSlots(app.flows),
  articles: new Set(app.content.articles.map((a) => a.id)),
});

/** The scenario's language, from its first message. */
const groupOf = (s: Scenario): ScenarioOutcome['group'] => writtenIn(s.turns[0]?.user ?? '');

async function runScenario(
  app: App,
  scenario: Scenario,
  merchantNo: string | undefined,
  flows: ReadonlyMap<string, Flow>,
): Promise<ScenarioOutcome> {
  const outcome: ScenarioOutcome = { scenario, group: groupOf(scenario), checks: [], transcript: [] };
  let conversationId: string | undefined;
  let previous: Reply[] | undefined;
  for (const [i, turn] of scenario.turns.entries()) {
    const n = i + 1;
    if (outcome.error) {
      for (const check of turn.expect)
        outcome.checks.push({
          turn: n,
          check,
          result: { ok: false, got: 'not run: an earlier turn failed' },
        });
      continue;
    }
    try {
      const result = await app.assistant.turn({
        conversationId,
        text: turn.user,
        channel: 'eval',
        ...(scenario.who === 'merchant' && { merchantNo }),
        ...(scenario.locale && { locale: scenario.locale }),
      });
      conversationId = result.conversationId;
      const saved = await app.store.load(conversationId);
      const observation = {
        replies: result.replies,
        asks: askedSlot(saved, flows),
        handedOver: saved?.handoff !== undefined,
        previous,
      };
      outcome.transcript.push({ user: turn.user, reply: visibleText(result.replies) });
      for (const check of turn.expect)
        outcome.checks.push({ turn: n, check, result: evaluateCheck(check, observation) });
      if (result.replies.length) previous = result.replies;
    } catch (e) {
      outcome.error = `turn ${n} threw: ${(e as Error).stack ?? String(e)}`;
      outcome.transcript.push({ user: turn.user, reply: `(error) ${(e as Error).message}` });
      for (const check of turn.expect)
        outcome.checks.push({ turn: n, check, result: { ok: false, got: 'the turn threw' } });
    }
  }
  return outcome;
}

const pct = (n: number, d: number) =>
  d === 0 ? '  n/a' : `${((100 * n) / d).toFixed(1).padStart(5)}%  (${n}/${d})`;
const passed = (o: ScenarioOutcome) => !o.error && o.checks.every((c) => c.result.ok);
const oneLine = (s: string, max = REPLY_CHARS) => {
  const flat = s.replace(/\s*\n\s*/g, ' ⏎ ');
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
};

export function printReport(outcomes: ScenarioOutcome[], options: { errors: boolean }): void {
  const checks = outcomes.flatMap((o) => o.checks);
  const groups: Array<[string, (o: ScenarioOutcome) => boolean]> = [
    ['all', () => true],
    ['zh (simplified)', (o) => o.group === 'zh'],
    ['zh (traditional)', (o) => o.group === 'zh-traditional'],
    ['en', (o) => o.group === 'en'],
    ['consumer', (o) => o.scenario.who === 'consumer'],
    ['merchant', (o) => o.scenario.who === 'merchant'],
  ];
  console.log('\nScenarios where every check holds');
  for (const [label, f] of groups) {
    const own = outcomes.filter(f);
    console.log(`  ${label.padEnd(18)} ${pct(own.filter(passed).length, own.length)}`);
  }
  console.log('\nChecks that hold');
  for (const [label, f] of groups) {
    const own = outcomes.filter(f).flatMap((o) => o.checks);
    console.log(`  ${label.padEnd(18)} ${pct(own.filter((c) => c.result.ok).length, own.length)}`);
  }
  console.log('\nBy check');
  for (const name of CHECK_NAMES) {
    const own = checks.filter((c) => c.check.name === name);
    if (!own.length) continue;
    console.log(`  ${name.padEnd(18)} ${pct(own.filter((c) => c.result.ok).length, own.length)}`);
  }
  const failing = new Map<string, number>();
  for (const c of checks) {
    if (c.result.ok) continue;
    const key = describeCheck(c.check);
    failing.set(key, (failing.get(key) ?? 0) + 1);
  }
  console.log('\nMost frequent failing checks');
  for (const [k, n] of [...failing].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 12))
    console.log(`  ${String(n).padStart(3)}  ${k}`);
  const crashed = outcomes.filter((o) => o.error);
  if (crashed.length) {
    console.log(`\n${crashed.length} scenario(s) stopped on an error:`);
    for (const o of crashed) console.log(`  ${o.scenario.id}: ${o.error?.split('\n')[0]}`);
  }
  if (!options.errors) return;
  console.log('\nFailing checks (scenario, turn, check → what was found; the reply, truncated):');
  for (const o of outcomes) {
    const turns = [...new Set(o.checks.filter((c) => !c.result.ok).map((c) => c.turn))];
    for (const turn of turns) {
      const t = o.transcript[turn - 1];
      for (const c of o.checks.filter((x) => x.turn === turn && !x.result.ok))
        console.log(
          `  [${o.scenario.id} #${turn}] ${oneLine(describeCheck(c.check), 120)}${c.result.got ? ` → ${oneLine(c.result.got, 160)}` : ''}`,
        );
      if (t) {
        console.log(`      user: ${oneLine(t.user)}`);
        console.log(`      bot:  ${oneLine(t.reply) || '(no reply)'}`);
      }
    }
  }
}

export interface ConversationEvalOptions {
  errors?: boolean;
  segmenter?: SegmenterKind;
  file?: string;
}

/** Runs every scenario on one app (each scenario is a fresh conversation) and prints the figures. */
export async function runConversationEval(options: ConversationEvalOptions = {}): Promise<ScenarioOutcome[]> {
  const file = options.file ?? SCENARIO_FILE;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ra-eval-convo-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    SANDBOX_PORT: '0',
    RATE_LIMIT_PER_MINUTE: '0',
    CONVERSATION_RATE_PER_MINUTE: '0',
  });
  let now = new Date(EVAL_NOW);
  const t0 = performance.now();
  const app = await createApp(config, createLogger('silent'), {
    segmenter: options.segmenter ?? 'icu',
    clock: () => now,
  });
  try {
    const scenarios = parseScenarios(readFileSync(file, 'utf8'), knownNames(app));
    const merchantNo = app.acquirer.sandbox?.instance.fixtures()[0]?.merchantNo;
    if (!merchantNo && scenarios.some((s) => s.who === 'merchant'))
      throw new Error(
        'who: merchant needs a merchant number from the sandbox fixtures; is LAKALA_BASE_URL set?',
      );
    const flows = new Map(app.flows.map((f) => [f.id, f]));
    const outcomes: ScenarioOutcome[] = [];
    for (const scenario of scenarios) {
      now = new Date(scenario.now ?? EVAL_NOW);
      outcomes.push(await runScenario(app, scenario, merchantNo, flows));
    }
    const turns = scenarios.reduce((n, s) => n + s.turns.length, 0);
    const checks = outcomes.reduce((n, o) => n + o.checks.length, 0);
    console.log(
      `refund-assistant conversation evaluation — ${path.relative(process.cwd(), file)}: ` +
        `${scenarios.length} scenarios, ${turns} turns, ${checks} checks; ran in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    console.log(
      `clock ${EVAL_NOW} unless a scenario sets one · channel "eval" · who: merchant signed in as ${merchantNo ?? '-'}`,
    );
    printReport(outcomes, { errors: options.errors ?? false });
    return outcomes;
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
