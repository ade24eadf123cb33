import type { Lang } from '../../knowledge/index.js';
import { successors } from './check.js';
import type { Flow, FlowNode } from './schema.js';

const quote = (s: string) => `"${s.replace(/"/g, '#quot;').replace(/\n/g, ' ').slice(0, 60)}"`;

function label(id: string, node: FlowNode, lang: Lang): string {
  switch (node.kind) {
    case 'ask':
      return `${id}: ${node.prompt[lang]}`;
    case 'say':
      return `${id}: ${node.text[lang]}`;
    case 'branch':
      return `${id}?`;
    case 'lookup':
      return `${id}: look up ${node.what}`;
    case 'estimate':
      return `${id}: arrival estimate`;
    case 'application':
      return `${id}: application ${node.step}`;
    case 'article':
      return `${id}: article ${node.article}`;
    case 'handoff':
      return `${id}: hand over to a person`;
    case 'end':
      return `${id}: end${node.ask_solved ? ' (solved?)' : ''}`;
  }
}

function shape(id: string, node: FlowNode, lang: Lang): string {
  const l = quote(label(id, node, lang));
  if (node.kind === 'branch') return `${id}{${l}}`;
  if (node.kind === 'ask') return `${id}[/${l}/]`;
  if (node.kind === 'end' || node.kind === 'handoff') return `${id}([${l}])`;
  if (node.kind === 'lookup' || node.kind === 'estimate' || node.kind === 'application')
    return `${id}[[${l}]]`;
  return `${id}[${l}]`;
}

function edges(id: string, node: FlowNode, lang: Lang): string[] {
  switch (node.kind) {
    case 'ask': {
      const out = (node.options ?? [])
        .filter((o) => o.next)
        .map((o) => `${id} -->|${quote(o.label[lang])}| ${o.next}`);
      if (node.next) out.push(`${id} --> ${node.next}`);
      return out;
    }
    case 'branch':
      return [
        ...node.cases.map(
          (c, i) =>
            `${id} -->|${quote(`case ${i + 1}: ${JSON.stringify(c.when).replace(/[{}"]/g, '')}`)}| ${c.next}`,
        ),
        `${id} -->|else| ${node.else}`,
      ];
    case 'lookup':
      return (['found', 'not_found', 'unavailable', 'denied'] as const).map(
        (k) => `${id} -->|${k}| ${node[k]}`,
      );
    case 'application':
      return [
        ...Object.entries(node.outcomes).map(([k, next]) => `${id} -->|${k}| ${next}`),
        `${id} -->|else| ${node.else}`,
      ];
    default:
      return successors(node).map((s) => `${id} --> ${s}`);
  }
}

/** One tree as a Markdown page with a Mermaid flowchart, for a support lead to review. */
export function flowToMarkdown(flow: Flow, lang: Lang = 'zh'): string {
  const lines = ['flowchart TD'];
  for (const [id, node] of Object.entries(flow.nodes)) lines.push(`  ${shape(id, node, lang)}`);
  for (const [id, node] of Object.entries(flow.nodes))
    for (const e of edges(id, node, lang)) lines.push(`  ${e}`);
  const slots = Object.entries(flow.slots).map(([name, s]) => `\`${name}\` (${s.type})`);
  return `# ${flow.title.zh} / ${flow.title.en}

Generated from \`flows/${flow.id.replace(/_/g, '-')}.yml\` by \`npm run --silent cli -- graph\`; edit the YAML, not this page.

Starts on: ${flow.intents.map((i) => `\`${i}\``).join(', ')} · slots: ${slots.join(', ') || 'none'}

\`\`\`mermaid
${lines.join('\n')}
\`\`\`
`;
}
