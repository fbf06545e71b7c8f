// Imports one export file in one transaction: all of its accepted rows or none.
import fs from 'node:fs';
import type { ImportFileReport, RowError } from '../../../shared/domain.js';
import type { Db } from '../db/open.js';
import type { SqliteStore } from '../store/sqlite-store.js';
import { deferIndexesIfWorthIt, tablesWritten } from './deferred-indexes.js';
import { FileError, ImportCanceled } from './file-error.js';
import { contentHash } from './file-source.js';
import type { SavedMapping } from './formats/recognise.js';
import { PARSE_IN_WORKER_BYTES, parseWorkerAvailable, readOutcomesInWorker } from './parse-in-worker.js';
import { readOutcomes, UnrecognisedHeader, type OutcomeSink } from './read-outcomes.js';
import { ImportStore } from './store.js';

export interface ImportFileOptions {
  mappings: readonly SavedMapping[];
  /** The least number of bad rows that rejects a whole file; 1% of its rows when that is larger. */
  maxRejectedRows?: number;
  signal?: AbortSignal;
  onProgress?: (progress: { bytesRead: number; totalBytes: number; rows: number }) => void;
  /** How the path is shown in reports (relative to what the user named). */
  displayPath?: string;
}

/** Errors kept in memory for the returned report; all of them are stored in rejected_rows. */
export const REPORTED_ERRORS = 1000;

/** The SQLite store's import: row by row through prepared statements, on the store's connection alone. */
export async function importFile(sqlite: SqliteStore, file: string, options: ImportFileOptions): Promise<ImportFileReport> {
  return sqlite.exclusive(() => importFileOn(sqlite, file, options));
}

