import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A random secret made once under DATA_DIR and kept (instances sharing DATA_DIR share it): the
 * embedded default where no secret is configured. Only for one instance: with REDIS_URL or
 * DATABASE_URL the configuration must give the secret (app/config.ts refuses to start otherwise).
 */
export function secretFile(dataDir: string, name: string): string {
  const file = path.join(dataDir, name);
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    // wx: two instances starting at once must not overwrite each other's secret
    try {
      writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return readFileSync(file, 'utf8').trim();
}
