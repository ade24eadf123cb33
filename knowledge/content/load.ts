import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { load as parseYaml } from 'js-yaml';
import type { z } from 'zod';
import type { ArrivalMethod } from '../arrival/estimate.js';
import type { Neighbours } from '../domain/gate.js';
import type { ConceptLists } from '../text/concepts.js';
import type { Synonyms } from '../text/tokenizer.js';
import { type Article, ContentError, parseArticle } from './articles.js';
import { knowledgeDir } from './paths.js';
import {
  arrivalSchema,
  type Command,
  commandsSchema,
  conceptsSchema,
  examplesSchema,
  INTENT_IDS,
  type IntentDefinition,
  type IntentId,
  intentCatalogueSchema,
  LANGS,
  type Lang,
  type Localized,
  type MessageKey,
  MIN_EXAMPLES_PER_INTENT,
  messagesSchema,
  neighboursSchema,
  type Policy,
  policySchema,
  synonymsSchema,
} from './schemas.js';

export interface Content {
  intents: IntentDefinition[];
  /** Offered as buttons when a conversation starts afresh, in order. */
  mainTopics: IntentId[];
  examples: Record<Lang, Partial<Record<IntentId, string[]>>>;
  articles: Article[];
  policy: Policy;
  synonyms: Synonyms;
  concepts: ConceptLists;
  /** Neighbouring domains for the domain gate and the out-of-scope reply (knowledge/neighbours.yml). */
  neighbours: Neighbours;
  arrivalMethods: ArrivalMethod[];
  commands: Record<Command, Localized<string[]>>;
  /** Words marking a correction (knowledge/commands.yml). */
  corrections: Localized<string[]>;
  messages: Record<MessageKey, Localized>;
}

export interface LoadOptions {
  dir?: string;
  /** REFUND_WINDOW_DAYS from the environment wins over policy.yml. */
  refundWindowDays?: number | undefined;
  /**
   * Candidate example files (`<lang>.<source>.yml`, anywhere) read as if they were in intents/:
   * how a batch of reviewed questions is checked and measured before it is adopted.
   */
  candidates?: readonly string[] | undefined;
}

export class ContentProblems extends Error {
  override name = 'ContentProblems';
  constructor(readonly problems: string[]) {
    super(`Content has ${problems.length} problem(s):\n- ${problems.join('\n- ')}`);
  }
}

/** A YAML file read and checked: its value, or undefined with its problems (parse or schema) named. */
export function readYaml<S extends z.ZodType>(
  file: string,
  schema: S,
  problems: string[],
  name = file,
): z.infer<S> | undefined {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (e) {
    problems.push(`${name}: ${(e as Error).message.split('\n')[0]}`);
    return undefined;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    for (const i of parsed.error.issues)
      problems.push(`${name}: ${i.path.join('.') || '(root)'}: ${i.message}`);
    return undefined;
  }
  return parsed.data;
}

function flattenSynonyms(groups: Record<string, string[]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [canonical, variants] of Object.entries(groups)) {
    for (const v of variants) out[v.toLowerCase()] = canonical.toLowerCase();
  }
  return out;
}

/**
 * Reads and validates every content file. All problems are collected (not just the first) so that
 * `npm run check` shows a support lead the whole list at once.
 */
