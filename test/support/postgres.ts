// The throw-away PostgreSQL cluster the test command starts (scripts/pg-cluster.mjs), and one fresh database
// per test or suite in it, so PostgreSQL tests never see each other's rows.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The cluster's `paydesk` database. Missing means the PostgreSQL tests fail, never skip. */
export function pgUrl(): string {
  const url = process.env.PAYDESK_TEST_PG_URL;
  if (url) return url;
  throw new Error(
    'PAYDESK_TEST_PG_URL is not set: the test command starts a throw-away PostgreSQL cluster and sets it, so run ' +
      '`npm test`; or start one with `node scripts/pg-cluster.mjs start` and set PAYDESK_TEST_PG_URL to the url it ' +
      'prints (stop it with `node scripts/pg-cluster.mjs stop <dataDir>`).',
  );
}

export interface PgDatabase {
  url: string;
  drop(): Promise<void>;
}

/** One connection of its own to `url` for `work` (what a test does as the server's admin), closed after it. */
export async function withPgClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function onCluster(sql: string): Promise<void> {
  await withPgClient(pgUrl(), (client) => client.query(sql));
}

/** An empty database of its own; drop() removes it even while connections to it are still open. */
export async function freshPgDatabase(): Promise<PgDatabase> {
  // Our own random hex, never input: CREATE DATABASE takes no parameters for its name.
  const name = `paydesk_test_${randomBytes(8).toString('hex')}`;
  await onCluster(`CREATE DATABASE "${name}"`);
  const url = new URL(pgUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => onCluster(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}
