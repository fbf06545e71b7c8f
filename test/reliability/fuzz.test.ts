// Seeded, bounded fuzzing of the import: damaged exports of every format (and plain noise) never make
// importFile/syncPaths throw, never break the database, and are applied whole or not at all. Then the
// csv-spectrum corpus of tricky-but-valid CSV through the same record reader and import.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ImportFileReport } from '../../shared/domain.js';
import { readCsvRecords } from '../../main/core/import/csv-records.js';
import { fileBytes } from '../../main/core/import/file-source.js';
import { syncPaths } from '../../main/core/import/sync.js';
import { utf8Text } from '../../main/core/import/utf8-text.js';
import { saveMapping } from '../../main/core/mappings.js';
import { REPO_ROOT } from '../support/cli.js';
import { papaCoreParserCases, readInChunks } from '../support/csv-chunks.js';
import { memoryDb, tempDir, type TestDb } from '../support/db.js';
import { contentDigests, IMPORT_HISTORY_TABLES, integrityCheck, tableCounts } from '../support/db-state.js';
import { damagedExport, PRIOR_STATE, type DamagedExport } from '../support/export-mutations.js';

// Bounded by default; a longer hunt: PAYDESK_FUZZ_RUNS=20000 PAYDESK_FUZZ_SECONDS=600 PAYDESK_FUZZ_SEED=7 npx vitest run test/reliability/fuzz.test.ts
const SEED = Number(process.env.PAYDESK_FUZZ_SEED ?? 42026);
const ITERATIONS = Number(process.env.PAYDESK_FUZZ_RUNS ?? 300);
const TIME_LIMIT_MS = Number(process.env.PAYDESK_FUZZ_SECONDS ?? 30) * 1000;

/** A fresh database holding the prior state, so that damaged files can also update and conflict. */
async function databaseWithPriorState(dir: string): Promise<TestDb> {
  const db = memoryDb();
  const files = PRIOR_STATE.map((sample) => {
    const file = path.join(dir, sample.fileName);
    if (!fs.existsSync(file)) fs.writeFileSync(file, sample.text);
    return file;
  });
  const reports = await syncPaths(db, files);
  expect(reports.map((r) => r.status)).toEqual(['imported', 'imported']);
  return db;
}

/** The promise of one import: a report, an intact database, and all of the file or none of it. */
function expectWholeOrNothing(report: ImportFileReport, before: { counts: Record<string, number>; digests: Record<string, string> }, db: TestDb) {
  expect(integrityCheck(db)).toBe('ok');
  const after = tableCounts(db);
  const delta = (table: string) => after[table] - before.counts[table];
  expect(delta('imports')).toBe(1);
  if (report.status === 'imported') {
    const { inserted, updated, unchanged, ignored, rejected, conflicts, rows } = report;
    expect(inserted + updated + unchanged + ignored + rejected + conflicts).toBe(rows);
    expect(delta('payments') + delta('ledger_entries') + delta('reviews')).toBe(inserted);
    expect(delta('ledger_conflicts')).toBe(conflicts);
    expect(delta('rejected_rows')).toBe(rejected);
    expect(delta('review_log')).toBe(report.format === 'reviews' ? inserted + updated : 0);
    const firstDataLine = report.format?.endsWith('jsonl') || report.format === 'jsonl' ? 1 : 2; // CSV: line 1 is the header
    for (const error of report.errors) expect(error.line).toBeGreaterThanOrEqual(firstDataLine);
  } else {
    expect(['rejected', 'unrecognised', 'skipped']).toContain(report.status);
    expect(report.reason).toBeTruthy();
    expect(contentDigests(db, IMPORT_HISTORY_TABLES)).toEqual(before.digests);
  }
}

describe(`fuzzing the import (${ITERATIONS} damaged exports, seed ${SEED}, at most ${TIME_LIMIT_MS / 1000} s)`, () => {
  it('never throws, never breaks the database, and applies each file whole or not at all', async () => {
    const dir = tempDir();
    const outcomes = new Map<string, number>();
    let iteration = 0;
    const details = await fc.check(
      fc.asyncProperty(damagedExport, fc.constantFrom<number | undefined>(undefined, 2), async (damaged: DamagedExport, maxRejectedRows) => {
        const db = await databaseWithPriorState(dir);
        try {
          const file = path.join(dir, `${++iteration}-${damaged.fileName}`);
          fs.writeFileSync(file, damaged.bytes);
          const before = { counts: tableCounts(db), digests: contentDigests(db, IMPORT_HISTORY_TABLES) };
          const reports = await syncPaths(db, [file], { maxRejectedRows });
          expect(reports).toHaveLength(1);
          expectWholeOrNothing(reports[0], before, db);
          const outcome = reports[0].status === 'imported' && reports[0].rejected > 0 ? 'imported with rejected rows' : reports[0].status;
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        } finally {
          await db.close();
        }
      }),
      { seed: SEED, numRuns: ITERATIONS, interruptAfterTimeLimit: TIME_LIMIT_MS },
    );
    console.log(`fuzz: ${details.numRuns} damaged exports imported (seed ${SEED}${details.interrupted ? ', stopped at the time limit' : ''}):`, Object.fromEntries(outcomes));
    expect(details.failed, `${fc.defaultReportMessage(details) ?? ''}\n${String(details.errorInstance)}`).toBe(false);
    expect(details.numRuns).toBeGreaterThanOrEqual(Math.min(100, ITERATIONS));
    // The damage reaches every outcome, so the invariants were checked on each path.
    for (const outcome of ['imported', 'imported with rejected rows', 'rejected', 'unrecognised']) expect(outcomes.get(outcome) ?? 0).toBeGreaterThan(0);
  }, TIME_LIMIT_MS + 30_000);
});

