// 0003 rebuilds payments keyed by id without a rowid; every row and column must survive.
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../main/core/db/migrate.js';
import { MIGRATIONS } from '../../main/core/db/migrations/index.js';

describe('migration 0003_payments_without_rowid', () => {
  it('keeps every payment and its derived columns, and keeps the indexes', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, MIGRATIONS, 2);
    const insert = db.prepare(`INSERT INTO payments (id, alt_id, account_id, amount_cents, currency, status, created_at, updated_at,
      invoice_id, email, description, import_id, credited_at, purchase_gap_ms) VALUES (?, ?, ?, ?, 'usd', ?, ?, ?, ?, ?, ?, 1, ?, ?)`);
    insert.run('pay_1', 'pi_1', 'acct_1', 1000, 'succeeded', 1000, 2000, 'in_1', 'a@x.com', 'pack', 1500, null);
    insert.run('pay_2', null, null, 500, 'pending', 3000, 3000, null, null, null, null, 2000);
    const before = db.prepare('SELECT * FROM payments ORDER BY id').all();

    migrate(db, MIGRATIONS, 3);
    expect(db.prepare('SELECT * FROM payments ORDER BY id').all()).toEqual(before);
    expect(db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'payments'`).pluck().get()).toMatch(/WITHOUT ROWID/);
    const indexes = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'payments' AND sql IS NOT NULL ORDER BY name`).pluck().all();
    expect(indexes).toEqual(['payments_awaiting', 'payments_by_alt_id', 'payments_by_created', 'payments_by_email', 'payments_by_purchase', 'payments_by_purchase_gap']);
  });
});
