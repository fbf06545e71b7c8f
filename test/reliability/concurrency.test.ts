// Reading flags while a big import runs in another process: readers never wait on the writer (no SQLITE_BUSY,
// even with no busy timeout at all), and every read sees one consistent snapshot: before the commit none of the
// new file, after it all of it; never a mix, never back again.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FLAG_SETTINGS, type FlagsResult } from '../../shared/domain.js';
import type { Db } from '../../main/core/db/open.js';
import { computeFlags } from '../../main/core/flags/index.js';
import { syncPaths } from '../../main/core/import/sync.js';
import { ensureCliBuilt, exited, spawnPaydesk } from '../support/cli.js';
import { fileDb, tempDir, type TestDb } from '../support/db.js';
import { rowCount } from '../support/db-state.js';
import { ImportWatch, pause } from '../support/import-watch.js';
import { earlierSnapshot, generatePayments, writeCreditsExport, writePaymentsExport, type GeneratedPayment } from '../support/payment-exports.js';

const EXPORT = { seed: 777, count: 100_000 };
const BASELINE_PAYMENTS = 2_000;

interface FlagsRead {
  /** payments counted in the same read transaction, before and after computing the flags */
  countBefore: number;
  countAfter: number;
  flags: FlagsResult;
  digest: string;
  ms: number;
}

/** Flags, and the payments count on either side of them, in one read transaction. */
async function readFlags(db: TestDb): Promise<FlagsRead> {
  const started = Date.now();
  const read = await db.read(async () => {
    const countBefore = rowCount(db, 'payments');
    const flags = await computeFlags(db, { settings: DEFAULT_FLAG_SETTINGS });
    return { countBefore, flags, countAfter: rowCount(db, 'payments') };
  });
  return { ...read, digest: createHash('sha256').update(JSON.stringify(read.flags)).digest('hex'), ms: Date.now() - started };
}

/**
 * Whether a writer holds the database's write lock right now: a BEGIN IMMEDIATE that fails at once with
 * SQLITE_BUSY. The import's transaction holds it from its first row to its commit. (Telling that from the export's
 * read passes alone misses the short hashing pass whenever it falls between two samples.)
 */
function writerActive(probe: Db): boolean {
  try {
    probe.exec('BEGIN IMMEDIATE');
    probe.exec('ROLLBACK');
    return false;
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return true;
    throw error;
  }
}

/** A reader that fails at once instead of waiting for a lock. */
function impatientReader(dbFile: string): TestDb {
  const db = fileDb(dbFile);
  db.pragma('busy_timeout = 0');
  return db;
}

let dir: string;
let dbFile: string;
let exportFile: string;

beforeAll(async () => {
  ensureCliBuilt();
  dir = tempDir();
  dbFile = path.join(dir, 'paydesk.db');
  exportFile = path.join(dir, 'payments-large.csv');
  writePaymentsExport(exportFile, generatePayments(EXPORT));
  const first: GeneratedPayment[] = [];
  for (const payment of generatePayments(EXPORT)) if (first.push(payment) === BASELINE_PAYMENTS) break;
  writePaymentsExport(path.join(dir, 'older-payments.csv'), first.map(earlierSnapshot));
  writeCreditsExport(path.join(dir, 'ledger.csv'), first);
  const db = fileDb(dbFile);
  const reports = await syncPaths(db, [path.join(dir, 'older-payments.csv'), path.join(dir, 'ledger.csv')]);
  expect(reports.map((r) => r.status)).toEqual(['imported', 'imported']);
  await db.close();
}, 120_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe(`reading flags while \`paydesk import\` writes ${EXPORT.count.toLocaleString('en')} payments`, () => {
  it('never waits, never fails, and sees the file not at all or all of it', async () => {
    const reader = impatientReader(dbFile);
    const longReader = impatientReader(dbFile);
    const lockProbe = impatientReader(dbFile);
    try {
      const before = await readFlags(reader);
      expect(before.countBefore).toBe(BASELINE_PAYMENTS);
      const reads: (FlagsRead & { inTransaction: boolean })[] = [];
      // A read transaction opened before the import and held across its commit.
      await longReader.read(async () => {
        expect(rowCount(longReader, 'payments')).toBe(BASELINE_PAYMENTS);

        const child = spawnPaydesk(['import', '--json', '--db', dbFile, exportFile]);
        const watch = new ImportWatch(child.pid!, exportFile, dbFile);
        while (child.exitCode === null && child.signalCode === null) {
          const progress = watch.sample();
          const writing = writerActive(lockProbe.db);
          reads.push({ ...(await readFlags(reader)), inTransaction: progress.opens >= 2 || writing });
          await pause(10);
        }
        const { code } = await exited(child);
        expect(code).toBe(0);

        // Still the old snapshot inside the long read, whatever was committed meanwhile.
        expect(rowCount(longReader, 'payments')).toBe(BASELINE_PAYMENTS);
        expect((await readFlags(longReader)).digest).toBe(before.digest);
      });

      const after = await readFlags(reader);
      expect(after.countBefore).toBe(EXPORT.count);
      expect((await readFlags(longReader)).digest).toBe(after.digest);
      expect(after.digest).not.toBe(before.digest);

      for (const read of reads) {
        expect(read.countAfter).toBe(read.countBefore);
        expect([BASELINE_PAYMENTS, EXPORT.count]).toContain(read.countBefore);
        expect(read.digest).toBe(read.countBefore === EXPORT.count ? after.digest : before.digest);
      }
      const firstNew = reads.findIndex((r) => r.countBefore === EXPORT.count);
      if (firstNew >= 0) expect(reads.slice(firstNew).every((r) => r.countBefore === EXPORT.count)).toBe(true);
      const duringTransaction = reads.filter((r) => r.inTransaction && r.countBefore === BASELINE_PAYMENTS);
      expect(duringTransaction.length).toBeGreaterThanOrEqual(5);
      console.log(
        `concurrency: ${reads.length} flag reads while the import ran (${duringTransaction.length} inside its transaction, ` +
          `${reads.length - (firstNew < 0 ? reads.length : firstNew)} after its commit), slowest ${Math.max(...reads.map((r) => r.ms))} ms, no SQLITE_BUSY`,
      );
    } finally {
      await longReader.close();
      await lockProbe.close();
      await reader.close();
    }
  }, 120_000);
});
