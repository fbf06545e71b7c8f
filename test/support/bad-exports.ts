// The corpus of bad exports in test/fixtures/bad: its expected outcomes (expected.json), and the cases too big
// to commit, written at test time. Shared with the end-to-end suite.
import fs from 'node:fs';
import path from 'node:path';
import { PAYMENTS_HEADER } from './db.js';

export const BAD_EXPORTS_DIR = path.resolve(__dirname, '../fixtures/bad');

type Table = 'payments' | 'ledger_entries';

export interface ExpectedRowError {
  line: number;
  /** A substring of the reason. */
  reason: string;
}

export interface BadExportCase {
  /** Relative to BAD_EXPORTS_DIR: a file, or a folder synced at once. */
  path: string;
  what: string;
  /** Written at test time by writeGeneratedExport instead of committed. */
  generated?: boolean;
  /** Files imported before this one (relative to BAD_EXPORTS_DIR). */
  before?: string[];
  /** How the format was told: "header" when the file's name says otherwise. */
  recognisedBy?: 'header';
  exitCode: number;
  status?: 'imported' | 'skipped' | 'rejected' | 'unrecognised';
  format?: string;
  /** A substring of the reason, for rejected and unrecognised files. */
  reason?: string;
  /** The line named in the reason, or null when the problem has none. */
  line?: number | null;
  header?: string;
  rows?: number;
  counts?: Partial<Record<'inserted' | 'updated' | 'unchanged' | 'ignored' | 'rejected' | 'conflicts', number>>;
  errors?: ExpectedRowError[];
  conflicts?: { entry: string; line: number }[];
  /** For a folder: each file's outcome, in sync order. */
  files?: { path: string; status: string; reason?: string; line?: number }[];
  /** Ids this file (or folder) added to each table. */
  applied: Record<Table, string[]>;
  /** Column values after the import: table → id → column → value. */
  stored?: Partial<Record<Table, Record<string, Record<string, string | number>>>>;
}

export function badExportCases(): BadExportCase[] {
  return (JSON.parse(fs.readFileSync(path.join(BAD_EXPORTS_DIR, 'expected.json'), 'utf8')) as { cases: BadExportCase[] }).cases;
}

const T = '2026-03-15T10:00:00Z';
const paymentLine = (id: string, description = 'Credit pack') => `${id},acct_1,10.00,usd,succeeded,${T},,,a@example.com,${description}`;

/** The 10 MiB description of ten-megabyte-field.csv, as it must be stored. */
export function tenMegabyteDescription(): string {
  const unit = 'Log 0001: "quoted", a comma, and a line break\n';
  return unit.repeat(Math.ceil((10 * 1024 * 1024) / unit.length)).slice(0, 10 * 1024 * 1024);
}

const GENERATORS: Record<string, () => string> = {
  'ten-megabyte-field.csv': () =>
    [PAYMENTS_HEADER, paymentLine('pay_1', `"${tenMegabyteDescription().replace(/"/g, '""')}"`), paymentLine('pay_2')].join('\n') + '\n',
  // 10 canonical columns, then empty ones up to 1,000,000 on the line.
  'million-columns.csv': () => [PAYMENTS_HEADER, paymentLine('pay_1') + ','.repeat(1_000_000 - 10), paymentLine('pay_2')].join('\n') + '\n',
  'too-many-bad-rows.csv': () => {
    const bad = Array.from({ length: 1001 }, (_, i) => `pay_${i + 2},acct_1,lots,usd,succeeded,${T},,,,`);
    return [PAYMENTS_HEADER, paymentLine('pay_1'), ...bad].join('\n') + '\n';
  },
};

/** Writes a generated case into `dir` and returns its path. */
export function writeGeneratedExport(name: string, dir: string): string {
  const generate = GENERATORS[name];
  if (!generate) throw new Error(`no generator for ${name}`);
  const file = path.join(dir, name);
  fs.writeFileSync(file, generate());
  return file;
}