export function loadContent(options: LoadOptions = {}): Content {
  const dir = options.dir ?? knowledgeDir;
  const problems: string[] = [];
  const rel = (f: string) => path.relative(path.dirname(dir), f);

  const yaml = <S extends z.ZodType>(name: string, schema: S) =>
    readYaml(path.join(dir, name), schema, problems, rel(path.join(dir, name)));
  const catalogue = yaml('intents.yml', intentCatalogueSchema);
  const policyRaw = yaml('policy.yml', policySchema);
  const synonymsRaw = yaml('synonyms.yml', synonymsSchema);
  const messagesRaw = yaml('messages.yml', messagesSchema);
  const conceptsRaw = yaml('concepts.yml', conceptsSchema);
  const neighboursRaw = yaml('neighbours.yml', neighboursSchema);
  const arrivalRaw = yaml('arrival.yml', arrivalSchema);
  const commandsRaw = yaml('commands.yml', commandsSchema);
  const policy: Policy | undefined = policyRaw && {
    ...policyRaw,
    refundWindowDays: options.refundWindowDays ?? policyRaw.refundWindowDays,
  };

  // Examples per language: `zh.yml` plus any `zh.<source>.yml` (a second author, a batch from
  // reviewed conversations), merged. Each file is validated on its own.
  const examples = { zh: {}, en: {} } as Content['examples'];
  const exampleFiles = readdirSync(path.join(dir, 'intents')).filter((f) =>
    /^[a-z]{2}(\.[\w-]+)?\.yml$/.test(f),
  );
  const candidates = new Map<string, string>();
  for (const file of options.candidates ?? []) {
    const name = path.basename(file);
    if (!/^[a-z]{2}\.[\w-]+\.yml$/.test(name))
      problems.push(`${file}: a candidate's name must be <lang>.<source>.yml, like zh.reviewed.yml`);
    else if (exampleFiles.includes(name)) problems.push(`${file}: intents/${name} exists already`);
    else candidates.set(name, path.resolve(file));
  }
  for (const lang of LANGS) {
    const main = `${lang}.yml`;
    const files = [...exampleFiles, ...candidates.keys()]
      .filter((f) => f === main || f.startsWith(`${lang}.`))
      .sort((a, b) => (a === main ? -1 : b === main ? 1 : a.localeCompare(b)));
    if (!files.includes(main)) problems.push(`intents/${main} is missing`);
    const merged: Partial<Record<IntentId, string[]>> = {};
    const seen = new Map<string, { intent: IntentId; file: string }>();
    for (const name of files) {
      const file = candidates.get(name) ?? path.join(dir, 'intents', name);
      const data = readYaml(file, examplesSchema, problems, candidates.has(name) ? file : rel(file));
      if (!data) continue;
      if (data.lang !== lang) problems.push(`${rel(file)}: lang is "${data.lang}", expected "${lang}"`);
      for (const [id, list] of Object.entries(data.examples) as [IntentId, string[]][]) {
        for (const text of list) {
          const key = text.trim().toLowerCase();
          const other = seen.get(key);
          if (other && other.intent !== id) {
            problems.push(
              `${rel(file)}: "${text}" is labelled ${id} here and ${other.intent} in ${other.file}`,
            );
          }
          seen.set(key, { intent: id, file: name });
        }
        merged[id] = [...(merged[id] ?? []), ...list];
      }
    }
    for (const id of INTENT_IDS) {
      const n = merged[id]?.length ?? 0;
      if (n < MIN_EXAMPLES_PER_INTENT) {
        problems.push(
          `intents/${lang}: intent ${id} has ${n} examples, needs at least ${MIN_EXAMPLES_PER_INTENT}`,
        );
      }
    }
    examples[lang] = merged;
  }

  const articles: Article[] = [];
  if (policy) {
    for (const lang of LANGS) {
      const folder = path.join(dir, 'articles', lang);
      for (const name of readdirSync(folder)
        .filter((f) => f.endsWith('.md'))
        .sort()) {
        const file = path.join(folder, name);
        try {
          const article = parseArticle(readFileSync(file, 'utf8'), rel(file), policy);
          if (article.lang !== lang)
            problems.push(`${rel(file)}: lang is "${article.lang}" in the ${lang} folder`);
          if (`${article.id}.md` !== name)
            problems.push(`${rel(file)}: id "${article.id}" differs from file name`);
          articles.push(article);
        } catch (e) {
          problems.push(e instanceof ContentError ? e.message : `${rel(file)}: ${(e as Error).message}`);
        }
      }
    }
  }

  const ids = new Set(articles.map((a) => a.id));
  for (const id of ids) {
    for (const lang of LANGS) {
      if (!articles.some((a) => a.id === id && a.lang === lang))
        problems.push(`article ${id}: no ${lang} translation`);
    }
  }
  for (const a of articles) {
    for (const r of a.related)
      if (!ids.has(r)) problems.push(`article ${a.id} (${a.lang}): related "${r}" does not exist`);
  }
  if (catalogue) {
    const defined = new Set(catalogue.intents.map((i) => i.id));
    for (const id of INTENT_IDS)
      if (!defined.has(id)) problems.push(`intents.yml: intent ${id} is not described`);
    for (const i of catalogue.intents) {
      if (i.article && !ids.has(i.article))
        problems.push(`intents.yml: ${i.id} names unknown article "${i.article}"`);
    }
  }

  if (
    problems.length > 0 ||
    !catalogue ||
    !policy ||
    !synonymsRaw ||
    !messagesRaw ||
    !conceptsRaw ||
    !neighboursRaw ||
    !arrivalRaw ||
    !commandsRaw
  ) {
    throw new ContentProblems(problems);
  }
  return {
    intents: catalogue.intents,
    mainTopics: catalogue.mainTopics,
    examples,
    articles,
    policy,
    synonyms: { zh: flattenSynonyms(synonymsRaw.zh), en: flattenSynonyms(synonymsRaw.en) },
    concepts: conceptsRaw.concepts,
    neighbours: neighboursRaw.neighbours as Neighbours,
    commands: commandsRaw.commands,
    corrections: commandsRaw.corrections,
    arrivalMethods: Object.entries(arrivalRaw.methods).map(([id, m]) => ({ id, ...m })),
    messages: messagesRaw.messages,
  };
}
