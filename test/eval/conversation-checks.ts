// The multi-turn scenario set (test/eval/conversations.yml): its format, validated with zod at load,
// and the checks on one turn's replies. Pure functions, no app: the runner is conversations.ts.
import { load as parseYaml } from 'js-yaml';
import * as OpenCC from 'opencc-js';
import { z } from 'zod';
import type { Conversation } from '../../bot/conversations/store.js';
import type { Reply } from '../../contracts/replies.js';
import { type Flow, MAX_INVALID } from '../../flows/engine/index.js';
import { toTraditional } from '../../knowledge/text/script.js';

// ---------------------------------------------------------------------------------------------
// Patterns the checks rely on. Adjust them here when the product's wording changes.
// ---------------------------------------------------------------------------------------------

/** A ticket number in a reply: TK-20261125-17, or a labelled id with a digit in it (工单号：A1234567). */
export const TICKET_PATTERNS: readonly RegExp[] = [
  /\bTK-\d{8}-\d+\b/,
  /(?:工单|工單)(?:号|號|编号|編號)?\s*(?:是|为|為)?\s*[:：#]?\s*(?=[A-Z0-9-]*\d)[A-Z0-9-]{6,}/iu,
  /\bticket\s*(?:number|no\.?|#|id)?\s*(?:is\s*)?[:：#]?\s*(?=[A-Z0-9-]*\d)[A-Z0-9-]{6,}/i,
];

/** A phone number a person answers: 95xxx(x), 400/800 numbers, a mainland landline or mobile. */
export const HOTLINE_PATTERNS: readonly RegExp[] = [
  /(?<!\d)95\d{3,4}(?!\d)/,
  /(?<!\d)[48]00[-\s]?\d{3}[-\s]?\d{4}(?!\d)/,
  /(?<!\d)0\d{2,3}-\d{7,8}(?!\d)/,
  /(?<!\d)1[3-9]\d{9}(?!\d)/,
];

/** A way to leave a message for a person (in a text or on a button). */
export const LEAVE_MESSAGE_PATTERNS: readonly RegExp[] = [
  /留言/,
  /留下.{0,8}(?:联系方式|聯繫方式|聯絡方式|电话|電話|手机|手機)/u,
  /leave (?:us )?a message/i,
  /leave (?:us )?your (?:phone|number|contact)/i,
  /call you back/i,
];

/** Telling the user to type the hand-over words again: never a way to reach a person. */
export const TYPE_AGAIN_PATTERN =
  /(?:(?:输入|輸入|回复|回覆|发送|發送).{0,3}[“"「'‘]?(?:转人工|轉人工)|\btype\b.{0,3}["“'‘]?(?:talk to a person|human|agent|person))/iu;

const HAN = /\p{Script=Han}/u;
let simplify: ((s: string) => string) | undefined;
const toSimplified = (s: string): string => {
  const convert = simplify ?? OpenCC.Converter({ from: 'tw', to: 'cn' });
  simplify = convert;
  return convert(s);
};

// ---------------------------------------------------------------------------------------------
// What a turn produced, and what the checks read of it
// ---------------------------------------------------------------------------------------------

/** One turn as the checks see it. */
export interface TurnObservation {
  replies: readonly Reply[];
  /** The slot of the question the bot ends its reply with; undefined when it asks for none. */
  asks: string | undefined;
  /** The conversation is with a person now (the handoff is open in the conversation's state). */
  handedOver: boolean;
  /** The previous bot reply in this conversation, if any. */
  previous?: readonly Reply[] | undefined;
}

/** The slot of every question the flows ask: what `asks` and `not_asks` may name. */
export const questionSlots = (flows: readonly Flow[]): Set<string> =>
  new Set(flows.flatMap((f) => Object.values(f.nodes).flatMap((n) => (n.kind === 'ask' ? [n.slot] : []))));

/**
 * The slot of the question the bot ended its reply with, from the saved state: the flow's current
 * node, when it is a question still being asked. A paused flow ends with "carry on where we were?"
 * and too many wrong answers with "talk to a person / try again": neither asks for the slot.
 */
export function askedSlot(c: Conversation | undefined, flows: ReadonlyMap<string, Flow>): string | undefined {
  const state = c?.flow;
  if (!state || state.paused || state.invalid >= MAX_INVALID) return undefined;
  const node = flows.get(state.flow)?.nodes[state.node];
  return node?.kind === 'ask' ? node.slot : undefined;
}

/** What a user sees: text, button labels, card titles and fields, article titles and snippets. */
export function visibleText(replies: readonly Reply[]): string {
  const lines: string[] = [];
  for (const r of replies) {
    switch (r.type) {
      case 'text':
        lines.push(r.text);
        break;
      case 'choices':
        lines.push(...r.choices.map((c) => c.label));
        break;
      case 'card':
        lines.push(r.title, ...r.fields.map((f) => `${f.label}: ${f.value}`));
        break;
      case 'article':
        lines.push(r.title, r.snippet);
        break;
    }
  }
  return lines.join('\n');
}

export const buttonLabels = (replies: readonly Reply[]): string[] =>
  replies.flatMap((r) => (r.type === 'choices' ? r.choices.map((c) => c.label) : []));

/** Han characters present → zh; otherwise en. */
export const replyLang = (text: string): 'zh' | 'en' => (HAN.test(text) ? 'zh' : 'en');

/**
 * Which script a text is in: traditional when converting it to traditional changes nothing,
 * simplified when converting it to simplified changes nothing, `both` when neither changes it
 * (only characters shared by the two), `mixed` when both would, `none` without Han characters.
 */
export function replyScript(text: string): 'traditional' | 'simplified' | 'both' | 'mixed' | 'none' {
  if (!HAN.test(text)) return 'none';
  const isTraditional = toTraditional(text) === text;
  const isSimplified = toSimplified(text) === text;
  if (isTraditional && isSimplified) return 'both';
  if (isTraditional) return 'traditional';
  if (isSimplified) return 'simplified';
  return 'mixed';
}

/** The language a user writes in: zh-traditional when simplifying the text would change it. */
export function writtenIn(text: string): 'zh' | 'zh-traditional' | 'en' {
  if (!HAN.test(text)) return 'en';
  return toSimplified(text) === text ? 'zh' : 'zh-traditional';
}

/** Characters of `text` that converting to `script` would change, for error messages. */
function offScript(text: string, script: 'traditional' | 'simplified'): string {
  const converted = script === 'traditional' ? toTraditional(text) : toSimplified(text);
  const chars = [...text];
  const other = [...converted];
  if (chars.length !== other.length) return '(length changed)';
  const off = new Set(chars.filter((c, i) => c !== other[i]));
  return [...off].slice(0, 8).join('');
}

const normalizeSpace = (s: string) => s.replace(/\s+/g, ' ').trim();

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

export const CHECK_NAMES = [
  'matches',
  'not_matches',
  'asks',
  'not_asks',
  'lang',
  'script',
  'article',
  'offers',
  'not_offers',
  'handoff',
  'ticket',
  'no_repeat',
] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

export type Check =
  | { name: 'matches' | 'not_matches' | 'offers' | 'not_offers'; value: RegExp }
  | { name: 'asks' | 'not_asks' | 'article'; value: string }
  | { name: 'lang'; value: 'zh' | 'en' }
  | { name: 'script'; value: 'traditional' | 'simplified' }
  | { name: 'handoff' | 'ticket' | 'no_repeat'; value: true };

export interface CheckResult {
  ok: boolean;
  /** What was found instead, when it matters (the slot asked, the language seen). */
  got?: string;
}

/** The check as written in the scenario file. */
export function describeCheck(check: Check): string {
  const v = check.value instanceof RegExp ? check.value.source : String(check.value);
  return `${check.name}: ${v}`;
}

/** One check on one turn. */
export function evaluateCheck(check: Check, turn: TurnObservation): CheckResult {
  const text = visibleText(turn.replies);
  switch (check.name) {
    case 'matches':
      return { ok: check.value.test(text) };
    case 'not_matches': {
      const m = check.value.exec(text);
      return m ? { ok: false, got: `matched "${m[0]}"` } : { ok: true };
    }
    case 'asks':
      return turn.asks === check.value ? { ok: true } : { ok: false, got: `asks ${turn.asks ?? 'nothing'}` };
    case 'not_asks':
      return turn.asks !== check.value ? { ok: true } : { ok: false, got: `asks ${turn.asks}` };
    case 'lang': {
      const lang = replyLang(text);
      return lang === check.value ? { ok: true } : { ok: false, got: lang };
    }
    case 'script': {
      const script = replyScript(text);
      if (script === 'both' || script === check.value) return { ok: true };
      if (script === 'none') return { ok: false, got: 'no Han characters' };
      return { ok: false, got: `${script} (${offScript(text, check.value)})` };
    }
    case 'article': {
      const ids = turn.replies.flatMap((r) => (r.type === 'article' ? [r.id] : []));
      return ids.includes(check.value)
        ? { ok: true }
        : { ok: false, got: ids.length ? `articles ${ids.join(', ')}` : 'no article' };
    }
    case 'offers': {
      const labels = buttonLabels(turn.replies);
      return labels.some((l) => check.value.test(l))
        ? { ok: true }
        : { ok: false, got: labels.length ? `buttons ${labels.join(' | ')}` : 'no buttons' };
    }
    case 'not_offers': {
      const hit = buttonLabels(turn.replies).find((l) => check.value.test(l));
      return hit === undefined ? { ok: true } : { ok: false, got: `offers "${hit}"` };
    }
    case 'handoff':
      return handoffHolds(turn, text);
    case 'ticket':
      return { ok: TICKET_PATTERNS.some((p) => p.test(text)) };
    case 'no_repeat': {
      if (!turn.previous) return { ok: false, got: 'no previous reply' };
      return normalizeSpace(visibleText(turn.previous)) !== normalizeSpace(text)
        ? { ok: true }
        : { ok: false, got: 'same as the previous reply' };
    }
  }
}

/**
 * Put through to a person (the handoff is open), or offered a concrete way to reach one: a
 * ticket number, a way to leave a message, a phone number. Never "type 转人工 again".
 */
function handoffHolds(turn: TurnObservation, text: string): CheckResult {
  const again = TYPE_AGAIN_PATTERN.exec(text);
  if (again) return { ok: false, got: `told to type it again ("${again[0]}")` };
  if (turn.handedOver) return { ok: true };
  const ways = [...TICKET_PATTERNS, ...HOTLINE_PATTERNS, ...LEAVE_MESSAGE_PATTERNS];
  return ways.some((p) => p.test(text))
    ? { ok: true }
    : { ok: false, got: 'not handed over, and no ticket, message or phone number' };
}

// ---------------------------------------------------------------------------------------------
// The scenario file
// ---------------------------------------------------------------------------------------------

export interface Scenario {
  id: string;
  who: 'consumer' | 'merchant';
  note?: string | undefined;
  /** The widget's locale setting, when the scenario sets one. */
  locale?: 'zh' | 'en' | undefined;
  /** The clock for this scenario (ISO); 2026-11-25T04:00:00Z otherwise. */
  now?: string | undefined;
  turns: Array<{ user: string; expect: Check[] }>;
}

/** What the checks may name: slots of the flows' questions and article ids. */
export interface Known {
  slots: ReadonlySet<string>;
  articles: ReadonlySet<string>;
}

export class ScenarioProblems extends Error {
  override name = 'ScenarioProblems';
  constructor(readonly problems: string[]) {
    super(`the scenario file has ${problems.length} problem(s):\n- ${problems.join('\n- ')}`);
  }
}

const rawScenario = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'ids are lower-kebab-case'),
  who: z.enum(['consumer', 'merchant']),
  note: z.string().optional(),
  locale: z.enum(['zh', 'en']).optional(),
  now: z.iso.datetime({ offset: true }).optional(),
  turns: z
    .array(
      z.strictObject({
        user: z.string().trim().min(1, 'the user says nothing'),
        expect: z.array(z.unknown()).default([]),
      }),
    )
    .min(1, 'a scenario has at least one turn'),
});

const regex = z.string().transform((s, ctx) => {
  if (!s) {
    ctx.addIssue({ code: 'custom', message: 'an empty regex matches everything' });
    return z.NEVER;
  }
  try {
    return new RegExp(s, 'u');
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: `bad regex /${s}/: ${(e as Error).message}` });
    return z.NEVER;
  }
});
const oneOf = (set: ReadonlySet<string>, what: string) =>
  z.string().refine((s) => set.has(s), { error: (i) => `no ${what} is called "${String(i.input)}"` });

