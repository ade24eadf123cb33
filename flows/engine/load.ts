import { readdirSync } from 'node:fs';
import path from 'node:path';
import { projectRoot, readYaml } from '../../knowledge/index.js';
import { checkFlow } from './check.js';
import { type Flow, flowSchema } from './schema.js';

export const flowsDir = path.join(projectRoot, 'flows');

export class FlowProblems extends Error {
  override name = 'FlowProblems';
  constructor(readonly problems: string[]) {
    super(`Flows have ${problems.length} problem(s):\n- ${problems.join('\n- ')}`);
  }
}

export interface LoadFlowsOptions {
  dir?: string;
  articleIds: ReadonlySet<string>;
}

/** Reads every `flows/*.yml`, validates each, and checks them together (one flow per intent). */
export function loadFlows({ dir = flowsDir, articleIds }: LoadFlowsOptions): Flow[] {
  const problems: string[] = [];
  const flows: Flow[] = [];
  for (const name of readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .sort()) {
    const file = `flows/${name}`;
    const flow = readYaml(path.join(dir, name), flowSchema, problems, file);
    if (!flow) continue;
    if (`${flow.id.replace(/_/g, '-')}.yml` !== name) {
      problems.push(`${file}: id "${flow.id}" should match the file name`);
    }
    problems.push(...checkFlow(flow, { articleIds }, file));
    flows.push(flow);
  }
  const owner = new Map<string, string>();
  for (const f of flows) {
    for (const intent of f.intents) {
      const other = owner.get(intent);
      if (other) problems.push(`intent ${intent} starts both ${other} and ${f.id}`);
      owner.set(intent, f.id);
    }
  }
  if (problems.length) throw new FlowProblems(problems);
  return flows;
}
