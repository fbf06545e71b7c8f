// Every export in the bad corpus (test/fixtures/bad, expected.json) through the real CLI on a fresh database of
// each store (a SQLite file, or a team database's URL): the exit code, the status, the reason naming the file and line, exactly which rows were applied, and that a
// rejected file changed nothing but the import history.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type ExpectStatic } from 'vitest';
import { SqliteStore } from '../../main/core/store/sqlite-store.js';
import type { Store } from '../../main/core/store/store.js';
import { BAD_EXPORTS_DIR, badExportCases, tenMegabyteDescription, writeGeneratedExport, type BadExportCase } from '../support/bad-exports.js';
import { cliDatabase, closeCliDatabases, ensureCliBuilt, runPaydeskAsync } from '../support/cli.js';
import { tempDir } from '../support/db.js';
import { IMPORT_HISTORY_TABLES, integrityCheck } from '../support/db-state.js';
import { storeContentDigests, storeIds, storeTableCounts } from '../support/store-contents.js';
import { describeStores } from '../support/stores.js';

const cases = badExportCases();

interface ReportedFile {
  path: string;
  status: string;
  format: string | null;
  reason?: string;
  header?: string;
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  ignored: number;
  rejected: number;
  conflicts: number;
  errors: { line: number; reason: string; raw: string }[];
  importId: number;
}

async function snapshot(db: Store) {
  return {
    digests: await storeContentDigests(db, IMPORT_HISTORY_TABLES),
    counts: await storeTableCounts(db, IMPORT_HISTORY_TABLES),
    payments: await storeIds(db, 'payments'),
    ledger_entries: await storeIds(db, 'ledger_entries'),
  };
}

const added = (after: string[], before: string[]) => after.filter((id) => !before.includes(id));

beforeAll(() => ensureCliBuilt(), 120_000);

// The corpus itself: no database.
describe('the bad-export corpus', () => {
  it('holds at least 25 committed files, each with an expected outcome', () => {
    const committed = (fs.readdirSync(BAD_EXPORTS_DIR, { recursive: true, withFileTypes: true }) as fs.Dirent[])
      .filter((entry) => entry.isFile() && entry.name !== 'expected.json')
      .map((entry) => path.relative(BAD_EXPORTS_DIR, path.join(entry.parentPath, entry.name)));
    expect(committed.length).toBeGreaterThanOrEqual(25);
    const covered = (file: string) => cases.some((c) => c.path === file || c.before?.includes(file) || file.startsWith(c.path + path.sep));
    expect(committed.filter((file) => !covered(file))).toEqual([]);
    expect(cases.filter((c) => c.generated).map((c) => c.path)).toEqual(['ten-megabyte-field.csv', 'million-columns.csv', 'too-many-bad-rows.csv']);
  });
});

describeStores('the bad-export corpus', (kind) => {
  // Not afterEach: the cases run concurrently, each on its own database.
  afterAll(() => closeCliDatabases());

  // Concurrent, two CLI processes at a time (runPaydeskAsync): each case has its own folder and database.
  it.concurrent.for(cases.map((c) => [c.path, c] as const))('%s', async ([, expected], { expect }) => {
    const dir = tempDir();
    const database = await cliDatabase(kind);
    for (const first of expected.before ?? []) {
      expect((await runPaydeskAsync(['import', '--json', '--db', database.target, path.join(BAD_EXPORTS_DIR, first)])).code).toBe(0);
    }
    const target = expected.generated ? writeGeneratedExport(expected.path, dir) : path.join(BAD_EXPORTS_DIR, expected.path);
    const db = await database.store();
    const before = await snapshot(db);

    const result = await runPaydeskAsync(['import', '--json', '--db', database.target, target]);

    expect(result.code).toBe(expected.exitCode);
    const reports = (JSON.parse(result.stdout) as { files: ReportedFile[] }).files;
    if (expected.files) {
      expect(reports.map((r) => path.relative(target, r.path))).toEqual(expected.files.map((f) => f.path));
      expected.files.forEach((file, i) => expectOutcome(expect, reports[i], file, result.stderr));
    } else {
      expect(reports).toHaveLength(1);
      expectOutcome(expect, reports[0], expected, result.stderr);
      expectCounts(expect, reports[0], expected);
    }

    const after = await snapshot(db);
    expect({ payments: added(after.payments, before.payments), ledger_entries: added(after.ledger_entries, before.ledger_entries) }).toEqual(
      expected.applied,
    );
    if (expected.status === 'rejected' || expected.status === 'unrecognised') {
      expect(after.counts).toEqual(before.counts);
      expect(after.digests).toEqual(before.digests);
    }
    await expectStoredState(expect, db, expected, reports[0]);
    fs.rmSync(dir, { recursive: true, force: true }); // kept when a check above fails, to look at
  });
});

