// 0010 makes SQLite's two ledger indexes covering for a first ledger's sums: the credits per payment
// (derived-columns.ts entrySumsSql over insertedEntries) and the totals per account and currency (account-totals.ts)
// walk an index in their GROUP BY order instead of sorting every entry. The sums stay what the table's rows give.
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../main/core/db/migrate.js';
import { MIGRATIONS } from '../../main/core/db/migrations/index.js';
import { addToAccountTotalsSql } from '../../main/core/import/account-totals.js';
import { entrySumsSql, insertedEntries } from '../../main/core/import/derived-columns.js';

const VERSION = 10;
const TYPES = ['credit_free', 'credit_purchased', 'usage', 'refund', 'adjustment'];

function sqliteWithLedger(version: number, entries = 3000): BetterSqlite3.Database {
  const db = new BetterSqlite3(':memory:');
  migrate(db, MIGRATIONS, version);
  const insert = db.prepare(`INSERT INTO ledger_entries (id, account_id, type, amount_cents, currency, created_at, payment_id, import_id)
    VALUES (?, ?, ?, ?, ?, ?, ?, 1)`);
  // Accounts, payments and currencies interleaved, so that neither rowid order nor id order groups them.
  for (let i = 0; i < entries; i++) {
    const payment = i % 7 === 0 ? null : `pi_${(i * 7919) % 613}`;
    insert.run(`le_${i}`, `acct_${(i * 31) % 97}`, TYPES[i % TYPES.length], ((i * 37) % 500) - 100, i % 3 ? 'usd' : 'eur', 1_700_000_000_000 + ((i * 104_729) % 86_400_000), payment);
  }
  return db;
}

const plan = (db: BetterSqlite3.Database, sql: string) =>
  (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((row) => row.detail).join('\n');

// A first ledger's entries (every one), and a later ledger's (those above a rowid, bound when run: 0 here reads all).
const EVERY_ENTRY = insertedEntries(0).entries;
const NEWER_ENTRIES = insertedEntries(1).entries;
const TOTALS_SQL = addToAccountTotalsSql(EVERY_ENTRY);
const TOTALS_OF_NEWER_SQL = addToAccountTotalsSql(NEWER_ENTRIES);

const indexSql = (db: BetterSqlite3.Database) =>
  db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ledger_entries' ORDER BY name`).all();

describe('migration 0010_ledger_covering_indexes on SQLite', () => {
  it('sums every entry per payment and per account from the indexes, in their order, with no sort', () => {
    const before = sqliteWithLedger(VERSION - 1);
    // Before: through the index, but reading each entry's row for its amount and currency.
    expect(plan(before, entrySumsSql(EVERY_ENTRY))).toBe('SEARCH l USING INDEX ledger_by_payment (payment_id>?)');
    expect(plan(before, TOTALS_SQL)).toMatch(/TEMP B-TREE FOR GROUP BY/);
    migrate(before, MIGRATIONS, VERSION);
    const fresh = sqliteWithLedger(VERSION);
    expect(indexSql(before)).toEqual(indexSql(fresh));
    for (const db of [before, fresh]) {
      db.exec('ANALYZE');
      expect(plan(db, entrySumsSql(EVERY_ENTRY))).toBe('SEARCH l USING COVERING INDEX ledger_by_payment (payment_id>?)');
      expect(plan(db, TOTALS_SQL)).toBe('SCAN l USING COVERING INDEX ledger_by_account');
      for (const sql of [entrySumsSql(EVERY_ENTRY), TOTALS_SQL]) expect(plan(db, sql)).not.toMatch(/TEMP B-TREE/);
    }
  });

  it('gives the same sums as the path that reads the newer entries from the table', () => {
    const db = sqliteWithLedger(VERSION);
    const sums = db.prepare(`${entrySumsSql(EVERY_ENTRY)} ORDER BY 1`).raw().all();
    expect(sums.length).toBeGreaterThan(500);
    expect(db.prepare(`${entrySumsSql(NEWER_ENTRIES)} ORDER BY 1`).raw().all(0)).toEqual(sums);

    const totals = () => db.prepare('SELECT * FROM account_totals ORDER BY account_id, currency').raw().all();
    db.exec(TOTALS_SQL);
    const whole = totals();
    expect(whole.length).toBe(2 * 97);
    db.exec('DELETE FROM account_totals');
    db.prepare(TOTALS_OF_NEWER_SQL).run(0);
    expect(totals()).toEqual(whole);
  });
});
