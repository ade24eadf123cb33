// Builds the development sets from public intent corpora (test/eval/README.md, "Development sets").
// The sentences are other people's words: they are read from DEVSETS_SOURCE_DIR and written to
// DEVSETS_DIR, outside the repository; only this script and the label table are ours.
//
//   DEVSETS_SOURCE_DIR=/path/to/sources npx tsx test/eval/devsets/build.ts
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { IntentId } from '../../../knowledge/index.js';
import { type DevCase, devsetsDir, projectFile, SPLITS, splitOf } from './files.js';
import { BANKING77, BANKING77_DEFAULT, CLINC150_DOMAINS, hwu64Rule, type LabelRule } from './labels.js';

/** Lines per source label: enough to measure, few enough that one label cannot dominate a set. */
const CAP = {
  banking77Refund: Number.POSITIVE_INFINITY,
  banking77Other: 30,
  clinc: 20,
  clincOos: 200,
  hwu: 12,
};

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.some((f) => f.trim())) rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  row.push(field);
  if (row.some((f) => f.trim())) rows.push(row);
  return rows;
}

/** A deterministic, seeded sample: the same lines whatever order the source lists them in. */
function sample<T extends { text: string }>(items: T[], cap: number, seed: string): T[] {
  if (items.length <= cap) return items;
  const rank = (t: string) => createHash('sha256').update(`${seed}:${t}`).digest('hex');
  return [...items].sort((a, b) => (rank(a.text) < rank(b.text) ? -1 : 1)).slice(0, cap);
}

function applyRule(rule: LabelRule, text: string, source: string, label: string): DevCase | undefined {
  if ('exclude' in rule) return undefined;
  const c: DevCase = { text: text.trim(), lang: 'en', intent: rule.intent, source, label };
  if (rule.accept) c.accept = rule.accept;
  return c;
}

function byLabel(rows: Array<{ text: string; label: string }>): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const r of rows) m.set(r.label, [...(m.get(r.label) ?? []), r.text]);
  return m;
}

function banking77(dir: string): DevCase[] | undefined {
  const file = path.join(dir, 'banking77-train.csv');
  if (!existsSync(file)) return undefined;
  const [header, ...rows] = parseCsv(readFileSync(file, 'utf8'));
  if (header?.[0] !== 'text') throw new Error(`${file}: expected a "text,category" header`);
  const out: DevCase[] = [];
  for (const [label, texts] of byLabel(rows.map(([text = '', label = '']) => ({ text, label })))) {
    const rule = BANKING77[label] ?? BANKING77_DEFAULT;
    const cap = 'intent' in rule && rule.intent !== 'out_of_scope' ? CAP.banking77Refund : CAP.banking77Other;
    for (const { text } of sample(
      texts.map((text) => ({ text })),
      cap,
      label,
    )) {
      const c = applyRule(rule, text, 'banking77', label);
      if (c) out.push(c);
    }
  }
  return out;
}

function clinc150(dir: string): DevCase[] | undefined {
  const dataFile = path.join(dir, 'clinc150-data_full.json');
  const domainsFile = path.join(dir, 'clinc150-domains.json');
  if (!existsSync(dataFile) || !existsSync(domainsFile)) return undefined;
  const data = JSON.parse(readFileSync(dataFile, 'utf8')) as Record<string, Array<[string, string]>>;
  const domains = JSON.parse(readFileSync(domainsFile, 'utf8')) as Record<string, string[]>;
  const wanted = new Set(CLINC150_DOMAINS.flatMap((d) => domains[d] ?? []));
  // its train and val splits only: its test split stays the benchmark it was published as
  const rows = [...(data.train ?? []), ...(data.val ?? [])]
    .filter(([, label]) => wanted.has(label))
    .map(([text, label]) => ({ text, label }));
  const oos = [...(data.oos_train ?? []), ...(data.oos_val ?? [])].map(([text]) => ({ text, label: 'oos' }));
  const out: DevCase[] = [];
  for (const [label, texts] of byLabel(rows))
    for (const { text } of sample(
      texts.map((text) => ({ text })),
      CAP.clinc,
      label,
    ))
      out.push({ text, lang: 'en', intent: 'out_of_scope', source: 'clinc150', label });
  for (const { text } of sample(oos, CAP.clincOos, 'oos'))
    out.push({ text, lang: 'en', intent: 'out_of_scope', source: 'clinc150', label: 'oos' });
  return out;
}

function hwu64(dir: string): DevCase[] | undefined {
  const folder = path.join(dir, 'hwu64');
  if (!existsSync(folder)) return undefined;
  const rows: Array<{ text: string; label: string }> = [];
  for (const f of readdirSync(folder).filter((n) => n.endsWith('.json'))) {
    const j = JSON.parse(readFileSync(path.join(folder, f), 'utf8')) as Record<
      string,
      Array<{ text: string; intent: string }>
    >;
    for (const list of Object.values(j)) for (const r of list) rows.push({ text: r.text, label: r.intent });
  }
  const out: DevCase[] = [];
  for (const [label, texts] of byLabel(rows)) {
    const unique = [...new Set(texts)].map((text) => ({ text }));
    for (const { text } of sample(unique, CAP.hwu, label)) {
      const c = applyRule(hwu64Rule(label), text, 'hwu64', label);
      if (c) out.push(c);
    }
  }
  return out;
}

/** The Chinese real-style set is written for us in the repository; it is split here like the rest. */
function zhRealStyle(): DevCase[] | undefined {
  const file = projectFile('test/eval/zh-real-style.jsonl');
  if (!existsSync(file)) return undefined;
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const j = JSON.parse(l) as { text: string; lang: 'zh' | 'en'; intent: IntentId };
      return { text: j.text, lang: j.lang, intent: j.intent, source: 'zh-real-style', label: j.intent };
    });
}

function main() {
  const sourceDir = process.env.DEVSETS_SOURCE_DIR;
  const outDir = devsetsDir();
  mkdirSync(outDir, { recursive: true });
  const sets: Record<string, DevCase[] | undefined> = {
    banking77: sourceDir ? banking77(sourceDir) : undefined,
    clinc150: sourceDir ? clinc150(sourceDir) : undefined,
    hwu64: sourceDir ? hwu64(sourceDir) : undefined,
    'zh-real-style': zhRealStyle(),
  };
  if (!sourceDir) console.log('DEVSETS_SOURCE_DIR is not set: only the sets inside the repository are built');
  for (const [name, cases] of Object.entries(sets)) {
    if (!cases) {
      console.log(`${name}: source files not found, skipped`);
      continue;
    }
    const seen = new Set<string>();
    const unique = cases.filter((c) => !seen.has(c.text.toLowerCase()) && seen.add(c.text.toLowerCase()));
    for (const split of SPLITS) {
      const part = unique.filter((c) => splitOf(c.text) === split);
      writeFileSync(
        path.join(outDir, `${name}.${split}.jsonl`),
        `${part.map((c) => JSON.stringify(c)).join('\n')}\n`,
      );
      const oos = part.filter((c) => c.intent === 'out_of_scope').length;
      console.log(
        `${name}.${split}: ${part.length} lines (${part.length - oos} in scope, ${oos} out of scope)`,
      );
    }
  }
  console.log(`written to ${outDir}`);
}

main();
