// `check` and `graph`: the content and the flows as data, without the understanding built on them.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Flow, FlowProblems, flowToMarkdown, loadFlows } from '../../flows/engine/index.js';
import { type Content, ContentProblems, loadContent, projectRoot } from '../../knowledge/index.js';

/** The flows, their article references checked against the articles there are. */
export function loadKnownFlows(content: Content = loadContent()): Flow[] {
  return loadFlows({ articleIds: new Set(content.articles.map((a) => a.id)) });
}

/** Validates all content (articles, intents, messages, policy, flows): exits 1 naming every problem. */
export function check(out: (s: string) => void, err: (s: string) => void): number {
  try {
    const content = loadContent();
    const flows = loadKnownFlows(content);
    const perLang = (lang: 'zh' | 'en') =>
      Object.values(content.examples[lang]).reduce((n, l) => n + (l?.length ?? 0), 0);
    const nodes = flows.reduce((n, f) => n + Object.keys(f.nodes).length, 0);
    out(
      `content OK: ${content.articles.length / 2} articles in zh and en, ${content.intents.length} intents, ` +
        `${perLang('zh')} zh and ${perLang('en')} en training examples, ${flows.length} flows with ${nodes} nodes\n`,
    );
    return 0;
  } catch (e) {
    if (e instanceof ContentProblems || e instanceof FlowProblems) {
      err(`${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

/** Writes docs/flows/<flow>.md: each tree as a Mermaid diagram, for review. */
export function graph(flows: readonly Flow[], out: (s: string) => void): number {
  const dir = path.join(projectRoot, 'docs', 'flows');
  mkdirSync(dir, { recursive: true });
  for (const flow of flows) {
    const file = path.join(dir, `${flow.id.replace(/_/g, '-')}.md`);
    writeFileSync(file, flowToMarkdown(flow));
    out(`${path.relative(projectRoot, file)}\n`);
  }
  return 0;
}
