// Numbered migrations of a team database, recorded in schema_migrations and run once, under a lock, by the first
// paydesk of a new version that connects; the others wait for it, then find nothing to do.
import pg from 'pg';
import { DatabaseFromFutureError } from '../db/migrate.js';
import type { Migration } from '../db/migrations/index.js';
import { sql as chargesWithoutIntent } from '../db/migrations/0009_charges_without_intent.js';
import { POSTGRES_BASELINE_VERSION, baselineSql } from './postgres-schema.js';

/**
 * The PostgreSQL history starts at the baseline, version 7 = SQLite's schema after 0007: versions 1-6 only ever
 * existed on SQLite. A later migration is added here and to main/core/db/migrations/ with the same number.
 */
export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  { version: POSTGRES_BASELINE_VERSION, name: '0007_baseline', sql: baselineSql },
  // SQLite's 0008 changes how SQLite stores payments (a rowid table again); PostgreSQL tables are heaps already.
  { version: 8, name: '0008_payments_with_rowid', sql: 'SELECT 1' },
  // The same CREATE INDEX as on SQLite, from the predicate the queries of both stores are built with.
  { version: 9, name: '0009_charges_without_intent', sql: chargesWithoutIntent },
  // SQLite's ledger indexes made covering for a first ledger's sums, which PostgreSQL computes from a table of the
  // file's new entries: nothing to change here.
  { version: 10, name: '0010_ledger_covering_indexes', sql: 'SELECT 1' },
];

/** Held by the migrating transaction (pg_advisory_xact_lock's two-key form, beside the store's WRITE_LOCK). */
const MIGRATION_LOCK = { classId: 7501, objectId: 2 };

const CREATE_SCHEMA_MIGRATIONS = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at BIGINT NOT NULL
)`;

export class TeamDatabaseFromFutureError extends DatabaseFromFutureError {
  constructor(found: number, known: number) {
    super(found, known);
    this.message = `this team database is at schema version ${found}, newer than this paydesk knows (${known}); update paydesk`;
  }
}

export interface PostgresMigrateOptions {
  /** Tests only: another list than POSTGRES_MIGRATIONS. */
  migrations?: readonly Migration[];
  now?: () => number;
}

export interface PostgresMigrateResult {
  from: number;
  to: number;
  applied: string[];
}

/** The highest migration recorded, 0 for a database that has none (no schema_migrations table yet). */
export async function postgresSchemaVersion(client: pg.ClientBase | pg.Pool): Promise<number> {
  const present = await client.query<{ present: boolean }>(`SELECT to_regclass('schema_migrations') IS NOT NULL AS present`);
  if (!present.rows[0].present) return 0;
  const result = await client.query<{ version: number }>('SELECT coalesce(max(version), 0) AS version FROM schema_migrations');
  return Number(result.rows[0].version);
}

/**
 * Brings the database to the newest version this paydesk knows, all pending migrations in one transaction. A
 * database already there is only read (a read-only user connects without error); one newer than this paydesk is
 * refused before anything is written.
 */
export async function migratePostgres(db: pg.ClientBase | pg.Pool, options: PostgresMigrateOptions = {}): Promise<PostgresMigrateResult> {
  const migrations = options.migrations ?? POSTGRES_MIGRATIONS;
  checkOrder(migrations);
  const known = migrations.at(-1)?.version ?? 0;
  const client = db instanceof pg.Pool ? await db.connect() : db;
  try {
    const seen = await postgresSchemaVersion(client);
    if (seen > known) throw new TeamDatabaseFromFutureError(seen, known);
    if (seen === known) return { from: seen, to: seen, applied: [] };
    return await migrateLocked(client, migrations, known, options.now ?? Date.now);
  } finally {
    if (client !== db) (client as pg.PoolClient).release();
  }
}

async function migrateLocked(client: pg.ClientBase, migrations: readonly Migration[], known: number, now: () => number): Promise<PostgresMigrateResult> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [MIGRATION_LOCK.classId, MIGRATION_LOCK.objectId]);
    await client.query(CREATE_SCHEMA_MIGRATIONS);
    // Read again under the lock: another paydesk may have migrated while this one waited for it.
    const current = await postgresSchemaVersion(client);
    if (current > known) throw new TeamDatabaseFromFutureError(current, known);
    const pending = migrations.filter((migration) => migration.version > current);
    for (const migration of pending) {
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [migration.version, migration.name, now()]);
    }
    await client.query('COMMIT');
    return { from: current, to: Math.max(current, known), applied: pending.map((migration) => migration.name) };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (index > 0 && migration.version <= migrations[index - 1].version) {
      throw new Error(`PostgreSQL migrations are not in ascending order at ${migration.name}`);
    }
  });
}
