// The PostgreSQL import against the SQLite one: the same files into both stores give the same reports, the same
// flags and the same rows, through re-imports, newer snapshots and bad rows; a file that fails leaves nothing.
import fs from 'node:fs';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FLAG_SETTINGS, FLAG_KINDS, type ImportFileReport } from '../../shared/domain.js';
import { writeDemoExports, type DemoResult } from '../../main/core/demo/generate.js';
import { refreshFlagLists } from '../../main/core/flag-lists/refresh.js';
import { computeFlags } from '../../main/core/flags/index.js';
import { importFile } from '../../main/core/import/import-file.js';
import { ImportStore } from '../../main/core/import/store.js';
import { rowHashSetOf, type RowHashSet } from '../../main/core/import/row-hash-set.js';
import { syncPaths } from '../../main/core/import/sync.js';
import { listMappings } from '../../main/core/mappings.js';
import { openStore } from '../../main/core/store/open-store.js';
import { importFilePostgres } from '../../main/core/store/postgres-import.js';
import { storedRowHashes } from '../../main/core/store/postgres-row-hashes.js';
import { PostgresStore } from '../../main/core/store/postgres-store.js';
import type { Store } from '../../main/core/store/store.js';
import { csv, LEDGER_HEADER, memoryDb, PAYMENTS_HEADER, tempDir, writeExport, type TestDb } from '../support/db.js';
import { freshPgDatabase, type PgDatabase } from '../support/postgres.js';

let sqlite: TestDb;
let postgres: PostgresStore;
let team: PgDatabase;
let demo: DemoResult;

beforeAll(async () => {
  demo = await writeDemoExports(tempDir());
  sqlite = memoryDb();
  team = await freshPgDatabase();
  postgres = (await openStore(team.url)) as PostgresStore;
}, 120_000);

afterAll(async () => {
  await postgres?.close();
  await team?.drop();
  await sqlite?.close();
});

async function importIntoPostgres(store: PostgresStore, files: readonly string[]): Promise<ImportFileReport[]> {
  const mappings = await listMappings(store);
  const reports: ImportFileReport[] = [];
  for (const file of files) reports.push(await importFilePostgres(store, file, { mappings, displayPath: file }));
  return reports;
}

/** A report without what differs between any two runs. */
function comparable(report: ImportFileReport) {
  const { durationMs, importId, ...rest } = report;
  expect(durationMs).toBeGreaterThanOrEqual(0);
  expect(importId).toBeGreaterThan(0);
  return rest;
}

/** The same files into both stores; the reports must match. */
async function importBoth(files: readonly string[]): Promise<ImportFileReport[]> {
  // One sync per file, so that SQLite takes them in the order given, as importIntoPostgres does.
  const fromSqlite: ImportFileReport[] = [];
  for (const file of files) fromSqlite.push(...(await syncPaths(sqlite, [file])));
  const fromPostgres = await importIntoPostgres(postgres, files);
  expect(fromPostgres.map(comparable)).toEqual(fromSqlite.map(comparable));
  return fromPostgres;
}

const TABLES = {
  payments: 'SELECT * FROM payments ORDER BY id',
  ledger_entries: 'SELECT * FROM ledger_entries ORDER BY id',
  account_totals: 'SELECT * FROM account_totals ORDER BY account_id, currency',
  data_bounds: 'SELECT * FROM data_bounds ORDER BY name',
  unlinked_credits: 'SELECT * FROM unlinked_credits ORDER BY entry_id',
  rejected_rows: 'SELECT * FROM rejected_rows ORDER BY import_id, line, reason',
  ledger_conflicts: 'SELECT * FROM ledger_conflicts ORDER BY id',
  reviews: 'SELECT * FROM reviews ORDER BY kind, key',
  imports: `SELECT id, path, content_hash, format, status, reason, header, bytes, rows, inserted, updated, unchanged, ignored, rejected,
    conflicts, test_mode_rows FROM imports ORDER BY id`,
};

