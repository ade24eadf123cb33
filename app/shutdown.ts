/**
 * The parts a shutdown is still waiting for, by name: a shutdown that runs out of time says which
 * ones were still open ("channel widget", "database") instead of just stopping.
 */
export class ShutdownSteps {
  private readonly open = new Map<string, number>();

  /** Runs `close` as the step `name`, open until it settles. */
  async run<T>(name: string, close: () => Promise<T>): Promise<T> {
    this.open.set(name, (this.open.get(name) ?? 0) + 1);
    try {
      return await close();
    } finally {
      const left = (this.open.get(name) ?? 1) - 1;
      if (left > 0) this.open.set(name, left);
      else this.open.delete(name);
    }
  }

  /** What is still being closed, in the order it started. */
  stillOpen(): string[] {
    return [...this.open.keys()];
  }
}
