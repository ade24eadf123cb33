import { mkdirSync } from 'node:fs';
import path from 'node:path';
import KeyvRedis from '@keyv/redis';
import KeyvSqlite from '@keyv/sqlite';
import Keyv from 'keyv';
import type { Logger } from '../logger.js';

export interface KeyvOptions {
  dataDir: string;
  redisUrl?: string | undefined;
  namespace: string;
  logger: Logger;
}

/**
 * The one place that picks the durable store: a SQLite file under DATA_DIR by default (nothing to
 * install), Redis when REDIS_URL is set (shared by every instance).
 */
export function createKeyv<T>({ dataDir, redisUrl, namespace, logger }: KeyvOptions): Keyv<T> {
  let store: ConstructorParameters<typeof Keyv>[0];
  if (redisUrl) {
    store = new KeyvRedis(redisUrl, { throwOnConnectError: false, connectionTimeout: 2000 });
  } else {
    mkdirSync(dataDir, { recursive: true });
    store = new KeyvSqlite({
      uri: `sqlite://${path.join(dataDir, 'state.sqlite')}`,
      table: 'keyv',
      busyTimeout: 5000,
    });
  }
  const keyv = new Keyv<T>({ store, namespace, useKeyPrefix: !redisUrl });
  // Without a listener a store failure would be an uncaught 'error' event and take the process down.
  keyv.on('error', (err: unknown) => logger.error({ err, namespace }, 'state store error'));
  return keyv;
}
