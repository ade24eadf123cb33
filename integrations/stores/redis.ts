import { createClient } from '@redis/client';
import type { Logger } from '../../contracts/logger.js';

export interface RedisOptions {
  /**
   * How long a command may wait to be sent, and a connection attempt may take, before it fails
   * (StateStore also gives each of its calls this long to be answered): a turn that needs Redis
   * ends in "please try again" within about this, never hangs.
   */
  commandTimeoutMs?: number;
  /** For log lines: which connection this is (state, bus). */
  role?: string;
}

/** Before the first connection: attempts (about 4 s of them) before the start fails, saying so. */
const START_ATTEMPTS = 8;

/**
 * The silence after which a connection is taken for dead. Not the command timeout: Node's socket
 * timer fires after any pause of the event loop that long (a key pair generated at start, say),
 * even with the answer already waiting to be read, and would cut a healthy connection.
 */
const SILENCE_MS = 10_000;

/**
 * A Redis connection of our own: state, locks, counters, and messages between instances. Tuned to
 * fail fast and heal by itself:
 * - while the connection is down, a command is refused at once (no offline queue that would hold
 *   every turn until Redis returns); once connected, a command waits at most `commandTimeoutMs` to
 *   be written;
 * - a connection that stops answering (a hung server, a dropped network) is cut after 10 s of
 *   silence (or five command timeouts, if longer), failing what waits on it; a PING every second
 *   keeps a healthy idle connection from looking silent;
 * - after a connection is lost, reconnects forever, backing off to once a second;
 * - at start, gives up after a few attempts, so a wrong REDIS_URL stops the start instead of
 *   hanging it.
 */
export function createRedis(url: string, logger: Logger, options: RedisOptions = {}) {
  const timeout = options.commandTimeoutMs ?? 2000;
  const role = options.role ?? 'state';
  let everReady = false;
  let lostAt: number | undefined;
  const client = createClient({
    url,
    disableOfflineQueue: true,
    // a Redis that is slow, not down: what cannot be sent soon is refused rather than piled up
    commandsQueueMaxLength: 10_000,
    commandOptions: { timeout },
    pingInterval: 1000,
    socket: {
      connectTimeout: timeout,
      socketTimeout: Math.max(SILENCE_MS, 5 * timeout),
      reconnectStrategy: (retries, cause) => {
        if (!everReady && retries >= START_ATTEMPTS - 1) return cause;
        return Math.min(50 * 2 ** retries, 1000) + Math.floor(Math.random() * 100);
      },
    },
  });
  // one line when the connection is lost and one when it is back, not one per reconnect attempt
  client.on('error', (err: unknown) => {
    if (!everReady) return; // the start reports it (StateStore.open)
    if (lostAt === undefined) {
      lostAt = Date.now();
      logger.error({ err, redis: role }, 'redis connection lost; commands fail until it is back');
    } else logger.debug({ err, redis: role }, 'redis still unreachable');
  });
  client.on('ready', () => {
    everReady = true;
    if (lostAt !== undefined)
      logger.info({ redis: role, downMs: Date.now() - lostAt }, 'redis connection restored');
    lostAt = undefined;
  });
  // every keyv namespace listens on the one state connection
  client.setMaxListeners(50);
  return client;
}

export type Redis = ReturnType<typeof createRedis>;

/** redis://user:secret@host → redis://user:***@host, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
