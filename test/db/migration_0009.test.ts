// 0009 indexes the Stripe charges imported without a PaymentIntent id, so that missingIntentNotice counts them
// without reading every payment, on SQLite and on PostgreSQL; the count stays what the predicate says.
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../main/core/db/migrate.js';
import { MIGRATIONS } from '../../main/core/db/migrations/index.js';
import { stripeChargeWithoutIntentSql } from '../../main/core/flags/credit-links.js';
import { migratePostgres } from '../../main/core/store/postgres-migrate.js';
import { freshPgDatabase } from '../support/postgres.js';

const VERSION = 9;
const COUNT_SQL = `SELECT count(*) AS n FROM payments p WHERE ${stripeChargeWithoutIntentSql('p')}`;

// [id, alt_id]: only a ch_/py_ id (the underscore literal) without an alternate id counts.
const PAYMENTS: [string, string | null][] = [
  ['ch_1', null], ['py_2', null], ['ch_3', 'pi_3'], ['py_4', 'pi_4'], ['chx5', null], ['ch', null], ['pyx_6', null],
  ['pi_7', null], ['xch_8', null], ['ch_', null],
];
const EXPECTED = 3; // ch_, ch_1, py_2

function sqliteWith(payments: [string, string | null][], version = MIGRATIONS.length): BetterSqlite3.Database {
  const db = new BetterSqlite3(':memory:');
  migrate(db, MIGRATIONS, version);
  const insert = db.prepare(`INSERT INTO payments (id, alt_id, amount_cents, currency, status, created_at, updated_at, import_id)
    VALUES (?, ?, 100, 'usd', 'succeeded', 1, 1, 1)`);
  for (const [id, altId] of payments) insert.run(id, altId);
  return db;
}

const sqlitePlan = (db: BetterSqlite3.Database) =>
  (db.prepare(`EXPLAIN QUERY PLAN ${COUNT_SQL}`).all() as { detail: string }[]).map((row) => row.detail).join('\n');

describe('migration 0009_charges_without_intent on SQLite', () => {
  it('counts charges without an intent from the index alone, reading no payment row', () => {
    const before = sqliteWith(PAYMENTS, VERSION - 1);
    expect(sqlitePlan(before)).toBe('SCAN p');
    const after = sqliteWith(PAYMENTS);
    migrate(before, MIGRATIONS, VERSION);
    for (const db of [before, after]) {
      expect(sqlitePlan(db)).toBe('SCAN p USING COVERING INDEX payments_charges_without_intent');
      expect(db.prepare(COUNT_SQL).get()).toEqual({ n: EXPECTED });
      expect(db.prepare(`SELECT p.id FROM payments p WHERE ${stripeChargeWithoutIntentSql('p')} ORDER BY p.id`).pluck().all()).toEqual(['ch_', 'ch_1', 'py_2']);
    }
  });

  it('keeps using it with the statistics of many payments that all have an intent', () => {
    const many = Array.from({ length: 2000 }, (_, i): [string, string | null] => [`ch_many${i}`, `pi_many${i}`]);
    const db = sqliteWith([...PAYMENTS, ...many]);
    db.exec('ANALYZE');
    expect(sqlitePlan(db)).toBe('SCAN p USING COVERING INDEX payments_charges_without_intent');
    expect(db.prepare(COUNT_SQL).get()).toEqual({ n: EXPECTED });
  });
});

describe('migration 0009_charges_without_intent on PostgreSQL', () => {
  it('lets the planner count charges without an intent from the index', async () => {
    const database = await freshPgDatabase();
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await migratePostgres(client);
      await client.query(`INSERT INTO payments (id, alt_id, amount_cents, currency, status, created_at, updated_at, import_id)
        SELECT id, alt_id, 100, 'usd', 'succeeded', 1, 1, 1 FROM unnest($1::text[], $2::text[]) AS t(id, alt_id)`,
      [PAYMENTS.map(([id]) => id), PAYMENTS.map(([, altId]) => altId)]);
      // Many payments that all have an intent, so that a scan of the table costs what it would on real data.
      await client.query(`INSERT INTO payments (id, alt_id, amount_cents, currency, status, created_at, updated_at, import_id)
        SELECT 'ch_many' || i, 'pi_many' || i, 100, 'usd', 'succeeded', 1, 1, 1 FROM generate_series(1, 20000) AS i`);
      await client.query('VACUUM ANALYZE payments');
      const plan = (await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${COUNT_SQL}`)).rows.map((row) => row['QUERY PLAN']).join('\n');
      // A bitmap or index-only scan, as the planner likes: either reads only the index's entries.
      expect(plan).toMatch(/Index (Only )?Scan (using|on) payments_charges_without_intent/);
      expect(plan).not.toMatch(/Seq Scan/);
      expect((await client.query(COUNT_SQL)).rows).toEqual([{ n: String(EXPECTED) }]);
    } finally {
      await client.end();
      await database.drop();
    }
  });
});
