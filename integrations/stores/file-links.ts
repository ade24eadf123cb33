import { createHmac, timingSafeEqual } from 'node:crypto';
import { secretFile } from './secret-file.js';

/**
 * Links to an uploaded proof document for agents (in a Slack thread): signed and expiring, so the
 * file is not public and a link cannot be altered to reach another one.
 */
export class FileLinks {
  private readonly key: Buffer;

  constructor(
    secret: string,
    private readonly ttlMs = 7 * 86_400_000,
  ) {
    this.key = Buffer.from(secret);
  }

  /**
   * From FILE_LINK_SECRET (every instance of a deployment the same, so a link made on one opens on
   * any); without it, a secret made once under DATA_DIR: enough for one instance.
   */
  static create(options: { secret?: string | undefined; dataDir: string }): FileLinks {
    return new FileLinks(options.secret ?? secretFile(options.dataDir, 'file-link-secret'));
  }

  /** `/files/ID?exp=…&sig=…`, to be put after the public base URL. */
  path(id: string, now: Date): string {
    const exp = Math.floor((now.getTime() + this.ttlMs) / 1000);
    return `/files/${encodeURIComponent(id)}?exp=${exp}&sig=${this.sign(id, exp)}`;
  }

  verify(id: string, exp: string | undefined, sig: string | undefined, now: Date): boolean {
    if (!exp || !sig || !/^\d{1,12}$/.test(exp)) return false;
    if (Number(exp) * 1000 < now.getTime()) return false;
    const expected = Buffer.from(this.sign(id, Number(exp)));
    const given = Buffer.from(sig);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private sign(id: string, exp: number): string {
    return createHmac('sha256', this.key).update(`${id}\n${exp}`).digest('base64url');
  }
}
