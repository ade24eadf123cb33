import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { CounterLabels, HistogramLabels, Metrics } from '../../bot/metrics.js';

/** What the gauges read when Prometheus scrapes (each optional: a part not composed reads nothing). */
export interface Probes {
  /** Hand-overs no agent has claimed yet. */
  handoffsWaiting(): Promise<number>;
  /** Refund jobs queued or leased, not finished. */
  refundJobsPending(): Promise<number>;
  /** Each circuit breaker by name, open (or half-open) or not. */
  breakers(): Array<{ name: string; open: boolean }>;
  /** Widget WebSockets held open on this instance. */
  widgetSockets(): number;
}

const PREFIX = 'refund_assistant_';
// a turn is milliseconds to a second; an acquirer call up to its timeout and retries
const TURN_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const CALL_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The core's Metrics port on a prom-client registry of its own (one per app, so several apps in one
 * process, as in the tests, do not collide), with the gauges read from the probes on scrape.
 */
export class PromMetrics implements Metrics {
  readonly registry = new Registry();
  private probes: Partial<Probes> = {};
  private defaults = false;
  private readonly counters: { [N in keyof CounterLabels]: Counter<string> };
  private readonly histograms: { [N in keyof HistogramLabels]: Histogram<string> };

  constructor() {
    const registers = [this.registry];
    this.counters = {
      turns: new Counter({
        name: `${PREFIX}turns_total`,
        help: 'Turns answered, by channel and decision',
        labelNames: ['channel', 'decision'],
        registers,
      }),
      lookups: new Counter({
        name: `${PREFIX}lookups_total`,
        help: 'Status look-ups, by outcome',
        labelNames: ['outcome'],
        registers,
      }),
      acquirer_calls: new Counter({
        name: `${PREFIX}acquirer_calls_total`,
        help: 'Calls to the acquirer, by operation and outcome',
        labelNames: ['operation', 'outcome'],
        registers,
      }),
    };
    this.histograms = {
      turn_seconds: new Histogram({
        name: `${PREFIX}turn_duration_seconds`,
        help: 'Time to answer a turn, by channel',
        labelNames: ['channel'],
        buckets: TURN_BUCKETS,
        registers,
      }),
      acquirer_call_seconds: new Histogram({
        name: `${PREFIX}acquirer_call_duration_seconds`,
        help: 'Time of a call to the acquirer (retries included), by operation',
        labelNames: ['operation'],
        buckets: CALL_BUCKETS,
        registers,
      }),
    };
    const probes = () => this.probes;
    const read = async (gauge: Gauge<string>, get: (() => Promise<number> | number) | undefined) => {
      if (!get) return;
      // a store that does not answer leaves the last value rather than failing the whole scrape
      const value = await Promise.resolve()
        .then(get)
        .catch(() => undefined);
      if (value !== undefined) gauge.set(value);
    };
    new Gauge({
      name: `${PREFIX}handoffs_waiting`,
      help: 'Hand-overs waiting for an agent to claim them',
      registers,
      async collect() {
        await read(this, probes().handoffsWaiting);
      },
    });
    new Gauge({
      name: `${PREFIX}refund_jobs_pending`,
      help: 'Refund jobs not finished yet',
      registers,
      async collect() {
        await read(this, probes().refundJobsPending);
      },
    });
    new Gauge({
      name: `${PREFIX}widget_sockets_open`,
      help: 'Widget WebSockets open on this instance',
      registers,
      async collect() {
        await read(this, probes().widgetSockets);
      },
    });
    new Gauge({
      name: `${PREFIX}circuit_open`,
      help: 'A circuit breaker open (1) or closed (0)',
      labelNames: ['breaker'],
      registers,
      collect() {
        for (const b of probes().breakers?.() ?? []) this.set({ breaker: b.name }, b.open ? 1 : 0);
      },
    });
  }

  count<N extends keyof CounterLabels>(name: N, labels: CounterLabels[N]): void {
    this.counters[name].inc(labels);
  }

  observe<N extends keyof HistogramLabels>(name: N, labels: HistogramLabels[N], seconds: number): void {
    this.histograms[name].observe(labels, seconds);
  }

  /** Adds (or replaces) what the gauges read. */
  probe(probes: Partial<Probes>): void {
    this.probes = { ...this.probes, ...probes };
  }

  /** Process metrics (CPU, memory, event loop, GC): for a server, not for a one-off CLI command. */
  collectDefaults(): void {
    if (this.defaults) return;
    this.defaults = true;
    collectDefaultMetrics({ register: this.registry });
  }

  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
