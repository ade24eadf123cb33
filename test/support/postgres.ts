import pg from 'pg';

/** The PostgreSQL every machine here runs (trust auth); TEST_PG_URL points elsewhere. */
export const PG = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

export interface PgDatabase {
  url: string;
  name: string;
  /** FORCE: a process a test killed may keep a connection for a moment. */
  drop(): Promise<void>;
}

/** Runs one statement on the server's maintenance database. */
async function admin(server: string, statement: string): Promise<void> {
  const c = new pg.Client({ connectionString: `${server}/postgres`, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.query(statement);
  } finally {
    await c.end().catch(() => undefined);
  }
}

/**
 * A database of its own for a test file or a bench run, named `{prefix}_{pid}_{time}` (each suite
 * its own prefix, so one suite's clean-up never drops another's). Undefined when PostgreSQL does
 * not answer: the caller skips its PostgreSQL half and says so — unless `requiredInCi` and CI is
 * set, where a missing PostgreSQL is a failure, not a skip.
 */
export async function freshPgDatabase(
  prefix: string,
  options: { requiredInCi?: boolean; quiet?: boolean; server?: string } = {},
): Promise<PgDatabase | undefined> {
  const server = options.server ?? PG;
  const name = `${prefix}_${process.pid}_${Date.now()}`;
  try {
    await admin(server, `CREATE DATABASE ${name}`);
  } catch {
    if (options.requiredInCi && process.env.CI)
      throw new Error(`CI needs PostgreSQL at ${server}, and it does not answer`);
    if (!options.quiet) console.warn(`PostgreSQL tests skipped (${prefix}): nothing answers at ${server}`);
    return undefined;
  }
  return {
    url: `${server}/${name}`,
    name,
    drop: () => admin(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