async function tables(store: Store): Promise<Record<string, unknown[]>> {
  const dump: Record<string, unknown[]> = {};
  for (const [name, sql] of Object.entries(TABLES)) dump[name] = await store.all(sql);
  return dump;
}

async function expectSameTables(): Promise<Record<string, unknown[]>> {
  const fromSqlite = await tables(sqlite);
  const fromPostgres = await tables(postgres);
  for (const name of Object.keys(TABLES)) expect(fromPostgres[name], name).toEqual(fromSqlite[name]);
  return fromPostgres;
}

const flagsOf = (store: Store) => computeFlags(store, { settings: DEFAULT_FLAG_SETTINGS });

describe('importing into PostgreSQL', () => {
  it('imports the demo exports as SQLite does: reports, rows, derived tables and flags', async () => {
    const files = [demo.files.payments, demo.files.ledger, demo.files.stripePayments, demo.files.reviews];
    const reports = await importBoth(files);
    expect(reports.map((r) => r.status)).toEqual(['imported', 'imported', 'imported', 'imported']);
    expect(reports[0].inserted).toBe(demo.counts.payments);
    const dump = await expectSameTables();
    expect(dump.payments.length).toBeGreaterThan(1000);
    expect(dump.unlinked_credits.length).toBeGreaterThan(0);
    expect(dump.account_totals.length).toBeGreaterThan(0);
    expect((dump.payments as { credited_at: number | null }[]).some((p) => p.credited_at !== null)).toBe(true);
    expect((dump.payments as { purchase_gap_ms: number | null }[]).some((p) => p.purchase_gap_ms !== null)).toBe(true);
    await refreshFlagLists(sqlite);
    await refreshFlagLists(postgres);
    const flags = await flagsOf(sqlite);
    for (const kind of FLAG_KINDS) expect(flags[kind]?.length, kind).toBeGreaterThan(0);
    expect(await flagsOf(postgres)).toEqual(flags);
  }, 120_000);

  it('skips files whose content was imported before', async () => {
    const reports = await importBoth([demo.files.payments, demo.files.reviews]);
    expect(reports.map((r) => [r.status, r.reason])).toEqual([
      ['skipped', 'same content imported before'],
      ['skipped', 'same content imported before'],
    ]);
    await expectSameTables();
  });

  it('takes a newer snapshot of one payment and leaves every other row as it was', async () => {
    const before = await tables(postgres);
    const lines = fs.readFileSync(demo.files.payments, 'utf8').split('\n');
    const header = lines[0].split(',');
    const [statusAt, updatedAt, idAt] = ['status', 'updated_at', 'payment_id'].map((name) => header.indexOf(name));
    const row = lines.findIndex((line, i) => i > 0 && line.split(',')[statusAt] === 'pending' && !line.includes('"'));
    expect(row).toBeGreaterThan(0);
    const fields = lines[row].split(',');
    const id = fields[idAt];
    fields[statusAt] = 'succeeded';
    fields[updatedAt] = '2026-11-21T00:00:00Z';
    lines[row] = fields.join(',');
    const snapshot = writeExport('payments-newer.csv', lines.join('\n'));

    const [report] = await importBoth([snapshot]);
    expect(report).toMatchObject({ status: 'imported', inserted: 0, updated: 1, unchanged: demo.counts.payments - 1 });
    const after = await expectSameTables();
    const changed = (after.payments as { id: string }[]).filter((p, i) => JSON.stringify(p) !== JSON.stringify(before.payments[i]));
    expect(changed).toMatchObject([{ id, status: 'succeeded', updated_at: Date.parse('2026-11-21T00:00:00Z') }]);
    await refreshFlagLists(sqlite);
    await refreshFlagLists(postgres);
    expect(await flagsOf(postgres)).toEqual(await flagsOf(sqlite));
  }, 60_000);

  it('applies a file that repeats a payment and a ledger entry row by row, conflicts included', async () => {
    const payments = writeExport('repeats.csv', csv(PAYMENTS_HEADER,
      'pay_rep_1,acct_rep,10.00,USD,pending,2026-11-01T10:00:00Z,2026-11-01T10:00:00Z,,rep@example.com,first',
      'pay_rep_1,acct_rep,10.00,USD,succeeded,2026-11-01T10:00:00Z,2026-11-01T10:05:00Z,,rep@example.com,second',
      'pay_rep_1,acct_rep,10.00,USD,pending,2026-11-01T10:00:00Z,2026-11-01T10:01:00Z,,rep@example.com,older',
      'pay_rep_2,acct_rep,10.00,USD,succeeded,2026-11-01T11:00:00Z,2026-11-01T11:00:00Z,,rep@example.com,',
      'pay_rep_2,acct_rep,12.00,USD,succeeded,2026-11-01T11:00:00Z,2026-11-01T11:00:00Z,,rep@example.com,same time'));
    const ledger = writeExport('repeats-ledger.csv', csv(LEDGER_HEADER,
      'ent_rep_1,acct_rep,credit_purchased,10.00,USD,2026-11-01T10:06:00Z,pay_rep_1',
      'ent_rep_1,acct_rep,credit_purchased,11.00,USD,2026-11-01T10:06:00Z,pay_rep_1',
      'ent_rep_1,acct_rep,credit_purchased,10.00,USD,2026-11-01T10:06:00Z,pay_rep_1',
      'ent_rep_2,acct_rep,credit_purchased,5.00,USD,2026-11-01T10:07:00Z,pay_nowhere'));
    const reports = await importBoth([payments, ledger]);
    expect(reports[0]).toMatchObject({ inserted: 2, updated: 2, unchanged: 1 });
    expect(reports[1]).toMatchObject({ inserted: 2, unchanged: 1, conflicts: 1 });
    const dump = await expectSameTables();
    expect(dump.ledger_conflicts).toHaveLength(1);
  });

  it('rejects the same bad rows, at the same lines', async () => {
    const file = writeExport('bad-rows.csv', csv(PAYMENTS_HEADER,
      'pay_bad_1,acct_bad,10.00,USD,succeeded,2026-11-02T10:00:00Z,2026-11-02T10:00:00Z,,,',
      'pay_bad_2,acct_bad,ten,USD,succeeded,2026-11-02T10:00:00Z,2026-11-02T10:00:00Z,,,',
      'pay_bad_3,acct_bad,10.00,USD,exploded,2026-11-02T10:00:00Z,2026-11-02T10:00:00Z,,,',
      'pay_bad_4,acct_bad,10.00,USD,succeeded,yesterday,2026-11-02T10:00:00Z,,,',
      'pay_bad_5,acct_bad,"10.00",USD,succeeded,2026-11-02T10:00:00Z,2026-11-02T10:00:00Z,,,'));
    // And a header nothing recognises, and a file of a header alone.
    const unknown = writeExport('unknown.csv', 'request_timeout,connection_timeout\n1,2\n');
    const empty = writeExport('empty.csv', csv(LEDGER_HEADER));
    const [report, unrecognised, headerOnly] = await importBoth([file, unknown, empty]);
    expect(unrecognised.status).toBe('unrecognised');
    expect(unrecognised.header).toBe('request_timeout,connection_timeout');
    expect(headerOnly).toMatchObject({ status: 'imported', rows: 0 });
    expect(report.status).toBe('imported');
    expect(report.errors.map((e) => e.line)).toEqual([3, 4, 5]);
    const dump = await expectSameTables();
    const rejected = dump.rejected_rows as { import_id: number; line: number }[];
    expect(rejected.filter((r) => r.import_id === report.importId).map((r) => r.line)).toEqual([3, 4, 5]);
  });

  it('decides between two snapshots of a payment as SQLite does: updated_at, status, refunds, disputes, then the later import', async () => {
    const header = 'payment_id,account_id,amount,currency,status,created_at,updated_at,amount_refunded,dispute_status,description';
    const at = '2026-11-06T10:00:00Z';
    type Snapshot = [status: string, refunded?: string, dispute?: string, description?: string, updated?: string, amount?: string];
    const row = (id: string, ...[status, refunded = '', dispute = '', description = '', updated = at, amount = '10.00']: Snapshot) =>
      `${id},acct_prec,${amount},USD,${status},${at},${updated},${refunded},${dispute},${description}`;
    const first: string[] = [];
    const second: string[] = [];
    const pair = (id: string, a: Snapshot, b: Snapshot) => {
      first.push(row(id, ...a));
      second.push(row(id, ...b));
    };
    const statuses = ['incomplete', 'pending', 'processing', 'succeeded', 'failed', 'canceled', 'partially_refunded', 'refunded'];
    for (const a of statuses) for (const b of statuses) pair(`pay_st_${a}_${b}`, [a, '', '', 'one'], [b, '', '', 'two']);
    for (const [i, a] of ['1.00', '2.00'].entries()) for (const [j, b] of ['1.00', '2.00'].entries()) {
      pair(`pay_rf_${i}_${j}`, ['partially_refunded', a, '', 'one'], ['partially_refunded', b, '', 'two']);
    }
    const disputes = ['needs_response', 'won', 'lost'];
    for (const [i, a] of disputes.entries()) for (const [j, b] of disputes.entries()) pair(`pay_dp_${i}_${j}`, ['succeeded', '', a, 'one'], ['succeeded', '', b, 'two']);
    pair('pay_newer', ['succeeded', '', '', 'one', '2026-11-06T11:00:00Z'], ['pending', '', '', 'two', '2026-11-06T12:00:00Z']);
    pair('pay_older', ['pending', '', '', 'one', '2026-11-06T12:00:00Z'], ['succeeded', '', '', 'two', '2026-11-06T11:00:00Z']);
    // The same values from other text: unchanged, and the stored row hash follows the new text.
    pair('pay_same', ['succeeded', '', '', 'one', at, '10.00'], ['succeeded', '', '', 'one', at, '10.0']);
    pair('pay_regroup', ['succeeded', '', '', 'one', at, '10.00'], ['succeeded', '', '', 'two', '2026-11-06T12:00:00Z', '11.00']);
    const reports = await importBoth([writeExport('precedence-1.csv', csv(header, ...first)), writeExport('precedence-2.csv', csv(header, ...second))]);
    expect(reports[1].updated).toBeGreaterThan(0);
    expect(reports[1].unchanged).toBeGreaterThan(0);
    await expectSameTables();
  });

  it('imports a JSON Lines file of payments and ledger entries together as SQLite does', async () => {
    const payment = (id: string, status: string, updated: string, extra: object = {}) =>
      JSON.stringify({ kind: 'payment', payment_id: id, account_id: 'acct_jl', amount_cents: 700, currency: 'EUR', status,
        created_at: '2026-11-07T10:00:00Z', updated_at: updated, alt_id: `pi_${id}`, ...extra });
    const entry = (id: string, paymentId: string, cents: number, type = 'credit_purchased') =>
      JSON.stringify({ kind: 'ledger', entry_id: id, account_id: 'acct_jl', type, amount_cents: cents, currency: 'EUR',
        created_at: '2026-11-07T10:02:00Z', payment_id: paymentId });
    const file = writeExport('mixed.jsonl', [
      entry('ent_jl_1', 'pi_pay_jl_1', 700),
      payment('pay_jl_1', 'pending', '2026-11-07T10:00:00Z'),
      payment('pay_jl_1', 'succeeded', '2026-11-07T10:01:00Z'),
      entry('ent_jl_2', 'pay_jl_2', 700),
      entry('ent_jl_3', 'pay_jl_unknown', 700),
      payment('pay_jl_2', 'refunded', '2026-11-07T10:03:00Z', { amount_refunded_cents: 700 }),
      entry('ent_jl_4', 'pay_jl_2', -700, 'refund'),
      entry('ent_jl_1', 'pi_pay_jl_1', 700),
      '{not json',
    ].join('\n') + '\n');
    const [report] = await importBoth([file]);
    expect(report).toMatchObject({ format: 'jsonl', rejected: 1 });
    await expectSameTables();
  });

  it('records the credits that name no payment as SQLite does, whether a ledger names payments by id, by alt id or by both', async () => {
    const payments = writeExport('unknown-payments.csv', csv(`${PAYMENTS_HEADER},alt_id`,
      'pay_unk_1,acct_unk,10.00,USD,succeeded,2026-11-09T10:00:00Z,,,,,pi_unk_1',
      'pay_unk_2,acct_unk,10.00,USD,succeeded,2026-11-09T11:00:00Z,,,,,pi_unk_2'));
    const ledger = (name: string, ...rows: string[]) => writeExport(name, csv(LEDGER_HEADER, ...rows));
    const byAltId = ledger('unknown-by-alt-id.csv',
      'ent_unk_a1,acct_unk,credit_purchased,10.00,USD,2026-11-09T10:01:00Z,pi_unk_1',
      'ent_unk_a2,acct_unk,credit_purchased,10.00,USD,2026-11-09T10:02:00Z,pi_unk_nowhere_a',
      'ent_unk_a3,acct_unk,refund,-10.00,USD,2026-11-09T10:03:00Z,pi_unk_2');
    const byId = ledger('unknown-by-id.csv',
      'ent_unk_b1,acct_unk,credit_purchased,10.00,USD,2026-11-09T11:01:00Z,pay_unk_2');
    const byBoth = ledger('unknown-by-both.csv',
      'ent_unk_c1,acct_unk,credit_purchased,10.00,USD,2026-11-09T12:01:00Z,pay_unk_1',
      'ent_unk_c2,acct_unk,credit_purchased,10.00,USD,2026-11-09T12:02:00Z,pi_unk_2',
      'ent_unk_c3,acct_unk,credit_purchased,10.00,USD,2026-11-09T12:03:00Z,pi_unk_nowhere_c',
      'ent_unk_c4,acct_unk,credit_purchased,10.00,USD,2026-11-09T12:04:00Z,pay_unk_nowhere_c');
    const reports = await importBoth([payments, byAltId, byId, byBoth]);
    expect(reports.map((r) => r.status)).toEqual(['imported', 'imported', 'imported', 'imported']);
    const dump = await expectSameTables();
    const unknown = (dump.unlinked_credits as { entry_id: string }[]).map((c) => c.entry_id).filter((id) => id.startsWith('ent_unk_'));
    expect(unknown).toEqual(['ent_unk_a2', 'ent_unk_c3', 'ent_unk_c4']);
    expect(await postgres.all(`SELECT id, credit_count, credited_cents, reversed_cents FROM payments WHERE id LIKE 'pay_unk_%' ORDER BY id`)).toEqual([
      { id: 'pay_unk_1', credit_count: 2, credited_cents: 2000, reversed_cents: 0 },
      { id: 'pay_unk_2', credit_count: 2, credited_cents: 2000, reversed_cents: 1000 },
    ]);
  });

  it('records a canceled import as SQLite does', async () => {
    const file = writeExport('canceled.csv', csv(PAYMENTS_HEADER, 'pay_cancel_1,acct_cancel,10.00,USD,succeeded,2026-11-08T10:00:00Z,,,,'));
    const signal = AbortSignal.abort();
    const fromSqlite = await importFile(sqlite, file, { mappings: [], signal, displayPath: file });
    const fromPostgres = await importFilePostgres(postgres, file, { mappings: [], signal, displayPath: file });
    expect(fromPostgres.status).toBe('canceled');
    expect(comparable(fromPostgres)).toEqual(comparable(fromSqlite));
    await expectSameTables();
  });

  it('reads the same stored row hashes as SQLite for recognising unchanged rows', async () => {
    // Read whole within the read: the pages are read as they are iterated.
    const fromPostgres = await postgres.read(async () => rowHashSetOf(await storedRowHashes(postgres)));
    const fromSqlite = await rowHashSetOf(new ImportStore(sqlite.db, 0).storedRowHashes()!);
    expect(fromPostgres?.size).toBeGreaterThan(1000);
    expect(fromPostgres?.size).toBe(fromSqlite?.size);
    // The same hashes; each store reads them in its own order, which moves where a collision lands in the set.
    const hashes = (set: RowHashSet) => {
      const slots = new Uint32Array(set.buffer);
      const pairs: string[] = [];
      for (let i = 0; i < slots.length; i += 2) if (slots[i] !== 0 || slots[i + 1] !== 0) pairs.push(`${slots[i]}:${slots[i + 1]}`);
      return pairs.sort();
    };
    expect(hashes(fromPostgres!)).toEqual(hashes(fromSqlite!));
  });

  it('leaves nothing of a file that fails halfway or has too many bad rows', async () => {
    const before = await tables(postgres);
    const rows = Array.from({ length: 5000 }, (_, i) =>
      `pay_half_${i},acct_half,10.00,USD,succeeded,2026-11-03T10:00:00Z,2026-11-03T10:00:00Z,,,`);
    const whole = zlib.gzipSync(Buffer.from(csv(PAYMENTS_HEADER, ...rows)));
    const truncated = writeExport('truncated.csv', whole.subarray(0, Math.floor(whole.length * 0.6)));
    const mostlyBad = writeExport('mostly-bad.csv', csv(PAYMENTS_HEADER, ...rows.map((r, i) => (i % 2 ? r : r.replace('10.00', 'ten')))));
    const reports = await importBoth([truncated, mostlyBad]);
    expect(reports.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    const after = await expectSameTables();
    for (const name of ['payments', 'ledger_entries', 'account_totals', 'data_bounds', 'unlinked_credits']) expect(after[name], name).toEqual(before[name]);
    // The first 100 errors of the rejected file are kept to show the user.
    expect(after.rejected_rows.length).toBe(before.rejected_rows.length + 100);
  });

  it('rolls back everything when the database fails while applying a file', async () => {
    const before = await tables(postgres);
    await postgres.exec(`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused for the test'; END; $$;
      CREATE TRIGGER refuse_totals BEFORE INSERT OR UPDATE ON account_totals FOR EACH ROW EXECUTE FUNCTION refuse();`);
    try {
      const file = writeExport('refused.jsonl', [
        JSON.stringify({ kind: 'payment', payment_id: 'pay_refused', account_id: 'acct_refused', amount: '3.00', currency: 'USD', status: 'succeeded',
          created_at: '2026-11-04T10:00:00Z', updated_at: '2026-11-04T10:00:00Z' }),
        JSON.stringify({ kind: 'ledger', entry_id: 'ent_refused', account_id: 'acct_refused', type: 'credit_purchased', amount: '3.00',
          currency: 'USD', created_at: '2026-11-04T10:01:00Z', payment_id: 'pay_refused' }),
      ].join('\n') + '\n');
      await expect(importIntoPostgres(postgres, [file])).rejects.toThrow(/refused for the test/);
    } finally {
      await postgres.exec('DROP TRIGGER refuse_totals ON account_totals; DROP FUNCTION refuse();');
    }
    expect(await tables(postgres)).toEqual(before);
  });

  it('imports a file once when two processes sync it at the same time', async () => {
    const other = PostgresStore.connect(team.url);
    try {
      const file = writeExport('concurrent.csv', csv(LEDGER_HEADER,
        ...Array.from({ length: 2000 }, (_, i) => `ent_conc_${i},acct_conc,usage,-0.01,USD,2026-11-05T10:00:00Z,`)));
      const reports = await Promise.all([importIntoPostgres(postgres, [file]), importIntoPostgres(other, [file])]);
      expect(reports.map(([r]) => r.status).sort()).toEqual(['imported', 'skipped']);
      expect(await postgres.value(`SELECT count(*) FROM ledger_entries WHERE id LIKE 'ent_conc_%'`)).toBe(2000);
      expect(await postgres.get(`SELECT entries, balance_cents FROM account_totals WHERE account_id = 'acct_conc'`)).toEqual({ entries: 2000, balance_cents: -2000 });
    } finally {
      await other.close();
    }
  });
});

