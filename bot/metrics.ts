// What the core counts and times, as a port: integrations/observability implements it with
// prom-client, app/ wires it in. The core never imports a metrics library.

/** Each counter's labels. */
export interface CounterLabels {
  /** One per turn: the channel it came from and what was decided (`none`: an action or a flow step). */
  turns: { channel: string; decision: string };
  /** One per look-up, by how it ended. */
  lookups: { outcome: 'found' | 'not_found' | 'proof_failed' | 'locked' | 'unavailable' };
  /** One per call to the acquirer, by operation and how it ended. */
  acquirer_calls: { operation: string; outcome: string };
}

/** Each histogram's labels; values are seconds. */
export interface HistogramLabels {
  turn_seconds: { channel: string };
  acquirer_call_seconds: { operation: string };
}

export interface Metrics {
  count<N extends keyof CounterLabels>(name: N, labels: CounterLabels[N]): void;
  observe<N extends keyof HistogramLabels>(name: N, labels: HistogramLabels[N], seconds: number): void;
}

/** For tests and tools that compose the core without metrics. */
export const noMetrics: Metrics = { count() {}, observe() {} };

/** Seconds since `started` (a `performance.now()` reading). */
export const secondsSince = (started: number): number => (performance.now() - started) / 1000;
