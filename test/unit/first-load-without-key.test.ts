// A large file into an empty table loads without the table's key index (import/deferred-indexes.ts, store.ts):
// an id the file gives again is held back and written once the key is rebuilt. The outcome must be exactly that
// of the same file imported with the key in place (into a table holding one unrelated row): same reports, same
// rows, same conflicts with their lines, and the key and every index back.
import { describe, expect, it } from 'vitest';
import type { ImportFileReport } from '../../shared/domain.js';
import { LEDGER_HEADER, memoryDb, PAYMENTS_HEADER, writeExport, type TestDb } from '../support/db.js';
import { syncPaths } from '../../main/core/import/sync.js';

// Large enough (over 5 MB) for the table to load without its indexes.
const ROWS = 60_000;
const at = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString().replace('.000Z', 'Z');

/** Payments, with `repeats` of them given again later in the file: further along, the same, or behind. */
function paymentsFile(repeats: number): string {
  const rows: string[] = [];
  const line = (i: number, status: string) =>
    `ch_${(i * 2654435761 % 4294967296).toString(36)}x${i},acct_${i % 7000},10.00,usd,${status},${at(i)},,in_${i},u${i % 7000}@example.com,${'pack '.repeat(12)}`;
  for (let i = 0; i < ROWS; i++) rows.push(line(i, i % 3 === 0 ? 'pending' : 'succeeded'));
  for (let r = 0; r < repeats; r++) {
    const i = (r * 7919) % ROWS;
    rows.push(line(i, ['succeeded', 'pending', 'refunded'][r % 3]));
  }
  return [PAYMENTS_HEADER, ...rows, ''].join('\n');
}

/** Ledger entries, with `repeats` of them given again later in the file: the same, or with another amount. */
function ledgerFile(repeats: number): string {
  const rows: string[] = [];
  const line = (i: number, amount: string) => `le_${(i * 40503 % 65536).toString(36)}y${i},acct_${i % 7000},credit_purchased,${amount},usd,${at(i)},ch_x${i % 500}`;
  for (let i = 0; i < ROWS * 2; i++) rows.push(line(i, '10.00'));
  for (let r = 0; r < repeats; r++) rows.push(line((r * 7919) % (ROWS * 2), r % 2 ? '10.00' : '12.00'));
  return [LEDGER_HEADER, ...rows, ''].join('\n');
}

const DUMPS = {
  payments: 'SELECT * FROM payments WHERE id <> ? ORDER BY id',
  ledger_entries: 'SELECT * FROM ledger_entries WHERE id <> ? ORDER BY id',
  ledger_conflicts: 'SELECT entry_id, line, stored, incoming FROM ledger_conflicts WHERE entry_id <> ? ORDER BY line',
  unlinked_credits: 'SELECT * FROM unlinked_credits WHERE entry_id <> ? ORDER BY entry_id',
};
const INDEXES = `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('payments', 'ledger_entries') ORDER BY name`;
/** A report without what differs between any two runs (the path: each run imports the same files). */
function comparable(report: ImportFileReport) {
  const rest: Partial<ImportFileReport> = { ...report };
  delete rest.durationMs;
  delete rest.importId;
  return rest;
}

async function importInto(db: TestDb, files: string[]) {
  const reports = await syncPaths(db, files);
  const dumps: Record<string, unknown[]> = {};
  for (const [name, sql] of Object.entries(DUMPS)) dumps[name] = await db.all(sql, ['seed']);
  return { reports, dumps };
}

function seeded(): TestDb {
  const db = memoryDb();
  db.prepare(`INSERT INTO payments (id, amount_cents, currency, status, created_at, updated_at, import_id) VALUES ('seed', 1, 'usd', 'failed', 1, 1, 0)`).run();
  db.prepare(`INSERT INTO ledger_entries (id, account_id, type, amount_cents, currency, created_at, import_id) VALUES ('seed', 'acct_seed', 'usage', -1, 'usd', 1, 0)`).run();
  return db;
}

describe('a large file into an empty table, loaded without its key', () => {
  for (const repeats of [300, 12_000]) {
    it(`gives what the keyed import gives, with ${repeats} ids given twice in each file`, async () => {
      const files = [writeExport('payments.csv', paymentsFile(repeats)), writeExport('ledger.csv', ledgerFile(repeats))];
      const empty = memoryDb();
      const indexes = empty.prepare(INDEXES).all();
      const withoutKey = await importInto(empty, files);
      const withKey = await importInto(seeded(), files);

      expect(withoutKey.reports.map((r) => r.status)).toEqual(['imported', 'imported']);
      expect(withoutKey.reports.map(comparable)).toEqual(withKey.reports.map(comparable));
      expect(withoutKey.reports[0]).toMatchObject({ inserted: ROWS, rows: ROWS + repeats });
      expect(withoutKey.reports[0].updated).toBeGreaterThan(0);
      expect(withoutKey.reports[1]).toMatchObject({ inserted: ROWS * 2, unchanged: repeats / 2, conflicts: repeats / 2 });
      for (const name of Object.keys(DUMPS)) expect(withoutKey.dumps[name], name).toEqual(withKey.dumps[name]);
      expect(empty.prepare(INDEXES).all()).toEqual(indexes);
      expect(() => empty.prepare(`INSERT INTO ledger_entries (id, account_id, type, amount_cents, currency, created_at, import_id)
        SELECT id, account_id, type, amount_cents, currency, created_at, import_id FROM ledger_entries LIMIT 1`).run()).toThrow(/UNIQUE/);
      empty.close();
    }, 120_000);
  }
});
