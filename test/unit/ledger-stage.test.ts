// A ledger export staged by a worker while a first payments load builds its indexes (ledger-stage.ts) is only a
// faster way to the same import: the same reports, rows, conflicts, rejected rows and derived tables as the ledger
// read row by row, whether its entries went in with the key dropped or through it; and nothing left behind.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ImportFileReport } from '../../shared/domain.js';
import { csv, LEDGER_HEADER, PAYMENTS_HEADER, tempDir } from '../support/db.js';

// The worker runs from the build, as in the app (the test command builds first).
const root = path.resolve(__dirname, '../..');
const load = createRequire(__filename);
const { openStore } = load(path.join(root, 'dist/main/core/store/open-store.js')) as typeof import('../../main/core/store/open-store.js');
const { syncPaths } = load(path.join(root, 'dist/main/core/import/sync.js')) as typeof import('../../main/core/import/sync.js');
const { LedgerStage } = load(path.join(root, 'dist/main/core/import/ledger-stage.js')) as typeof import('../../main/core/import/ledger-stage.js');

/** 80,000 payments, about 7 MB: a first load large enough to build its indexes after its rows. */
const PAYMENTS = 80_000;
const payment = (i: number) =>
  `py_${String(i).padStart(6, '0')},acct_${i % 700},${5 + (i % 40)}.00,usd,succeeded,2026-03-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00Z,,in_${i},u${i}@example.com,credit pack`;

/** A ledger export: a credit for most payments, refunds, free credits, usage; repeated entries, same and changed; bad rows. */
function ledgerRows(entries: number): string[] {
  const rows: string[] = [];
  for (let i = 0; i < entries; i++) {
    const p = i % (PAYMENTS + 500); // the last 500 name no imported payment
    const day = String(1 + (i % 28)).padStart(2, '0');
    const type = i % 11 === 0 ? 'refund' : i % 13 === 0 ? 'credit_free' : i % 17 === 0 ? 'usage' : 'credit_purchased';
    const amount = type === 'refund' || type === 'usage' ? '-5.00' : `${5 + (p % 40)}.00`;
    rows.push(`le_${i},acct_${p % 700},${type},${amount},usd,2026-03-${day}T10:01:00Z,${type === 'credit_free' ? '' : `py_${String(p).padStart(6, '0')}`}`);
    if (i % 997 === 5) rows.push(rows[rows.length - 1]); // the same entry again
    if (i % 1999 === 7) rows.push(`le_${i},acct_${p % 700},adjustment,99.00,usd,2026-03-${day}T10:01:00Z,`); // changed: a conflict
    if (i % 4001 === 9) rows.push(`le_bad_${i},acct_1,credit_purchased,not money,usd,2026-03-01T10:00:00Z,`);
  }
  return rows;
}

afterEach(() => vi.restoreAllMocks());

/** Syncs the two exports into a fresh database, staging the ledger from `stageFromBytes`; its tables and reports. */
async function syncInto(files: string[], stageFromBytes: number) {
  const dir = tempDir();
  const store = await openStore(path.join(dir, 'paydesk.db'));
  const prepared: string[] = [];
  const prepare = BetterSqlite3.prototype.prepare;
  vi.spyOn(BetterSqlite3.prototype, 'prepare').mockImplementation(function (this: BetterSqlite3.Database, sql: string) {
    prepared.push(sql);
    return prepare.call(this, sql);
  });
  const reports = await syncPaths(store, files, { stageFromBytes });
  vi.restoreAllMocks();
  const db = (store as unknown as { db: BetterSqlite3.Database }).db;
  const dump = (sql: string) => db.prepare(sql).raw().all();
  const tables = {
    ledger: dump('SELECT rowid, id, account_id, type, amount_cents, currency, created_at, payment_id FROM ledger_entries ORDER BY rowid'),
    conflicts: dump('SELECT entry_id, line, stored, incoming FROM ledger_conflicts ORDER BY rowid'),
    rejected: dump('SELECT import_id, line, reason, raw FROM rejected_rows ORDER BY rowid'),
    payments: dump(`SELECT id, credited_at, credit_count, credited_cents, credited_currency, reversed_cents, purchase_gap_ms
      FROM payments ORDER BY rowid`),
    unlinked: dump('SELECT * FROM unlinked_credits ORDER BY entry_id'),
    totals: dump('SELECT * FROM account_totals ORDER BY account_id, currency'),
    bounds: dump('SELECT * FROM data_bounds ORDER BY name'),
    indexes: dump(`SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name`),
  };
  await store.close();
  const staged = prepared.some((sql) => sql.includes('ledger_stage.staged_entries'));
  const leftBehind = fs.readdirSync(dir).filter((name) => name.includes('.stage-'));
  const comparable = reports.map(({ durationMs: _, ...report }: ImportFileReport) => report);
  return { tables, reports: comparable, staged, leftBehind };
}

