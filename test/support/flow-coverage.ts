// vitest globalSetup: every test app records the flow steps it takes; at the end of the run this
// prints how much of each tree the tests walked (nodes, and branches: the ways out of questions,
// branch and look-up nodes).
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    flowCoverageDir: string;
  }
}

export default function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ra-flow-coverage-'));
  project.provide('flowCoverageDir', dir);
  return async () => {
    const { loadFlows, successorsOf } = await import('../../flows/engine/index.js');
    const { loadContent } = await import('../../knowledge/index.js');
    const flows = loadFlows({ articleIds: new Set(loadContent().articles.map((a) => a.id)) });
    const seen = new Set<string>();
    for (const f of readdirSync(dir))
      for (const line of readFileSync(path.join(dir, f), 'utf8').split('\n')) if (line) seen.add(line);
    rmSync(dir, { recursive: true, force: true });
    let nodes = 0;
    let nodesSeen = 0;
    let branches = 0;
    let branchesSeen = 0;
    const lines: string[] = [];
    for (const flow of flows) {
      const ids = Object.keys(flow.nodes);
      const visited = ids.filter((id) =>
        [...seen].some((s) => s.startsWith(`${flow.id} `) && s.endsWith(` ${id}`)),
      );
      const edges = ids.flatMap((id) => {
        const node = flow.nodes[id];
        if (!node || !['ask', 'branch', 'lookup'].includes(node.kind)) return [];
        return [...new Set(successorsOf(node))].map((to) => `${flow.id} ${id} ${to}`);
      });
      const edgesSeen = edges.filter((e) => seen.has(e));
      nodes += ids.length;
      nodesSeen += visited.length;
      branches += edges.length;
      branchesSeen += edgesSeen.length;
      lines.push(
        `  ${flow.id.padEnd(22)} nodes ${visited.length}/${ids.length}, branches ${edgesSeen.length}/${edges.length}`,
      );
    }
    console.log(
      `\nFlow coverage by tests: ${flows.length} trees, nodes ${nodesSeen}/${nodes}, branches ${branchesSeen}/${branches}`,
    );
    console.log(lines.join('\n'));
  };
}

/** For test apps: records one step (flow, from, to) to this run's coverage directory. */
export function recordFlowStep(dir: string | undefined) {
  return (flow: string, from: string | undefined, to: string) => {
    if (dir) appendFileSync(path.join(dir, `${process.pid}.txt`), `${flow} ${from ?? '-'} ${to}\n`);
  };
}
