// Files paydesk writes hold customer emails: the database (with its WAL and shared-memory files) and every CSV
// export are readable by their owner only, whatever the umask, and an existing file is tightened. Every text
// cell a spreadsheet would run as a formula is neutralised, in every export, from either store.
import fs from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../main/core/db/open.js';
import { cliDatabase, closeCliDatabases, ensureCliBuilt, runPaydesk, runPaydeskWithUmask } from '../support/cli.js';
import { csv, LEDGER_HEADER, PAYMENTS_HEADER, tempDir, writeExport } from '../support/db.js';
import { describeStores } from '../support/stores.js';

const mode = (file: string) => fs.statSync(file).mode & 0o777;
const EXPORTS = ['stuck', 'duplicates', 'limited', 'reviews'] as const;
type ExportKind = (typeof EXPORTS)[number];

/** Exports whose text starts like formulas: ids, emails and invoices from the files, notes from reviewers. */
function hostileFolder(): string {
  const dir = tempDir();
  writeExport(
    'payments.csv',
    csv(
      PAYMENTS_HEADER,
      '=1+2,@SUM(A1),10.00,usd,pending,2026-03-15T09:00:00Z,,-2+3,+cmd@example.com,',
      '-5,acct_2,25.00,usd,succeeded,2026-03-15T10:00:00Z,,in_2,two@example.com,',
      '@pay,acct_2,25.00,usd,succeeded,2026-03-15T10:05:00Z,,in_3,two@example.com,',
      '%pay,|acct,5.00,usd,processing,2026-03-15T09:30:00Z,,,,',
    ),
    dir,
  );
  writeExport('ledger.csv', csv(LEDGER_HEADER, 'le_1,-acct,credit_free,5.00,usd,2026-03-01T00:00:00Z,', 'le_2,+acct,credit_free,3.00,usd,2026-03-01T00:00:00Z,'), dir);
  return dir;
}

beforeAll(() => ensureCliBuilt(), 120_000);

// Database file modes are SQLite's: a team database is no file of ours.
describe('owner-only database files', () => {
  it('creates the database 0600 and its folders 0700 under a permissive umask; the WAL and shared memory are 0600 too', () => {
    const newDb = path.join(tempDir(), 'new', 'folder', 'paydesk.db');
    const result = runPaydeskWithUmask('000', ['import', '--db', newDb, hostileFolder()]);
    expect(result.code, result.stderr).toBe(0);
    expect(mode(newDb)).toBe(0o600);
    expect(mode(path.dirname(newDb))).toBe(0o700);
    expect(mode(path.dirname(path.dirname(newDb)))).toBe(0o700);

    const previousUmask = process.umask(0);
    try {
      const db = openDb(newDb);
      db.prepare('SELECT count(*) FROM payments').get(); // the WAL and -shm files exist while a connection reads
      expect(mode(`${newDb}-wal`)).toBe(0o600);
      expect(mode(`${newDb}-shm`)).toBe(0o600);
      db.close();
    } finally {
      process.umask(previousUmask);
    }
  });

  it('tightens an existing world-readable database file to 0600 when it opens it', () => {
    const oldDb = path.join(tempDir(), 'paydesk.db');
    fs.writeFileSync(oldDb, '');
    fs.chmodSync(oldDb, 0o644);
    expect(runPaydesk(['flags', '--db', oldDb]).code).toBe(0);
    expect(mode(oldDb)).toBe(0o600);
  });
});

