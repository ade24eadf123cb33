import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileTypeFromBuffer } from 'file-type';

/** What proof may be uploaded, by what the bytes are, not by what the name or the browser says. */
export const ALLOWED_TYPES: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/heic': 'heic',
  'application/pdf': 'pdf',
};

export type UploadCheck =
  | { ok: true; id: string; type: string; size: number }
  | { ok: false; reason: 'too_large' | 'wrong_type' | 'empty' };

/** Proof documents (receipts, invoices) under DATA_DIR/uploads, each under a random name. */
export class UploadStore {
  constructor(
    private readonly dir: string,
    readonly maxBytes: number,
  ) {}

  async save(bytes: Buffer): Promise<UploadCheck> {
    if (bytes.length === 0) return { ok: false, reason: 'empty' };
    if (bytes.length > this.maxBytes) return { ok: false, reason: 'too_large' };
    const detected = await fileTypeFromBuffer(bytes);
    const ext = detected && ALLOWED_TYPES[detected.mime];
    if (!detected || !ext) return { ok: false, reason: 'wrong_type' };
    const id = `${randomUUID()}.${ext}`;
    await mkdir(this.dir, { recursive: true });
    await writeFile(path.join(this.dir, id), bytes, { mode: 0o600 });
    return { ok: true, id, type: detected.mime, size: bytes.length };
  }

  async read(id: string): Promise<{ bytes: Buffer; type: string } | undefined> {
    const m = /^[0-9a-f-]{36}\.(jpg|png|webp|heic|pdf)$/.exec(id);
    if (!m) return undefined;
    const type = Object.entries(ALLOWED_TYPES).find(([, e]) => e === m[1])?.[0] ?? 'application/octet-stream';
    try {
      return { bytes: await readFile(path.join(this.dir, id)), type };
    } catch {
      return undefined;
    }
  }
}
