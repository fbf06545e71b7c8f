// The team database's schema is SQLite's, table for table (main/core/store/postgres-schema.ts), and its migrations
// run once under a lock, refuse a newer database, and keep review_log append-only.
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseFromFutureError, migrate } from '../../main/core/db/migrate.js';
import { KEY_INDEXES } from '../../main/core/db/key-indexes.js';
import { MIGRATIONS } from '../../main/core/db/migrations/index.js';
import { POSTGRES_MIGRATIONS, migratePostgres, postgresSchemaVersion } from '../../main/core/store/postgres-migrate.js';
import { POSTGRES_ONLY_TABLES, SCHEMA_TABLES } from '../../main/core/store/postgres-schema.js';
import { freshPgDatabase, type PgDatabase } from '../support/postgres.js';

interface ColumnShape {
  name: string;
  type: string;
  notNull: boolean;
  generated: boolean;
}

interface TableShape {
  columns: ColumnShape[];
  primaryKey: string[];
  indexes: string[];
}

const SQLITE_TO_POSTGRES_TYPE: Record<string, string> = { INTEGER: 'bigint', TEXT: 'text' };

function sqliteSchema(): Map<string, TableShape> {
  const db = new BetterSqlite3(':memory:');
  migrate(db);
  const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).pluck().all() as string[];
  const schema = new Map<string, TableShape>();
  for (const table of tables) {
    const columns = db.prepare('SELECT name, type, "notnull", pk, hidden FROM pragma_table_xinfo(?) ORDER BY cid').all(table) as {
      name: string; type: string; notnull: number; pk: number; hidden: number;
    }[];
    // SQLite keys payments and ledger entries by a unique index of their own (db/key-indexes.ts): PostgreSQL's PRIMARY KEY.
    const keyIndex: string | undefined = KEY_INDEXES[table as keyof typeof KEY_INDEXES];
    const indexes = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name`).pluck().all(table) as string[];
    const keyColumns = keyIndex
      ? (db.prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno').pluck().all(keyIndex) as string[])
      : columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
    if (keyIndex) expect(db.prepare('SELECT "unique" FROM pragma_index_list(?) WHERE name = ?').pluck().get(table, keyIndex)).toBe(1);
    schema.set(table, {
      // A primary key column is NOT NULL on PostgreSQL; SQLite lets a rowid table's TEXT key be NULL, paydesk never does.
      columns: columns.map((c) => ({ name: c.name, type: SQLITE_TO_POSTGRES_TYPE[c.type] ?? c.type, notNull: c.notnull === 1 || c.pk > 0, generated: c.hidden >= 2 })),
      primaryKey: keyColumns,
      indexes: indexes.filter((name) => name !== keyIndex),
    });
  }
  db.close();
  return schema;
}

async function postgresSchema(client: pg.Client): Promise<Map<string, TableShape>> {
  const tables = (await client.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
  )).rows.map((row) => row.table_name);
  const schema = new Map<string, TableShape>();
  for (const table of tables) {
    const columns = (await client.query<{ column_name: string; data_type: string; is_nullable: string; is_generated: string }>(
      `SELECT column_name, data_type, is_nullable, is_generated FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
      [table],
    )).rows;
    const primaryKey = (await client.query<{ attname: string }>(
      `SELECT a.attname FROM pg_index x CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, n)
       JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
       WHERE x.indrelid = $1::regclass AND x.indisprimary ORDER BY k.n`,
      [table],
    )).rows.map((row) => row.attname);
    // Indexes named in the schema; those PostgreSQL makes for PRIMARY KEY and UNIQUE are SQLite's sqlite_autoindex_*.
    const indexes = (await client.query<{ indexname: string }>(
      `SELECT i.indexname FROM pg_indexes i
       WHERE i.schemaname = current_schema() AND i.tablename = $1
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)
       ORDER BY i.indexname`,
      [table],
    )).rows.map((row) => row.indexname);
    schema.set(table, {
      columns: columns.map((c) => ({ name: c.column_name, type: c.data_type, notNull: c.is_nullable === 'NO', generated: c.is_generated === 'ALWAYS' })),
      primaryKey,
      indexes,
    });
  }
  return schema;
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

