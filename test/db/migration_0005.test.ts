// 0005 adds the row hash of each payment's source text; existing payments keep every value and start without one.
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../main/core/db/migrate.js';
import { MIGRATIONS } from '../../main/core/db/migrations/index.js';

const VERSION = MIGRATIONS.findIndex((m) => m.name === '0005_payment_row_hashes') + 1;

describe('migration 0005_payment_row_hashes', () => {
  it('is version 5', () => {
    expect(VERSION).toBe(5);
  });

  it('keeps every payment as it was, with no row hash yet', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, MIGRATIONS, VERSION - 1);
    const insert = db.prepare(`INSERT INTO payments (id, alt_id, account_id, amount_cents, currency, status, created_at, updated_at,
      invoice_id, email, description, import_id, credited_at, purchase_gap_ms) VALUES (?, ?, ?, ?, 'usd', ?, ?, ?, ?, ?, ?, 1, ?, ?)`);
    insert.run('pay_1', 'pi_1', 'acct_1', 1000, 'succeeded', 1000, 2000, 'in_1', 'a@x.com', 'pack', 1500, null);
    insert.run('pay_2', null, null, 500, 'pending', 3000, 3000, null, null, null, null, 2000);
    const before = db.prepare('SELECT * FROM payments ORDER BY id').all();

    migrate(db, MIGRATIONS, VERSION);
    const after = db.prepare('SELECT * FROM payments ORDER BY id').all() as Record<string, unknown>[];
    expect(after.map(({ row_hash_hi, row_hash_lo, ...rest }) => [rest, row_hash_hi, row_hash_lo])).toEqual(
      before.map((row) => [row, null, null]),
    );
    expect(db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'payments'`).pluck().get()).toMatch(/WITHOUT ROWID/);
  });
});