describeStores('CSV exports', (kind) => {
  let dir: string;
  let dbTarget: string;
  /** Each export, written under umask 000, and its cells as a CSV reader sees them. */
  const exported = {} as Record<ExportKind, { file: string; rows: string[][] }>;

  beforeAll(async () => {
    dir = tempDir();
    dbTarget = (await cliDatabase(kind)).target;
    expect(runPaydesk(['import', '--db', dbTarget, hostileFolder()]).code).toBe(0);
    const review = (key: string, decision: string, note: string) =>
      expect(runPaydesk(['review', '--db', dbTarget, '--note', note, '--reviewer', '@reviewer', '--', key, decision]).code).toBe(0);
    review('=1+2', 'escalated', '\t=cmd|calc');
    review('-5|@pay', 'refund_needed', '\r=HYPERLINK("http://x")');
    review('-acct', 'contacted', '+1 555 0100');
    for (const what of EXPORTS) {
      const file = path.join(dir, `${what}.csv`);
      const result = runPaydeskWithUmask('000', ['export', '--db', dbTarget, what, '--out', file, '--as-of', '2026-03-15T12:00:00Z']);
      expect(result.code, result.stderr).toBe(0);
      const parsed = Papa.parse<string[]>(fs.readFileSync(file, 'utf8').replace(/\r\n$/, ''), { newline: '\r\n' });
      expect(parsed.errors).toEqual([]);
      exported[what] = { file, rows: parsed.data };
    }
  }, 120_000);

  afterAll(() => closeCliDatabases());

  describe('owner-only export files', () => {
    it.each(EXPORTS)('writes the %s export 0600 under a permissive umask, and tightens a file that was there', (what) => {
      expect(mode(exported[what].file)).toBe(0o600);
      const existing = path.join(dir, `${what}-again.csv`);
      fs.writeFileSync(existing, 'old contents');
      fs.chmodSync(existing, 0o644);
      expect(runPaydesk(['export', '--db', dbTarget, what, '--out', existing]).code).toBe(0);
      expect(mode(existing)).toBe(0o600);
      expect(fs.readFileSync(existing, 'utf8')).not.toContain('old contents');
    });
  });

  describe('formula cells in CSV exports', () => {
    const column = (what: ExportKind, name: string) => {
      const [header, ...rows] = exported[what].rows;
      return rows.map((row) => row[header.indexOf(name)]);
    };

    it('leaves no cell starting with =, +, -, @, |, %, tab or CR unless it is a plain number', () => {
      const cells = EXPORTS.flatMap((what) => exported[what].rows.slice(1).flat());
      expect(cells.length).toBeGreaterThan(50);
      const dangerous = cells.filter((cell) => /^[=+\-@|%\t\r]/.test(cell) && !/^[+-]?\d+(\.\d+)?$/.test(cell));
      expect(dangerous).toEqual([]);
    });

    it('neutralises with one leading apostrophe and changes nothing else', () => {
      expect(column('stuck', 'payment_id')).toEqual(expect.arrayContaining(["'=1+2", "'%pay"]));
      expect(column('stuck', 'account_id')).toEqual(expect.arrayContaining(["'@SUM(A1)", "'|acct"]));
      expect(column('stuck', 'email')).toContain("'+cmd@example.com");
      expect(column('stuck', 'invoice_id')).toContain("'-2+3");
      expect(column('stuck', 'review_note')).toContain("'\t=cmd|calc");
      expect(column('duplicates', 'key')).toEqual(["'-5|@pay"]);
      expect(column('duplicates', 'review_note')).toEqual(['\'\r=HYPERLINK("http://x")']);
      expect(column('limited', 'account_id')).toEqual(expect.arrayContaining(["'-acct", "'+acct"]));
      expect(column('reviews', 'note')).toEqual(expect.arrayContaining(["'\t=cmd|calc", '\'\r=HYPERLINK("http://x")', "'+1 555 0100"]));
      expect(column('reviews', 'reviewer')).toEqual(["'@reviewer", "'@reviewer", "'@reviewer"]);
      // Money is data, not a formula: left as it is.
      expect(column('stuck', 'amount')).toEqual(expect.arrayContaining(['10.00', '5.00']));
    });

    it('reads its own reviews export back to the same keys, notes and reviewers on another machine', async () => {
      const other = (await cliDatabase(kind)).target;
      expect(runPaydesk(['import', '--db', other, exported.reviews.file]).code).toBe(0);
      expect(runPaydesk(['export', '--db', other, 'reviews', '--out', path.join(dir, 'reviews-other.csv')]).code).toBe(0);
      expect(fs.readFileSync(path.join(dir, 'reviews-other.csv'), 'utf8')).toBe(fs.readFileSync(exported.reviews.file, 'utf8'));
    });
  });
});
