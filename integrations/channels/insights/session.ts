import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'insights_session';

/** The secret, compared in constant time (its length shows, nothing else). */
export function secretMatches(given: unknown, secret: string): boolean {
  if (typeof given !== 'string') return false;
  const a = createHmac('sha256', 'insights-login').update(given).digest();
  const b = createHmac('sha256', 'insights-login').update(secret).digest();
  return timingSafeEqual(a, b);
}

/**
 * The key @fastify/cookie signs sessions with: derived from INSIGHTS_SECRET, so a new secret ends
 * every session at once.
 */
export function cookieKey(secret: string): string {
  return createHmac('sha256', secret).update('insights-session-cookie').digest('base64url');
}

/** A session's cookie value before signing: when it ends, and a random part. */
export function newSession(now: Date, hours: number): { value: string; maxAge: number } {
  const until = now.getTime() + hours * 3_600_000;
  return { value: `${until}.${randomBytes(12).toString('base64url')}`, maxAge: hours * 3600 };
}

/** An unsigned (already verified) value is a session until its end. */
export function sessionLive(value: string | null | undefined, now: Date): boolean {
  const until = Number(value?.split('.')[0]);
  return Number.isFinite(until) && until > now.getTime();
}
