// Where the development sets live and how a line is assigned to its half. Shared by build.ts (which
// writes them) and the eval report (which reads them).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { IntentId, Lang } from '../../../knowledge/index.js';

export interface DevCase {
  text: string;
  lang: Lang;
  intent: IntentId;
  /** Other intents that count as right (see labels.ts). */
  accept?: IntentId[];
  source: string;
  /** The source's own label. */
  label: string;
}

/** `tune`: thresholds and choices are made on it. `test`: only reported. */
export const SPLITS = ['tune', 'test'] as const;
export type Split = (typeof SPLITS)[number];
export const DEVSETS = ['banking77', 'clinc150', 'hwu64', 'zh-real-style'] as const;

const SEED = 'refund-assistant-devsets-v1';

/** Half of every set by a seeded hash of the text: stable across rebuilds and source orderings. */
export function splitOf(text: string): Split {
  const byte = createHash('sha256').update(`${SEED}:${text.trim().toLowerCase()}`).digest()[0] as number;
  return byte % 2 === 0 ? 'tune' : 'test';
}

export function devsetsDir(): string {
  return process.env.DEVSETS_DIR ?? path.join(os.tmpdir(), 'refund-assistant-devsets');
}

export function projectFile(relative: string): string {
  return path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..', relative);
}

/** The set's half, or undefined when it has not been built on this machine. */
export function readDevset(name: string, split: Split): DevCase[] | undefined {
  const file = path.join(devsetsDir(), `${name}.${split}.jsonl`);
  if (!existsSync(file)) return undefined;
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as DevCase);
}