/** Status, reason and line of one file's report, and the one-line message on stderr for a failed file. */
interface ExpectedOutcome {
  status?: string;
  reason?: string;
  line?: number | null;
  format?: string;
  header?: string;
}

function expectOutcome(expect: ExpectStatic, report: ReportedFile, expected: ExpectedOutcome, stderr: string) {
  expect(report.status).toBe(expected.status);
  if (expected.format) expect(report.format).toBe(expected.format);
  if (expected.header) expect(report.header).toBe(expected.header);
  const failed = report.status === 'rejected' || report.status === 'unrecognised';
  if (!failed) {
    expect(stderr).not.toContain(path.basename(report.path));
    return;
  }
  expect(report.reason).toContain(expected.reason);
  const message = stderr.split('\n').find((line) => line.startsWith(`${report.path}: ${report.status}: `));
  expect(message, `stderr names ${report.path}:\n${stderr}`).toBeDefined();
  expect(message).toContain(expected.reason);
  if (typeof expected.line === 'number') expect(message).toContain(`: line ${expected.line}: `);
  else expect(message).not.toMatch(/line \d+/);
}

function expectCounts(expect: ExpectStatic, report: ReportedFile, expected: BadExportCase) {
  if (expected.rows !== undefined) expect(report.rows).toBe(expected.rows);
  if (expected.counts) expect(report).toMatchObject(expected.counts);
  if (expected.errors) {
    expect(report.errors.map((e) => e.line)).toEqual(expected.errors.map((e) => e.line));
    report.errors.forEach((error, i) => expect(error.reason).toContain(expected.errors![i].reason));
    expect(report.rejected).toBe(expected.errors.length);
  }
  if (report.status === 'imported') {
    expect(report.inserted + report.updated + report.unchanged + report.ignored + report.rejected + report.conflicts).toBe(report.rows);
  }
}

async function expectStoredState(expect: ExpectStatic, db: Store, expected: BadExportCase, report: ReportedFile) {
  // PRAGMA integrity_check is SQLite's own check of its file; PostgreSQL has none to ask.
  if (db instanceof SqliteStore) expect(integrityCheck(db)).toBe('ok');
  for (const [table, rows] of Object.entries(expected.stored ?? {})) {
    for (const [id, values] of Object.entries(rows)) {
      expect(await db.get(`SELECT * FROM ${table} WHERE id = ?`, [id]), `${table} ${id}`).toMatchObject(values);
    }
  }
  if (expected.conflicts) {
    const conflicts = await db.all('SELECT entry_id AS entry, line FROM ledger_conflicts WHERE import_id = ? ORDER BY id', [report.importId]);
    expect(conflicts).toEqual(expected.conflicts);
  }
  if (expected.path === 'ten-megabyte-field.csv') {
    expect(await db.value(`SELECT description FROM payments WHERE id = 'pay_1'`)).toBe(tenMegabyteDescription());
  }
  if (expected.path === 'too-many-bad-rows.csv') {
    // The user can still see why: the first rejected rows are kept with the rejected import.
    expect(await db.value('SELECT count(*) FROM rejected_rows WHERE import_id = ?', [report.importId])).toBe(100);
  }
}
