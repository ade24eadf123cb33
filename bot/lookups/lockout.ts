import type { Counters } from '../ports.js';

export interface LockoutOptions {
  counters: Counters;
  /** Failed proofs allowed per conversation, and per reference from any conversation. */
  maxFailures: number;
  /**
   * Failed proofs allowed per client address: much higher, since a mall's Wi-Fi or a carrier's NAT
   * puts many people behind one address; it only stops one machine trying across conversations.
   */
  maxAddressFailures: number;
  /** How long a lock (and the failure count) lasts. */
  windowMs: number;
}

/** Who is trying: the conversation, the reference being proved, and where the requests come from. */
export interface Attempt {
  conversationId: string;
  reference?: string | undefined;
  address?: string | undefined;
}

/**
 * Failed proofs (the amount or card digits of someone's payment) lock look-ups: for the
 * conversation and for the reference after a few, whichever conversations they came from (so one
 * reference cannot be guessed from many), and for a client address only at a much higher bar. The
 * counters are atomic, so a burst of guesses all count.
 */
export class Lockouts {
  constructor(private readonly options: LockoutOptions) {}

  private keys(a: Attempt): Array<{ key: string; max: number }> {
    const { maxFailures, maxAddressFailures } = this.options;
    return [
      { key: `conversation:${a.conversationId}`, max: maxFailures },
      ...(a.reference ? [{ key: `reference:${a.reference}`, max: maxFailures }] : []),
      ...(a.address ? [{ key: `address:${a.address}`, max: maxAddressFailures }] : []),
    ];
  }

  async locked(a: Attempt): Promise<boolean> {
    for (const { key, max } of this.keys(a)) {
      if ((await this.options.counters.get(key)) >= max) return true;
    }
    return false;
  }

  /** Counts a miss; whether look-ups are locked now. */
  async fail(a: Attempt): Promise<boolean> {
    let locked = false;
    for (const { key, max } of this.keys(a)) {
      const n = await this.options.counters.hit(key, this.options.windowMs);
      locked ||= n >= max;
    }
    return locked;
  }

  /** A proof that matched: the conversation starts afresh (the reference's count stays). */
  async clear(conversationId: string): Promise<void> {
    await this.options.counters.reset(`conversation:${conversationId}`);
  }
}
