import type { FastifyInstance } from 'fastify';

/** A multipart body as the widget sends it: its fields first, then the file. */
export function multipart(name: string, bytes: Buffer, fields: Record<string, string | undefined> = {}) {
  const boundary = 'xXx-upload-boundary';
  const parts = Object.entries(fields)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  return {
    payload: Buffer.concat([
      Buffer.from(parts.join('') + head),
      bytes,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/** A PDF (by its bytes) of about `size` bytes, different each time. */
export function pdf(size = 64): Buffer {
  const head = Buffer.from(`%PDF-1.4\n% ${Math.random()}\n`);
  return Buffer.concat([head, Buffer.alloc(Math.max(0, size - head.length), 0x20)]);
}

export interface Uploaded {
  status: number;
  conversationId?: string;
  id?: string;
  error?: { code: string; message: string };
}

/** POST /api/upload, and what came back. */
export async function upload(
  server: FastifyInstance,
  bytes: Buffer,
  fields: { conversationId?: string | undefined; locale?: string } = {},
  options: { name?: string; headers?: Record<string, string> } = {},
): Promise<Uploaded> {
  const body = multipart(options.name ?? '发票.pdf', bytes, fields);
  const res = await server.inject({
    method: 'POST',
    url: '/api/upload',
    payload: body.payload,
    headers: { ...body.headers, ...options.headers },
  });
  const json = res.json() as {
    conversationId?: string;
    messages?: Array<{ attachment?: { id: string } }>;
    error?: { code: string; message: string };
  };
  return {
    status: res.statusCode,
    ...(json.conversationId && { conversationId: json.conversationId }),
    ...(json.messages?.[0]?.attachment && { id: json.messages[0].attachment.id }),
    ...(json.error && { error: json.error }),
  };
}