function valueSchemas(known: Known): Record<CheckName, z.ZodType> {
  const slot = oneOf(known.slots, 'flow question slot');
  const yes = z.literal(true, { error: 'only `true` is meaningful here' });
  return {
    matches: regex,
    not_matches: regex,
    offers: regex,
    not_offers: regex,
    asks: slot,
    not_asks: slot,
    article: oneOf(known.articles, 'article'),
    lang: z.enum(['zh', 'en']),
    script: z.enum(['traditional', 'simplified']),
    handoff: yes,
    ticket: yes,
    no_repeat: yes,
  };
}

const isCheckName = (s: string): s is CheckName => (CHECK_NAMES as readonly string[]).includes(s);

/** Parses and validates the scenario file; every problem is named by its scenario and turn. */
export function parseScenarios(yamlText: string, known: Known): Scenario[] {
  const problems: string[] = [];
  let doc: unknown;
  try {
    doc = parseYaml(yamlText);
  } catch (e) {
    throw new ScenarioProblems([`not valid YAML: ${(e as Error).message}`]);
  }
  if (!Array.isArray(doc)) throw new ScenarioProblems(['the file must be a list of scenarios']);
  const schemas = valueSchemas(known);
  const seen = new Set<string>();
  const scenarios: Scenario[] = [];
  doc.forEach((item: unknown, index) => {
    const label = (item as { id?: unknown } | null)?.id;
    const where = typeof label === 'string' ? `scenario ${label}` : `scenario #${index + 1}`;
    const parsed = rawScenario.safeParse(item);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems.push(`${where}: ${issue.path.join('.') || '(scenario)'}: ${issue.message}`);
      return;
    }
    const s = parsed.data;
    if (seen.has(s.id)) problems.push(`${where}: the id is used twice`);
    seen.add(s.id);
    const turns: Scenario['turns'] = s.turns.map((t, ti) => {
      const expect: Check[] = [];
      t.expect.forEach((raw, ci) => {
        const at = `${where}, turn ${ti + 1}, check ${ci + 1}`;
        if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
          problems.push(`${at}: a check is one \`name: value\` pair`);
          return;
        }
        const keys = Object.keys(raw);
        if (keys.length !== 1) {
          problems.push(`${at}: a check has exactly one name, got ${keys.join(', ') || 'none'}`);
          return;
        }
        const name = keys[0] as string;
        if (!isCheckName(name)) {
          problems.push(`${at}: unknown check "${name}" (known: ${CHECK_NAMES.join(', ')})`);
          return;
        }
        if (name === 'no_repeat' && ti === 0) {
          problems.push(`${at}: no_repeat on the first turn has no previous reply to differ from`);
          return;
        }
        const value = schemas[name].safeParse((raw as Record<string, unknown>)[name]);
        if (!value.success) {
          problems.push(`${at} (${name}): ${value.error.issues.map((i) => i.message).join('; ')}`);
          return;
        }
        expect.push({ name, value: value.data } as Check);
      });
      return { user: t.user, expect };
    });
    scenarios.push({ ...s, turns });
  });
  if (problems.length) throw new ScenarioProblems(problems);
  return scenarios;
}
