// A database at an older schema version, for migration tests.
import BetterSqlite3 from 'better-sqlite3';
import { migrate } from '../../main/core/db/migrate.js';
import { MIGRATIONS } from '../../main/core/db/migrations/index.js';
import { testStore, type TestDb } from './db.js';

/**
 * Migrated to `version` (3 or later), holding one import: acct_1 paying 10.00 USD twice, two minutes apart.
 * A test store, so the core can read it; migrate the rest of the way through its raw connection, `db.db`.
 */
export function databaseWithRepeatPurchase(version: number, status: 'succeeded' | 'pending'): TestDb {
  const raw = new BetterSqlite3(':memory:');
  migrate(raw, MIGRATIONS, version);
  raw.prepare(`INSERT INTO imports (path, content_hash, status, started_at) VALUES ('p.csv', 'h', 'imported', 0)`).run();
  const insert = raw.prepare(`INSERT INTO payments (id, account_id, amount_cents, currency, status, created_at, updated_at, import_id, purchase_gap_ms)
    VALUES (?, 'acct_1', 1000, 'usd', ?, ?, ?, 1, ?)`);
  insert.run('pay_1', status, 1_000_000, 1_000_000, null);
  insert.run('pay_2', status, 1_120_000, 1_120_000, 120_000);
  return testStore(raw);
}