const SPECTRUM_DIR = path.join(REPO_ROOT, 'node_modules/csv-spectrum');
const spectrumCases = fs
  .readdirSync(path.join(SPECTRUM_DIR, 'csvs'))
  .filter((name) => name.endsWith('.csv'))
  .map((name) => ({
    name: name.replace(/\.csv$/, ''),
    csv: path.join(SPECTRUM_DIR, 'csvs', name),
    json: JSON.parse(fs.readFileSync(path.join(SPECTRUM_DIR, 'json', name.replace(/\.csv$/, '.json')), 'utf8')) as Record<string, string>[] | Record<string, string>,
  }));

async function readRecords(file: string) {
  let names: string[] = [];
  const records: { fields: string[]; line: number }[] = [];
  await readCsvRecords(utf8Text(fileBytes(file)), {
    header: (header) => {
      names = header.names;
    },
    record: (record) => records.push({ fields: record.fields(), line: record.line }),
  });
  return { names, rows: records.map((r) => Object.fromEntries(names.map((name, i) => [name, r.fields[i] ?? '']))), records };
}

/** A mapping that lets the spectrum's header in as payments, so that its rows go through the whole import. */
async function mapHeaderAsPayments(db: TestDb, names: string[]) {
  const column = (i: number) => names[i % names.length];
  await saveMapping(db, {
    kind: 'payments',
    headerNames: names,
    fields: { payment_id: column(0), account_id: column(1), amount_cents: column(0), currency: column(2), status: column(1), created_at: column(2) },
  });
}

describe('csv-spectrum (tricky valid CSV)', () => {
  it('is installed: 12 cases', () => {
    expect(spectrumCases.map((c) => c.name)).toHaveLength(12);
  });

  it.each(spectrumCases.map((c) => [c.name, c] as const))('%s: the record reader gives the expected rows', async (name, spectrum) => {
    const { rows } = await readRecords(spectrum.csv);
    const expected = Array.isArray(spectrum.json) ? spectrum.json : [spectrum.json];
    if (name === 'location_coordinates') {
      // The corpus's own JSON disagrees with its CSV on the phone number; everything else must match.
      expect(rows.map(({ ['Contact Phone Number']: _, ...rest }) => rest)).toEqual(expected.map(({ ['Contact Phone Number']: _, ...rest }) => rest));
    } else {
      expect(rows).toEqual(expected);
    }
  });

  it.each(spectrumCases.map((c) => [c.name, c] as const))('%s: imports without throwing; an unterminated quote added at the end is reported on its line', async (_name, spectrum) => {
    const dir = tempDir();
    const { names, records } = await readRecords(spectrum.csv);
    const db = memoryDb();
    try {
      await mapHeaderAsPayments(db, names);
      const before = { counts: tableCounts(db), digests: contentDigests(db, IMPORT_HISTORY_TABLES) };
      const [report] = await syncPaths(db, [spectrum.csv]);
      expect(report.status).toBe('imported');
      expect(report.rows).toBe(records.length);
      expectWholeOrNothing(report, before, db);

      const original = fs.readFileSync(spectrum.csv, 'utf8');
      const text = original.endsWith('\n') ? original : original + '\n';
      const badLine = text.split('\n').length; // the physical line after the last one
      const bad = path.join(dir, `${spectrum.name}-bad-quote.csv`);
      fs.writeFileSync(bad, `${text}"never closed,1,2\n`);
      const [rejected] = await syncPaths(db, [bad]);
      expect(rejected).toMatchObject({ status: 'rejected', reason: `line ${badLine}: unterminated quoted field` });
      expect(integrityCheck(db)).toBe('ok');
    } finally {
      await db.close();
    }
  });
});

describe("Papa Parse's own core-parser cases through the streaming record reader", () => {
  const cases = papaCoreParserCases().filter((c) => c.config === undefined);

  it('are shipped with papaparse: at least 40 cases without parser options', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases.map((c) => [c.description, c] as const))('%s', async (_description, papaCase) => {
    // The reader takes the first line as the header, so one goes first and all of Papa's input is records.
    const text = `h1,h2,h3\n${papaCase.input}`;
    const whole = await readInChunks(text);
    for (const sizes of [[1], [2, 3, 5], [7]]) expect(await readInChunks(text, sizes)).toEqual(whole);

    if (papaCase.expected.errors.some((e) => e.code === 'MissingQuotes')) {
      expect(whole.error).toMatchObject({ reason: 'unterminated quoted field', line: expect.any(Number) });
      return;
    }
    expect(whole.error).toBeUndefined();
    // Blank lines are not records for the importer; Papa keeps them as [''].
    const expected = papaCase.expected.data
      .map((fields, row) => ({ fields, row }))
      .filter(({ fields }) => !(fields.length === 1 && fields[0].trim() === ''));
    expect(whole.records.map((r) => r.fields)).toEqual(expected.map((r) => r.fields));
    const badQuoteRows = new Set(papaCase.expected.errors.filter((e) => e.code === 'InvalidQuotes').map((e) => e.row));
    expect(whole.records.map((r) => r.problem === 'malformed quoted field')).toEqual(expected.map((r) => badQuoteRows.has(r.row)));
  });
});
