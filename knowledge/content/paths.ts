import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Source (vitest, tsx) and compiled code (dist/) sit at different depths; content files stay in the
// source tree, so find the package root instead of counting "../".
function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json not found above knowledge/content');
    dir = parent;
  }
  return dir;
}

export const projectRoot = findRoot();
export const knowledgeDir = path.join(projectRoot, 'knowledge');
