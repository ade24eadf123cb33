import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ContentProblems,
  INTENT_IDS,
  knowledgeDir,
  LANGS,
  loadContent,
  normalize,
} from '../../knowledge/index.js';

describe('the shipped content', () => {
  const content = loadContent();

  it('has every article in Chinese and English with a short answer and steps', () => {
    const ids = new Set(content.articles.map((a) => a.id));
    expect(ids.size).toBeGreaterThanOrEqual(15);
    for (const a of content.articles) {
      expect(a.summary.length, a.id).toBeGreaterThan(10);
      expect(a.steps.length, a.id).toBeGreaterThanOrEqual(3);
    }
  });

  it('is free of the seed article noise: its ad, its link and its obfuscated words', () => {
    for (const a of content.articles) {
      const all = `${a.title}\n${a.body}\n${a.questions.join('\n')}`;
      expect(all, a.id).not.toMatch(/baokaoba|POSS|ka卡|发FA票|https?:\/\//);
    }
  });

  it('fills policy placeholders from configuration', () => {
    const policy = loadContent({ refundWindowDays: 45 }).articles.find(
      (a) => a.id === 'refund-policy' && a.lang === 'en',
    );
    expect(policy?.body).toContain('45 days');
    expect(policy?.body).not.toContain('{{');
  });

  it('has at least 40 training examples per intent and language', () => {
    for (const lang of LANGS)
      for (const id of INTENT_IDS) expect(content.examples[lang][id]?.length ?? 0).toBeGreaterThanOrEqual(40);
  });

  it.each(['intents.jsonl', 'zh-real-style.jsonl'])('keeps %s apart from the training examples', (file) => {
    const evalTexts = readFileSync(path.join(knowledgeDir, '..', 'test', 'eval', file), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => normalize((JSON.parse(l) as { text: string }).text).replace(/[\s\p{P}]/gu, ''));
    const training = new Set<string>();
    for (const lang of LANGS)
      for (const list of Object.values(content.examples[lang]))
        for (const t of list ?? []) training.add(normalize(t).replace(/[\s\p{P}]/gu, ''));
    expect(evalTexts.filter((t) => training.has(t))).toEqual([]);
  });
});

describe('npm run check catches broken content', () => {
  let dir: string;
  const copy = () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ra-content-'));
    cpSync(knowledgeDir, dir, { recursive: true });
    return dir;
  };
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const problems = (d: string) => {
    try {
      loadContent({ dir: d });
      return [];
    } catch (e) {
      if (e instanceof ContentProblems) return e.problems;
      throw e;
    }
  };

  it('a missing translation', () => {
    const d = copy();
    rmSync(path.join(d, 'articles', 'en', 'refund-failed.md'));
    expect(problems(d)).toContainEqual('article refund-failed: no en translation');
  });

  it('an unknown intent and a dangling related article', () => {
    const d = copy();
    const file = path.join(d, 'articles', 'zh', 'refund-failed.md');
    const text = readFileSync(file, 'utf8')
      .replace(/intents: \[.*\]/, 'intents: [refund_lost]')
      .replace(/related: \[/, 'related: [no-such-article, ');
    writeFileSync(file, text);
    const found = problems(d).join('\n');
    expect(found).toContain('refund-failed.md: front matter: intents.0');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('intents: [refund_lost]', 'intents: [refund_failed]'),
    );
    expect(problems(d).join('\n')).toContain('related "no-such-article" does not exist');
  });

  it('an article without its steps section, and an unknown placeholder', () => {
    const d = copy();
    const file = path.join(d, 'articles', 'en', 'refund-policy.md');
    writeFileSync(
      file,
      readFileSync(file, 'utf8')
        .replace('## What to do', '## Steps')
        .replace('{{refundFee}}', '{{refundFees}}'),
    );
    expect(problems(d).join('\n')).toMatch(/refund-policy.md: .*(What to do|refundFees)/);
  });

  it('an intent with too few examples, and one example under two intents', () => {
    const d = copy();
    const existing = loadContent().examples.en.refund_failed?.[0] as string;
    writeFileSync(
      path.join(d, 'intents', 'en.broken.yml'),
      `lang: en\nexamples:\n  thanks:\n    - ${JSON.stringify(existing)}\n`,
    );
    expect(problems(d).join('\n')).toContain(`"${existing}" is labelled thanks here and refund_failed`);
    rmSync(path.join(d, 'intents', 'zh.extra.yml'), { force: true });
    const zh = path.join(d, 'intents', 'zh.yml');
    writeFileSync(
      zh,
      readFileSync(zh, 'utf8').replace(/\n {2}goodbye:\n( {4}- .*\n)+/, '\n  goodbye:\n    - 拜拜\n'),
    );
    expect(problems(d).join('\n')).toMatch(/intent goodbye has \d+ examples, needs at least 40/);
  });

  it('a message missing in one language', () => {
    const d = copy();
    const file = path.join(d, 'messages.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/\n {4}en: Goodbye, and all the best!/, ''));
    expect(problems(d).join('\n')).toContain('messages.goodbye.en');
  });
});
