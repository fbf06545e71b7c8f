// 0008 puts payments back in a rowid table, and keys payments and ledger entries by a unique index of their own
// instead of a PRIMARY KEY; every row, column and index must survive, and the ledger's rowids (the import finds the
// entries a file added by them).
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../main/core/db/migrate.js';
import { MIGRATIONS } from '../../main/core/db/migrations/index.js';

const VERSION = 8;
const indexesOf = (db: BetterSqlite3.Database) =>
  db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('payments', 'ledger_entries') AND sql IS NOT NULL
    ORDER BY name`).all() as { name: string; sql: string }[];

describe('migration 0008_payments_with_rowid', () => {
  it('keeps every payment and ledger entry with all its columns, its key and its indexes', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, MIGRATIONS, VERSION - 1);
    db.prepare(`INSERT INTO payments (id, alt_id, account_id, amount_cents, currency, status, created_at, updated_at, invoice_id, email,
      description, import_id, credited_at, purchase_gap_ms, row_hash_hi, row_hash_lo, method, amount_refunded_cents, refunded_at,
      disputed_amount_cents, dispute_status, disputed_at, credit_count, credited_cents, credited_currency, reversed_cents)
      VALUES ('ch_1', 'pi_1', 'acct_1', 1000, 'usd', 'refunded', 1000, 2000, 'in_1', 'a@x.com', 'pack', 1, 1500, NULL, -5, 7, 'card',
        1000, 3000, 1000, 'lost', 4000, 1, 1000, 'usd', 0),
      ('py_2', NULL, NULL, 500, 'usd', 'pending', 3000, 3000, NULL, NULL, NULL, 2, NULL, 2000, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, NULL, 0)`).run();
    db.prepare(`INSERT INTO ledger_entries (rowid, id, account_id, type, amount_cents, currency, created_at, payment_id, import_id)
      VALUES (7, 'le_1', 'acct_1', 'credit_purchased', 1000, 'usd', 1600, 'pi_1', 1), (9, 'le_2', 'acct_1', 'usage', -5, 'usd', 1700, NULL, 1)`).run();
    const before = db.prepare('SELECT *, returned_cents FROM payments ORDER BY id').all();
    const ledgerBefore = db.prepare('SELECT rowid, * FROM ledger_entries ORDER BY id').all();
    const indexesBefore = indexesOf(db);
    expect(db.prepare(`SELECT count(*) FROM sqlite_master WHERE name LIKE 'sqlite_autoindex_ledger_entries%'`).pluck().get()).toBe(1);

    migrate(db, MIGRATIONS, VERSION);
    expect(db.prepare('SELECT *, returned_cents FROM payments ORDER BY id').all()).toEqual(before);
    expect(db.prepare('SELECT rowid, * FROM ledger_entries ORDER BY id').all()).toEqual(ledgerBefore);
    expect(indexesOf(db)).toEqual(
      [...indexesBefore, { name: 'ledger_key', sql: 'CREATE UNIQUE INDEX ledger_key ON ledger_entries (id)' },
        { name: 'payments_key', sql: 'CREATE UNIQUE INDEX payments_key ON payments (id)' }].sort((a, b) => a.name.localeCompare(b.name)),
    );
    expect(db.prepare(`SELECT count(*) FROM sqlite_master WHERE name LIKE 'sqlite_autoindex_%' AND tbl_name IN ('payments', 'ledger_entries')`).pluck().get()).toBe(0);
    expect(db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'payments'`).pluck().get()).not.toMatch(/WITHOUT ROWID/);
    expect(db.prepare(`SELECT rowid FROM payments ORDER BY rowid`).pluck().all()).toEqual([1, 2]);
    expect(() => db.prepare(`INSERT INTO payments (id, amount_cents, currency, status, created_at, updated_at, import_id)
      VALUES ('ch_1', 1, 'usd', 'pending', 1, 1, 3)`).run()).toThrow(/UNIQUE constraint failed: payments.id/);
    expect(() => db.prepare(`INSERT INTO ledger_entries (id, account_id, type, amount_cents, currency, created_at, import_id)
      VALUES ('le_2', 'acct_1', 'usage', -1, 'usd', 1, 3)`).run()).toThrow(/UNIQUE constraint failed: ledger_entries.id/);
  });
});