async function importFileOn(sqlite: SqliteStore, file: string, options: ImportFileOptions): Promise<ImportFileReport> {
  const db = sqlite.db;
  const started = Date.now();
  const report: ImportFileReport = {
    path: options.displayPath ?? file,
    format: null,
    status: 'imported',
    rows: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    ignored: 0,
    rejected: 0,
    conflicts: 0,
    testModeRows: 0,
    errors: [],
    durationMs: 0,
  };
  const finish = (extra: Partial<ImportFileReport>, hash: string | null, bytes: number) => {
    Object.assign(report, extra, { durationMs: Date.now() - started });
    report.importId = recordImport(db, report, hash, bytes, started);
    return report;
  };

  let totalBytes = 0;
  let hash: string | null = null;
  try {
    totalBytes = fs.statSync(file).size;
    hash = await contentHash(file);
  } catch (error) {
    return finish({ status: 'rejected', reason: `cannot read the file: ${(error as Error).message}` }, hash, totalBytes);
  }
  if (alreadyImported(db, hash)) return finish({ status: 'skipped', reason: 'same content imported before' }, hash, totalBytes);

  const maxRejected = options.maxRejectedRows ?? 1000;
  let store: ImportStore | undefined;
  let lastProgress = 0;
  let rebuildIndexes = () => {};

  db.exec('BEGIN IMMEDIATE');
  // Again under the write lock: another process may have imported the same file while this one waited for it.
  if (alreadyImported(db, hash)) {
    db.exec('ROLLBACK');
    return finish({ status: 'skipped', reason: 'same content imported before' }, hash, totalBytes);
  }
  // The transaction stays open across awaits on purpose: this connection belongs to this import alone (the
  // CLI process, or the app's import worker), so no other statement can land inside it.
  try {
    const importId = Number(
      db.prepare(`INSERT INTO imports (path, content_hash, status, started_at) VALUES (?, ?, 'imported', ?)`).run(report.path, hash, started)
        .lastInsertRowid,
    );
    store = new ImportStore(db, importId);
    const activeStore = store;
    const sink: OutcomeSink = {
      format(format) {
        report.format = format;
        const tables = tablesWritten(format);
        rebuildIndexes = deferIndexesIfWorthIt(db, tables, totalBytes);
        return tables.includes('payments') ? activeStore.storedRowHashes() : undefined;
      },
      outcome(line, outcome, raw) {
        report.rows++;
        switch (outcome.kind) {
          case 'payment':
            activeStore.payment(outcome.payment, outcome.rowHash);
            break;
          case 'unchanged':
            activeStore.unchangedPayment();
            break;
          case 'ledger':
            activeStore.ledger(outcome.entry, line);
            break;
          case 'review':
            activeStore.review(outcome.review);
            break;
          case 'ignored':
            report.ignored++;
            if (outcome.testMode) report.testModeRows = (report.testModeRows ?? 0) + 1;
            break;
          case 'error': {
            report.rejected++;
            const error: RowError = { line, reason: outcome.reason, raw: raw() };
            if (report.errors.length < REPORTED_ERRORS) report.errors.push(error);
            activeStore.rejected(error.line, error.reason, error.raw);
          }
        }
        if ((report.rows & 1023) === 0) options.signal?.throwIfAborted();
      },
      progress(bytesRead) {
        const now = Date.now();
        if (now - lastProgress >= 100) {
          lastProgress = now;
          options.onProgress?.({ bytesRead, totalBytes, rows: report.rows });
        }
      },
    };
    // A large file is parsed on the other core while this thread writes; a small one is not worth a thread.
    if (totalBytes >= PARSE_IN_WORKER_BYTES && parseWorkerAvailable()) {
      await readOutcomesInWorker(file, options.mappings, sink, options.signal);
    } else {
      await readOutcomes(file, options.mappings, sink, { signal: options.signal });
    }
    options.signal?.throwIfAborted();

    const limit = Math.max(maxRejected, Math.floor(report.rows / 100));
    if (report.rejected > limit) {
      db.exec('ROLLBACK');
      return finish(
        { status: 'rejected', reason: `${report.rejected} of ${report.rows} rows could not be read (more than ${limit}); nothing was applied` },
        hash,
        totalBytes,
      );
    }
    store.flush();
    await store.applyReviews(sqlite);
    rebuildIndexes(); // before the derived columns, whose refresh reads through those indexes
    store.finish();
    Object.assign(report, store.counts);
    report.durationMs = Date.now() - started;
    db.prepare(
      `UPDATE imports SET format = @format, rows = @rows, inserted = @inserted, updated = @updated, unchanged = @unchanged,
       ignored = @ignored, rejected = @rejected, conflicts = @conflicts, test_mode_rows = @testModeRows, bytes = @bytes,
       duration_ms = @durationMs WHERE id = @id`,
    ).run({ ...report, bytes: totalBytes, id: importId });
    db.exec('COMMIT');
    // Fresh statistics for the planner after the data changed; analysis_limit keeps this to milliseconds.
    db.pragma('analysis_limit = 1000');
    db.pragma('optimize');
    report.importId = importId;
    options.onProgress?.({ bytesRead: totalBytes, totalBytes, rows: report.rows });
    return report;
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    const counts = { inserted: 0, updated: 0, unchanged: 0, ignored: 0, conflicts: 0, testModeRows: 0 };
    if (error instanceof ImportCanceled || options.signal?.aborted) {
      return finish({ ...counts, status: 'canceled', reason: 'canceled by the user; nothing was applied' }, hash, totalBytes);
    }
    if (error instanceof UnrecognisedHeader) {
      return finish({ ...counts, status: error.status, reason: error.reason, header: error.header }, hash, totalBytes);
    }
    if (error instanceof FileError) return finish({ ...counts, status: 'rejected', reason: error.message }, hash, totalBytes);
    throw error;
  }
}

function alreadyImported(db: Db, hash: string): boolean {
  return db.prepare(`SELECT 1 FROM imports WHERE content_hash = ? AND status = 'imported'`).get(hash) !== undefined;
}

/** Records a file that was not applied (skipped, rejected, unrecognised, canceled) in the import history. */
function recordImport(db: Db, report: ImportFileReport, hash: string | null, bytes: number, started: number): number {
  const id = Number(
    db
      .prepare(
        `INSERT INTO imports (path, content_hash, format, status, reason, header, bytes, rows, rejected, started_at, duration_ms)
         VALUES (@path, @hash, @format, @status, @reason, @header, @bytes, @rows, @rejected, @started, @durationMs)`,
      )
      .run({ ...report, reason: report.reason ?? null, header: report.header ?? null, hash, bytes, started }).lastInsertRowid,
  );
  // Keep the first errors of a file rejected for too many bad rows, so the user can see what went wrong.
  const insert = db.prepare(`INSERT INTO rejected_rows (import_id, line, reason, raw) VALUES (?, ?, ?, ?)`);
  db.transaction(() => report.errors.slice(0, 100).forEach((e) => insert.run(id, e.line, e.reason, e.raw)))();
  return id;
}
