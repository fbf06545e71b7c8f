// 0002 adds the derived flag columns and fills them for rows imported before it.
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../main/core/db/migrate.js';
import { MIGRATIONS } from '../../main/core/db/migrations/index.js';

describe('migration 0002_derived_flag_columns', () => {
  it('fills credited_at and purchase_gap_ms for existing payments', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, MIGRATIONS, 1);
    const payment = db.prepare(`INSERT INTO payments (id, alt_id, account_id, amount_cents, currency, status, created_at, updated_at, import_id)
      VALUES (?, ?, ?, ?, 'usd', ?, ?, ?, 1)`);
    payment.run('pay_1', null, 'acct_1', 1000, 'succeeded', 1000, 1000);
    payment.run('ch_2', 'pi_2', 'acct_1', 1000, 'succeeded', 61_000, 61_000);
    payment.run('pay_3', null, 'acct_1', 1000, 'failed', 90_000, 90_000);
    payment.run('pay_4', null, null, 1000, 'succeeded', 95_000, 95_000);
    const entry = db.prepare(`INSERT INTO ledger_entries (id, account_id, type, amount_cents, currency, created_at, payment_id, import_id)
      VALUES (?, 'acct_1', ?, 1000, 'usd', ?, ?, 1)`);
    entry.run('le_1', 'credit_purchased', 5000, 'pay_1');
    entry.run('le_2', 'credit_purchased', 70_000, 'pi_2');
    entry.run('le_3', 'credit_purchased', 65_000, 'pi_2');
    entry.run('le_4', 'usage', 80_000, 'pay_3');

    migrate(db, MIGRATIONS, 2);
    expect(db.prepare('SELECT id, credited_at, purchase_gap_ms FROM payments ORDER BY id').all()).toEqual([
      { id: 'ch_2', credited_at: 65_000, purchase_gap_ms: 60_000 },
      { id: 'pay_1', credited_at: 5000, purchase_gap_ms: null },
      { id: 'pay_3', credited_at: null, purchase_gap_ms: null },
      { id: 'pay_4', credited_at: null, purchase_gap_ms: null },
    ]);
    expect(db.pragma('user_version', { simple: true })).toBe(2); // migrated to 2 only
  });
});