describe('a ledger export staged during a first payments load', () => {
  it.each([
    ['through the key (a ledger too small to load without it)', 4_000],
    ['with the key dropped, its repeats held back for it', 75_000],
  ])('gives the outcome of reading it row by row: %s', async (_, entries) => {
    const dir = tempDir();
    const payments = path.join(dir, 'payments.csv');
    const ledger = path.join(dir, 'ledger.csv');
    fs.writeFileSync(payments, csv(PAYMENTS_HEADER, ...Array.from({ length: PAYMENTS }, (_, i) => payment(i))));
    fs.writeFileSync(ledger, csv(LEDGER_HEADER, ...ledgerRows(entries)));
    // Staged only when no larger than the payments file; the key is dropped from about 5 MB (100 bytes a row).
    expect(fs.statSync(ledger).size).toBeLessThan(fs.statSync(payments).size);
    expect(fs.statSync(ledger).size >= 5_000_000).toBe(entries > 10_000);

    const staged = await syncInto([payments, ledger], 0);
    const read = await syncInto([payments, ledger], Number.POSITIVE_INFINITY);

    expect(staged.staged).toBe(true);
    expect(read.staged).toBe(false);
    expect(staged.reports).toEqual(read.reports);
    const [, ledgerReport] = read.reports;
    expect(ledgerReport).toMatchObject({ status: 'imported', rejected: Math.ceil(entries / 4001) });
    expect(ledgerReport.conflicts).toBeGreaterThan(0);
    expect(ledgerReport.unchanged).toBeGreaterThan(0);
    expect(staged.tables).toEqual(read.tables);
    expect(read.tables.ledger.length).toBeGreaterThan(entries - 1);
    expect(staged.leftBehind).toEqual([]);
  }, 120_000);

  it('is not used for a file that is not a ledger export: the sync reads it as usual', async () => {
    const dir = tempDir();
    const payments = path.join(dir, 'payments.csv');
    const more = path.join(dir, 'more-payments.csv');
    fs.writeFileSync(payments, csv(PAYMENTS_HEADER, ...Array.from({ length: PAYMENTS }, (_, i) => payment(i))));
    fs.writeFileSync(more, csv(PAYMENTS_HEADER, payment(PAYMENTS + 1)));
    const synced = await syncInto([payments, more], 0);
    expect(synced.staged).toBe(false);
    expect(synced.reports.map((r) => [r.status, r.inserted])).toEqual([
      ['imported', PAYMENTS],
      ['imported', 1],
    ]);
    expect(synced.leftBehind).toEqual([]);
  }, 60_000);

  it('reads nothing for a file whose header is no ledger export, and removes its staging folder', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'payments.csv');
    fs.writeFileSync(file, csv(PAYMENTS_HEADER, payment(1)));
    // Left by a process that ended before removing it (no process has an id that high).
    fs.mkdirSync(path.join(dir, 'paydesk.db.stage-4999999-abc'));
    fs.writeFileSync(path.join(dir, 'paydesk.db.stage-4999999-abc', 'ledger.db'), '');
    const umask = process.umask(0o000); // the loosest umask a user could have
    let stage: ReturnType<typeof LedgerStage.start>;
    try {
      stage = LedgerStage.start(file, path.join(dir, 'paydesk.db'), []);
    } finally {
      process.umask(umask);
    }
    expect(fs.readdirSync(dir).filter((name) => name.includes('4999999'))).toEqual([]);
    if (process.platform !== 'win32') {
      // Owner-only, as the database is: the stage holds the ledger's rows.
      expect(fs.statSync(path.dirname(stage.databaseFile)).mode & 0o777).toBe(0o700);
      expect(fs.statSync(stage.databaseFile).mode & 0o777).toBe(0o600);
    }
    expect(await stage.read).toBeUndefined();
    await stage.discard();
    expect(fs.readdirSync(dir)).toEqual(['payments.csv']);
  });
});
