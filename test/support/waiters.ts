/**
 * Waiting for something a stand-in or a socket records: checked now and whenever it records
 * more (no polling delay in what the tests and benchmarks measure), given up after `ms`.
 */
export class Waiters {
  private readonly waiting = new Set<() => void>();

  /** Something new was recorded: every waiter looks again. */
  notify(): void {
    for (const w of this.waiting) w();
  }

  until<T>(find: () => T | undefined, describe: () => string, ms: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const found = find();
        if (found === undefined) return;
        this.waiting.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        this.waiting.delete(check);
        reject(new Error(describe()));
      }, ms);
      this.waiting.add(check);
      check();
    });
  }
}
