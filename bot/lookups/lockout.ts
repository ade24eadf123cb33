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
 * reference cannot be guessed from many), and for a client address only at a much higher bar. A
 * try is counted (atomically) before its proof is checked, so a burst of guesses gets the limit.
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

  /**
   * Counts a try at a proof before the proof is checked: of a burst of guesses at once, only as
   * many as the limit get to be checked (reading the counts first and counting the misses after
   * let every guess of the burst through). 'locked': a count was at its limit already, the try is
   * given back and nothing may be checked; 'last': allowed, and a miss now locks; 'ok': allowed.
   */
  async take(a: Attempt): Promise<'ok' | 'last' | 'locked'> {
    const counted = await Promise.all(
      this.keys(a).map(async ({ key, max }) => ({
        key,
        max,
        n: await this.options.counters.hit(key, this.options.windowMs),
      })),
    );
    if (counted.some(({ n, max }) => n > max)) {
      // not a try: the counts stay the number of proofs checked
      await Promise.all(counted.map(({ key }) => this.options.counters.undo(key)));
      return 'locked';
    }
    return counted.some(({ n, max }) => n >= max) ? 'last' : 'ok';
  }

  /** A taken try whose proof could not be checked (the acquirer did not answer): not a try after all. */
  async giveBack(a: Attempt): Promise<void> {
    await Promise.all(this.keys(a).map(({ key }) => this.options.counters.undo(key)));
  }

  /** The proof of a taken try matched: the try is no miss (given back), and the conversation starts afresh. */
  async matched(a: Attempt): Promise<void> {
    await Promise.all(
      this.keys(a)
        .filter(({ key }) => !key.startsWith('conversation:'))
        .map(({ key }) => this.options.counters.undo(key)),
    );
    await this.clear(a.conversationId);
  }

  /** A proof that matched: the conversation starts afresh (the reference's count stays). */
  async clear(conversationId: string): Promise<void> {
    await this.options.counters.reset(`conversation:${conversationId}`);
  }
}
