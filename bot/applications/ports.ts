import type { Application, ApplicationEvent, ApplicationStatus, RefundJob } from './model.js';

/** An event as the service writes it: the store numbers it within its application. */
export type NewEvent = Omit<ApplicationEvent, 'application' | 'seq'>;

/** What one change to an application writes, all in one transaction. */
export interface Change {
  application: Application;
  events: NewEvent[];
  /**
   * The outbox: `enqueue` adds the refund job (once per application: a second enqueue is a no-op),
   * `done` removes it (written together with the result, so a crash cannot record one without the
   * other).
   */
  job?: 'enqueue' | 'done';
}

export interface ApplicationFilter {
  merchantNo?: string;
  reference?: string;
  status?: readonly ApplicationStatus[];
  limit?: number;
}

/**
 * Where applications, their timelines and the refund outbox live: a relational database (SQLite
 * file by default, PostgreSQL with DATABASE_URL). Every method is safe with several instances on
 * one database.
 */
export interface ApplicationStore {
  /** RA-YYYYMMDD-NNNN, never handed out twice, across instances. */
  nextNumber(now: Date): Promise<string>;
  /**
   * Inserts the application and its first events, unless an application for the same reference
   * is still open (not rejected, executed or failed): then nothing is written and that one comes
   * back. Atomic: two merchants' tabs submitting at once make one application.
   */
  create(
    application: Application,
    events: NewEvent[],
  ): Promise<{ created: true } | { created: false; existing: Application }>;
  get(number: string): Promise<Application | undefined>;
  /** Newest first. */
  list(filter?: ApplicationFilter): Promise<Application[]>;
  /** Oldest first. */
  events(number: string): Promise<ApplicationEvent[]>;
  /**
   * Reads the application with a write lock, asks `change` what to write (it must not do I/O:
   * it runs inside the transaction), and writes it; `undefined` writes nothing. Two instances
   * deciding at once: one sees the other's result.
   */
  update(
    number: string,
    change: (current: Application) => Change | undefined,
  ): Promise<{ outcome: 'updated' | 'unchanged'; application: Application } | { outcome: 'not_found' }>;
  /**
   * Takes the oldest due refund job for `leaseMs`: no other worker gets it until the lease ends
   * (a worker that died holding it is replaced once it has). Counts the attempt.
   */
  claimJob(now: Date, leaseMs: number): Promise<RefundJob | undefined>;
  /** Puts a claimed job back until `runAt` (the acquirer could not be reached). */
  retryJob(application: string, runAt: Date, error: string): Promise<void>;
  /** Jobs not done yet (for readiness, metrics and the operator). */
  pendingJobs(): Promise<RefundJob[]>;
}
