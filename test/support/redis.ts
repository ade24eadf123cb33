import net from 'node:net';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Whether Redis answers at REDIS_URL. On a developer machine without Redis the Redis tests skip and
 * say why; in CI (CI=1, set by .ci/run) a missing Redis is a failure, never a silent skip.
 */
export async function redisAvailable(): Promise<boolean> {
  const { hostname, port } = new URL(REDIS_URL);
  const up = await new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || 6379) });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
  if (!up && process.env.CI) throw new Error(`CI needs Redis at ${REDIS_URL}, and it does not answer`);
  if (!up) console.warn(`Redis tests skipped: nothing answers at ${REDIS_URL}`);
  return up;
}

/** Each test process keeps to keys of its own, so runs side by side (or a crashed one) never meet. */
export const REDIS_KEY_PREFIX = `test-${process.pid}-${Date.now().toString(36)}:`;
