// The test command's PostgreSQL cluster: reachable at pgUrl(), on 127.0.0.1 only, and fresh databases that are
// empty, independent of each other, and gone after drop().
import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { freshPgDatabase, pgUrl, type PgDatabase } from '../support/postgres.js';

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

const userTables = (client: pg.Client) =>
  client
    .query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
    .then((r) => r.rows.map((row) => row.name));

const databaseExists = (name: string) =>
  withClient(pgUrl(), (client) => client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]).then((r) => r.rowCount === 1));

const databaseName = (url: string) => new URL(url).pathname.slice(1);

describe('the throw-away PostgreSQL cluster', () => {
  const made: PgDatabase[] = [];
  const fresh = async () => {
    const db = await freshPgDatabase();
    made.push(db);
    return db;
  };
  afterEach(async () => {
    await Promise.all(made.splice(0).map((db) => db.drop()));
  });

  it('is reachable at pgUrl() as role paydesk, in database paydesk', async () => {
    const row = await withClient(pgUrl(), (client) =>
      client.query('SELECT current_user AS role, current_database() AS database').then((r) => r.rows[0]),
    );
    expect(row).toEqual({ role: 'paydesk', database: 'paydesk' });
  });

  it('listens on 127.0.0.1 only', async () => {
    expect(new URL(pgUrl()).hostname).toBe('127.0.0.1');
    const row = await withClient(pgUrl(), (client) =>
      client.query("SELECT current_setting('listen_addresses') AS listen, host(inet_server_addr()) AS server").then((r) => r.rows[0]),
    );
    expect(row).toEqual({ listen: '127.0.0.1', server: '127.0.0.1' });
  });

  it('says how to get a cluster when PAYDESK_TEST_PG_URL is missing', () => {
    vi.stubEnv('PAYDESK_TEST_PG_URL', '');
    try {
      expect(() => pgUrl()).toThrow(/npm test.*pg-cluster\.mjs start/s);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('gives an empty database of its own, which drop() removes even with a connection still open', async () => {
    const db = await freshPgDatabase();
    const name = databaseName(db.url);
    expect(name).toMatch(/^paydesk_test_[0-9a-f]{16}$/);

    const open = new pg.Client({ connectionString: db.url });
    open.on('error', () => {}); // the forced drop ends this connection
    await open.connect();
    expect((await open.query('SELECT current_database() AS name')).rows[0].name).toBe(name);
    expect(await userTables(open)).toEqual([]);
    expect(await databaseExists(name)).toBe(true);

    await db.drop();
    expect(await databaseExists(name)).toBe(false);
    await expect(open.query('SELECT 1')).rejects.toThrow();
    await open.end().catch(() => {});
  });

  it('gives two fresh databases that do not see each other', async () => {
    const [first, second] = await Promise.all([fresh(), fresh()]);
    expect(first.url).not.toBe(second.url);

    await withClient(first.url, async (client) => {
      await client.query('CREATE TABLE payments (payment_id text PRIMARY KEY, amount bigint NOT NULL)');
      await client.query('INSERT INTO payments VALUES ($1, $2)', ['pay_1', 1500]);
    });
    expect(await withClient(second.url, userTables)).toEqual([]);
    expect(await withClient(first.url, userTables)).toEqual(['payments']);
  });
});
