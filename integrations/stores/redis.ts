import { createClient } from '@redis/client';
import type { Logger } from '../../contracts/logger.js';

/** A Redis connection of our own (keyv's client is not shared): locks, and messages between instances. */
export function createRedis(url: string, logger: Logger) {
  const client = createClient({ url, socket: { connectTimeout: 3000 } });
  client.on('error', (err: unknown) => logger.error({ err }, 'redis connection error'));
  return client;
}

export type Redis = ReturnType<typeof createRedis>;

/** redis://user:secret@host → redis://user:***@host, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
