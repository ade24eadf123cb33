import { load as parseYaml } from 'js-yaml';
import MarkdownIt from 'markdown-it';
import { type ArticleFrontMatter, articleFrontMatterSchema, type Lang, type Policy } from './schemas.js';

export interface Article extends ArticleFrontMatter {
  /** The short answer: the body's first paragraph (Markdown inline). */
  summary: string;
  /** The first section's numbered steps (Markdown inline each). */
  steps: string[];
  /** Full body, Markdown, placeholders substituted. */
  body: string;
  /** Body without Markdown marks: what search indexes and snippets quote. */
  plain: string;
}

export class ContentError extends Error {
  override name = 'ContentError';
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
  }
}

// html: false — articles are content edited by support leads; nothing in them may become markup.
export const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/;
const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g;
export const STEPS_HEADING: Record<Lang, string> = { zh: '怎么做', en: 'What to do' };

/** The policy facts texts may quote as placeholders (articles, flows, messages). */
export const POLICY_PLACEHOLDERS = ['refundWindowDays', 'refundFee', 'supportContact'] as const;

export function policyValues(
  policy: Policy,
  lang: Lang,
): Record<(typeof POLICY_PLACEHOLDERS)[number], string> {
  return {
    refundWindowDays: String(policy.refundWindowDays),
    refundFee: policy.refundFee[lang],
    supportContact: policy.supportContact[lang],
  };
}

export function substitute(text: string, values: Record<string, string>, file: string): string {
  return text.replace(PLACEHOLDER, (_m, name: string) => {
    const value = values[name];
    if (value === undefined) throw new ContentError(file, `unknown placeholder {{${name}}}`);
    return value;
  });
}

export function stripMarkdown(md: string): string {
  return md
    .replace(/^#{1,6}\s+/gm, '')
    .replace(/^\s*(?:\d+\.|[-*+])\s+/gm, '')
    .replace(/\*\*(.+?)\*\*/g, '$1')
    .replace(/[*_`]/g, '')
    .replace(/\n{2,}/g, '\n')
    .trim();
}

export function parseArticle(source: string, file: string, policy: Policy): Article {
  const m = FRONT_MATTER.exec(source);
  if (!m) throw new ContentError(file, 'missing front matter between --- lines');
  const [, yamlText = '', rawBody = ''] = m;
  let meta: unknown;
  try {
    meta = parseYaml(yamlText);
  } catch (e) {
    throw new ContentError(file, `front matter is not valid YAML: ${(e as Error).message}`);
  }
  const parsed = articleFrontMatterSchema.safeParse(meta);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ContentError(file, `front matter: ${why}`);
  }
  const fm = parsed.data;
  const values = policyValues(policy, fm.lang);
  const body = substitute(rawBody.trim(), values, file);
  const questions = fm.questions.map((q) => substitute(q, values, file));
  const title = substitute(fm.title, values, file);

  const tokens = markdown.parse(body, {});
  if (tokens[0]?.type !== 'paragraph_open' || tokens[1]?.type !== 'inline') {
    throw new ContentError(file, 'the body must start with the short-answer paragraph');
  }
  const summary = tokens[1].content;
  if (/^#\s/m.test(body))
    throw new ContentError(file, 'no level-1 headings: the title comes from front matter');

  const firstHeading = tokens.findIndex((t) => t.type === 'heading_open');
  const headingText = tokens[firstHeading + 1]?.content;
  if (firstHeading < 0 || headingText !== STEPS_HEADING[fm.lang]) {
    throw new ContentError(
      file,
      `the first section must be "## ${STEPS_HEADING[fm.lang]}" with numbered steps`,
    );
  }
  const steps: string[] = [];
  let i = firstHeading + 3;
  if (tokens[i]?.type !== 'ordered_list_open') {
    throw new ContentError(file, `"## ${STEPS_HEADING[fm.lang]}" must begin with a numbered list`);
  }
  let depth = 0;
  for (; i < tokens.length; i++) {
    const t = tokens[i];
    if (!t) break;
    if (t.type === 'ordered_list_open' || t.type === 'bullet_list_open') depth++;
    if (t.type === 'ordered_list_close' || t.type === 'bullet_list_close') {
      depth--;
      if (depth === 0) break;
    }
    if (t.type === 'inline' && depth === 1) steps.push(t.content);
  }
  if (steps.length === 0) throw new ContentError(file, 'the steps list is empty');

  return { ...fm, title, questions, summary, steps, body, plain: stripMarkdown(body) };
}
