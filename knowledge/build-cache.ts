import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What start-up derives from content and can reuse on the next start: the intent model's fitted
 * temperature and the search indexes. Each entry is keyed by a hash of exactly what it was derived
 * from (the token streams, not the files), so a change to content or to the tokenizer misses the
 * cache instead of serving something stale. Lives in DATA_DIR/cache; losing it only costs time.
 */
export class BuildCache {
  constructor(private readonly dir: string | undefined) {}

  static key(parts: unknown): string {
    return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
  }

  get<T>(name: string, key: string): T | undefined {
    if (!this.dir) return undefined;
    try {
      const stored = JSON.parse(readFileSync(path.join(this.dir, `${name}.json`), 'utf8')) as {
        key: string;
        value: T;
      };
      return stored.key === key ? stored.value : undefined;
    } catch {
      return undefined;
    }
  }

  set(name: string, key: string, value: unknown): void {
    if (!this.dir) return;
    try {
      mkdirSync(this.dir, { recursive: true });
      const file = path.join(this.dir, `${name}.json`);
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify({ key, value }));
      renameSync(temp, file);
    } catch {
      // a read-only or full disk only costs the next start some time
    }
  }
}

let fingerprint: string | undefined;

/**
 * A hash of the knowledge package's own code (every module beside this one, as it runs: .ts under
 * tsx, .js from dist). Part of a key derived from raw content instead of from the tokens: a change to
 * the tokenizer, the gate or the entity parsers then misses the cache without anyone bumping a
 * version, while a start-up with the cache never has to tokenize the training examples (~300 ms).
 */
export function codeFingerprint(): string {
  if (fingerprint) return fingerprint;
  const self = fileURLToPath(import.meta.url);
  const ext = path.extname(self);
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith(ext)) hash.update(e.name).update(readFileSync(full));
    }
  };
  walk(path.dirname(self));
  fingerprint = hash.digest('hex').slice(0, 32);
  return fingerprint;
}
