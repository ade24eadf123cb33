import type { Counters } from '../ports.js';

export interface LockoutOptions {
  counters: Counters;
  /** Failed verifications allowed before the lock. */
  maxFailures: number;
  /** How long the lock (and the failure count) lasts. */
  windowMs: number;
}

/**
 * Five verifications that do not match lock look-ups for that conversation and that client
 * address for 15 minutes: guessing a reference's amount or card digits must not be a game. The
 * counters are atomic (a burst of guesses all count).
 */
export class Lockouts {
  constructor(private readonly options: LockoutOptions) {}

  private keys(conversationId: string, address: string | undefined): string[] {
    return [`conversation:${conversationId}`, ...(address ? [`address:${address}`] : [])];
  }

  async locked(conversationId: string, address: string | undefined): Promise<boolean> {
    for (const key of this.keys(conversationId, address)) {
      if ((await this.options.counters.get(key)) >= this.options.maxFailures) return true;
    }
    return false;
  }

  /** Counts a miss; whether look-ups are locked now. */
  async fail(conversationId: string, address: string | undefined): Promise<boolean> {
    let locked = false;
    for (const key of this.keys(conversationId, address)) {
      const n = await this.options.counters.hit(key, this.options.windowMs);
      locked ||= n >= this.options.maxFailures;
    }
    return locked;
  }

  async clear(conversationId: string): Promise<void> {
    await this.options.counters.reset(`conversation:${conversationId}`);
  }
}
