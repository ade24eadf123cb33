import type { Held } from '../ports.js';

/** Held in-process: nobody else can take it, so it is never lost. */
const HELD_HERE: Held = { confirm: async () => undefined, signal: new AbortController().signal };

/**
 * Runs tasks for the same key one after another, different keys in parallel. Two messages of one
 * conversation arriving together would otherwise both read the old state and one save would be lost.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, task: (held: Held) => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    // no one before: start now, without a hop through the microtask queue
    const result = previous ? previous.then(run, run) : run();
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await result;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }

    function run(): Promise<T> {
      try {
        return Promise.resolve(task(HELD_HERE));
      } catch (err) {
        return Promise.reject(err);
      }
    }
  }
}
