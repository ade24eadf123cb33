import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

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
