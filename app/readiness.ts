import type { Dependency } from '../contracts/errors.js';
import { RedisBus } from '../integrations/stores/bus.js';
import type { App } from './app.js';

export type CheckResult = 'ok' | 'down' | 'timeout';

export interface Readiness {
  ready: boolean;
  checks: Record<Dependency, CheckResult>;
}

/**
 * Whether this instance can serve a turn now: the state store answers (Redis PING, or the SQLite
 * file), the database answers `select 1`, and the bus's subscriber answers a PING (always, in-process).
 * The checks run side by side, each given `timeoutMs`: an answer within about that, whatever hangs.
 */
export async function readiness(app: App, timeoutMs = 1000): Promise<Readiness> {
  const { bus } = app;
  const [state, database, busCheck] = await Promise.all([
    check(() => app.state.ping(), timeoutMs),
    check(() => app.database.ping(), timeoutMs),
    check(async () => {
      if (bus instanceof RedisBus) await bus.ping();
    }, timeoutMs),
  ]);
  const checks = { state, database, bus: busCheck };
  return { ready: Object.values(checks).every((c) => c === 'ok'), checks };
}

async function check(probe: () => Promise<unknown>, timeoutMs: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    return await Promise.race([probe().then((): CheckResult => 'ok'), late]);
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}
