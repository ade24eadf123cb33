import type { Generated } from 'kysely';

// The tables, as Kysely sees them. Times are ISO 8601 UTC text (sortable the same way in SQLite
// and PostgreSQL); records are JSON text validated with the domain's zod schemas when read.

export interface ApplicationsTable {
  number: string;
  merchant_no: string;
  reference: string;
  status: string;
  /** The reference while the application is open, NULL once decided: UNIQUE keeps one open per payment. */
  open_reference: string | null;
  amount_fen: number;
  version: number;
  created_at: string;
  updated_at: string;
  record: string;
}

export interface ApplicationEventsTable {
  application: string;
  seq: number;
  at: string;
  kind: string;
  role: string;
  actor: string | null;
  data: string;
}

export interface RefundJobsTable {
  application: string;
  attempts: number;
  run_at: string;
  lease_until: string | null;
  last_error: string | null;
}

export interface SequencesTable {
  kind: string;
  day: string;
  n: number;
}

export interface TicketsTable {
  number: string;
  created_at: string;
  record: string;
}

export interface AuditTable {
  /** Numbered by the database. */
  id: Generated<number>;
  at: string;
  kind: string;
  record: string;
}

export interface UploadsTable {
  /** A random UUID and the extension of what the bytes are (`….pdf`): the name in file links. */
  id: string;
  /** NULL until the upload is recorded in a conversation (a new one gets its id from that). */
  conversation_id: string | null;
  /** The name the user's file had, masked (no card or phone numbers). */
  name: string;
  type: string;
  size: number;
  sha256: string;
  created_at: string;
  /** The bytes in the database; NULL when they are a file in the upload directory. */
  bytes: Buffer | null;
}

/** Insights for support leads (bot/insights): masked, hashed, one row per event. */
export interface InsightEventsTable {
  id: Generated<number>;
  at: string;
  /** YYYY-MM-DD in China. */
  day: string;
  kind: string;
  channel: string | null;
  lang: string | null;
  /** A hash of the conversation's id. */
  conversation: string | null;
  intent: string | null;
  decision: string | null;
  confidence: number | null;
  flow: string | null;
  node: string | null;
  article: string | null;
  /** The user's words, masked; only for unanswered questions. */
  text: string | null;
  outcome: string | null;
  /** A hash of a refund's or application's id. */
  subject: string | null;
  duration_ms: number | null;
  date_from: string | null;
  date_to: string | null;
  data: string | null;
}

/** Labelled unanswered questions waiting for (or past) export as training examples. */
export interface InsightLabelsTable {
  /** lang:keyOf(example) */
  key: string;
  lang: string;
  example: string;
  /** JSON array of masked wordings. */
  wordings: string;
  /** An intent id, or new_article. */
  label: string;
  count: number;
  /** pending | exported */
  status: string;
  labelled_at: string;
  exported_at: string | null;
  exported_to: string | null;
}

/** One row per day whose digest an instance took on. */
export interface InsightDigestsTable {
  /** YYYY-MM-DD, the day reported on. */
  day: string;
  claimed_at: string;
  posted_at: string | null;
}

/** A settled day's funnel counts: turns that reached each node of each tree, per channel. */
export interface InsightFunnelDaysTable {
  day: string;
  /** '' for events without one. */
  channel: string;
  flow: string;
  node: string;
  reached: number;
  ended: number;
}

/** The days a roll-up (by name) has done. */
export interface InsightRollupsTable {
  name: string;
  day: string;
}

export interface Schema {
  applications: ApplicationsTable;
  application_events: ApplicationEventsTable;
  refund_jobs: RefundJobsTable;
  sequences: SequencesTable;
  tickets: TicketsTable;
  audit: AuditTable;
  uploads: UploadsTable;
  insight_events: InsightEventsTable;
  insight_labels: InsightLabelsTable;
  insight_digests: InsightDigestsTable;
  insight_funnel_days: InsightFunnelDaysTable;
  insight_rollups: InsightRollupsTable;
}