describe('the team database schema', () => {
  let database: PgDatabase;
  let client: pg.Client;

  beforeAll(async () => {
    database = await freshPgDatabase();
    client = await connect(database.url);
    await migratePostgres(client);
  });

  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  it('has the same version as SQLite, with its own history starting at the baseline', async () => {
    expect(POSTGRES_MIGRATIONS.at(-1)?.version).toBe(MIGRATIONS.length);
    expect(await postgresSchemaVersion(client)).toBe(MIGRATIONS.length);
    const recorded = await client.query('SELECT version, name FROM schema_migrations ORDER BY version');
    expect(recorded.rows).toEqual(POSTGRES_MIGRATIONS.map(({ version, name }) => ({ version, name })));
    expect(recorded.rows[0]).toEqual({ version: 7, name: '0007_baseline' });
  });

  it('has the same tables as migrated SQLite, and SCHEMA_TABLES lists them all', async () => {
    const sqlite = sqliteSchema();
    const postgres = await postgresSchema(client);
    expect([...postgres.keys()].sort()).toEqual([...sqlite.keys(), ...POSTGRES_ONLY_TABLES].sort());
    expect([...SCHEMA_TABLES].sort()).toEqual([...sqlite.keys()].sort());
  });

  it('has per table the same columns (order, type, nullability, generated), primary key and index names', async () => {
    const sqlite = sqliteSchema();
    const postgres = await postgresSchema(client);
    for (const [table, shape] of sqlite) expect({ table, ...postgres.get(table) }).toEqual({ table, ...shape });
  });

  it('keeps the append-only triggers of review_log', async () => {
    await client.query(`INSERT INTO review_log (kind, key, decision, reviewer, decided_at, recorded_at, source)
      VALUES ('stuck', 'pay_1', 'wait', 'ana', 1, 2, 'user')`);
    await expect(client.query(`UPDATE review_log SET decision = 'refund'`)).rejects.toThrow('review_log is append-only');
    await expect(client.query('DELETE FROM review_log')).rejects.toThrow('review_log is append-only');
    await expect(client.query('TRUNCATE review_log')).rejects.toThrow('review_log is append-only');
    expect((await client.query('SELECT decision FROM review_log')).rows).toEqual([{ decision: 'wait' }]);
  });

  it('computes returned_cents as SQLite does', async () => {
    await client.query(`INSERT INTO payments (id, amount_cents, currency, status, created_at, updated_at, import_id, amount_refunded_cents, dispute_status, disputed_amount_cents)
      VALUES ('full', 1000, 'usd', 'refunded', 1, 1, 1, NULL, NULL, NULL), ('part', 1000, 'usd', 'partially_refunded', 1, 1, 1, 300, 'lost', NULL),
             ('kept', 1000, 'usd', 'succeeded', 1, 1, 1, NULL, 'won', 1000)`);
    const rows = (await client.query(`SELECT id, returned_cents FROM payments ORDER BY id`)).rows;
    expect(rows).toEqual([{ id: 'full', returned_cents: '1000' }, { id: 'kept', returned_cents: '0' }, { id: 'part', returned_cents: '1300' }]);
  });
});

describe('team database migrations', () => {
  const known = POSTGRES_MIGRATIONS.at(-1)!.version;
  const next = known + 1;
  const applied = POSTGRES_MIGRATIONS.map((migration) => migration.name);

  it('run once when two paydesks connect to a new database at the same time', async () => {
    const database = await freshPgDatabase();
    const [a, b] = [await connect(database.url), await connect(database.url)];
    try {
      // A slow second migration keeps the first paydesk's transaction open while the other one arrives.
      const slow = [...POSTGRES_MIGRATIONS, { version: next, name: 'next_slow', sql: 'SELECT pg_sleep(0.5); CREATE TABLE slow_marker (id BIGINT)' }];
      const results = await Promise.all([migratePostgres(a, { migrations: slow }), migratePostgres(b, { migrations: slow })]);
      expect(results.map((r) => r.applied).sort()).toEqual([[], [...applied, 'next_slow']]);
      const recorded = await a.query('SELECT version, count(*)::int AS n FROM schema_migrations GROUP BY version ORDER BY version');
      expect(recorded.rows).toEqual(slow.map(({ version }) => ({ version, n: 1 })));
    } finally {
      await Promise.all([a.end(), b.end()]);
      await database.drop();
    }
  });

  it('leave a database at the current version alone', async () => {
    const database = await freshPgDatabase();
    const client = await connect(database.url);
    try {
      await migratePostgres(client, { now: () => 1000 });
      expect(await migratePostgres(client, { now: () => 2000 })).toEqual({ from: known, to: known, applied: [] });
      expect((await client.query('SELECT applied_at FROM schema_migrations')).rows).toEqual(POSTGRES_MIGRATIONS.map(() => ({ applied_at: '1000' })));
    } finally {
      await client.end();
      await database.drop();
    }
  });

  it('refuse a database newer than this paydesk, saying which version it is at', async () => {
    const database = await freshPgDatabase();
    const client = await connect(database.url);
    try {
      await migratePostgres(client);
      await client.query(`INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, 'from_the_future', 0)`, [next]);
      const refusal = migratePostgres(client);
      await expect(refusal).rejects.toThrow(DatabaseFromFutureError);
      await expect(migratePostgres(client)).rejects.toThrow(
        `this team database is at schema version ${next}, newer than this paydesk knows (${known}); update paydesk`,
      );
    } finally {
      await client.end();
      await database.drop();
    }
  });

  it('apply nothing of a migration list that fails halfway', async () => {
    const database = await freshPgDatabase();
    const client = await connect(database.url);
    try {
      const broken = [...POSTGRES_MIGRATIONS, { version: next, name: 'next_broken', sql: 'SELECT nonsense FROM nowhere' }];
      await expect(migratePostgres(client, { migrations: broken })).rejects.toThrow(/nowhere/);
      expect(await postgresSchemaVersion(client)).toBe(0);
      expect((await client.query(`SELECT to_regclass('payments') AS found`)).rows).toEqual([{ found: null }]);
    } finally {
      await client.end();
      await database.drop();
    }
  });
});
