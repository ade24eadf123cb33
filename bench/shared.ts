// What every section shares: the labelled messages, the percentile and the time format.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../knowledge/index.js';

/** The labelled messages of test/eval/intents.jsonl (zh and en), in file order. */
export const messages: string[] = readFileSync(
  path.join(projectRoot, 'test', 'eval', 'intents.jsonl'),
  'utf8',
)
  .split('\n')
  .filter(Boolean)
  .map((l) => (JSON.parse(l) as { text: string }).text);

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export const fmt = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`);

/** The secrets every instance of a deployment sharing Redis or PostgreSQL must be given. */
export const SHARED_SECRETS = {
  WIDGET_TOKEN_SECRET: 'bench-widget-token-secret-shared-by-every-instance',
  FILE_LINK_SECRET: 'bench-file-link-secret-shared-by-every-instance',
} as const;
