// Imports one export file in one transaction: all of its accepted rows or none.
import fs from 'node:fs';
import type { ImportFileReport } from '../../../shared/domain.js';
import type { Db } from '../db/open.js';
import type { SqliteStore } from '../store/sqlite-store.js';
import { deferIndexesIfWorthIt, tablesWritten, type DeferredIndexes } from './deferred-indexes.js';
import { fileIdentity, newImportReport, notAppliedReport, outcomeSink, readFileOutcomes, tooManyRejected, type ImportFileOptions } from './file-outcomes.js';
import { csvHeader } from './csv-records.js';
import { recogniseHeader } from './formats/recognise.js';
import { identifyInWorker, identifyWorkerAvailable } from './identify-file.js';
import { PARSE_IN_WORKER_BYTES } from './parse-in-worker.js';
import { applyStagedLedger, attachStage, LedgerStage, ledgerStageAvailable, STAGE_FROM_BYTES, type StagedLedger } from './ledger-stage.js';
import { JSON_LINES } from './read-outcomes.js';
import type { RowHashSet } from './row-hash-set.js';
import { ImportStore, storedRowHashes } from './store.js';

export type { ImportFileOptions } from './file-outcomes.js';

/** The SQLite store's import: row by row through prepared statements, on the store's connection alone. */
export async function importFile(sqlite: SqliteStore, file: string, options: ImportFileOptions): Promise<ImportFileReport> {
  return sqlite.exclusive(async () => {
    const stage = sqlite.takeLedgerStage(file);
    if (!stage) return importFileOn(sqlite, file, options);
    try {
      // Attached once the worker is done with it: it cannot be attached inside the file's transaction.
      const read = await stage.read;
      if (!read) return await importFileOn(sqlite, file, options);
      const detach = attachStage(sqlite.db, stage);
      try {
        return await importFileOn(sqlite, file, options, read);
      } finally {
        detach();
      }
    } finally {
      await stage.discard();
    }
  });
}

/**
 * Reads the next file ahead when it is a large ledger export into an empty ledger table and this file, a first
 * payments load of `paymentsBytes`, leaves the importing thread its index builds to do (ledger-stage.ts). Only when
 * the ledger is no larger than the payments file: the staging must end about when that work does, or the ledger's
 * import waits for it and pays the copy on top. With the bench's 215 MB ledger, after 1,000,000 payments (290 MB)
 * a first sync took 0.7-1.8 s less; after 740,000 (215 MB) 0.3-2.1 s less; after 300,000 (87 MB) 0.8-1.1 s more.
 */
function stageNextLedger(sqlite: SqliteStore, next: NonNullable<ImportFileOptions['next']>, paymentsBytes: number, options: ImportFileOptions): void {
  if (!ledgerStageAvailable() || JSON_LINES.test(next.file)) return;
  let bytes: number;
  try {
    bytes = fs.statSync(next.file).size;
  } catch {
    return; // its own import reports it
  }
  if (bytes < (next.stageFromBytes ?? STAGE_FROM_BYTES) || bytes > paymentsBytes || !ledgerIsEmpty(sqlite.db)) return;
  let stage: LedgerStage;
  try {
    stage = LedgerStage.start(next.file, sqlite.location, options.mappings);
  } catch {
    return; // no room or no permission for the staging folder: the ledger is read as usual
  }
  options.signal?.addEventListener('abort', () => void stage.discard(), { once: true });
  sqlite.keepLedgerStage(stage);
}

const ledgerIsEmpty = (db: Db) => db.prepare('SELECT 1 FROM ledger_entries LIMIT 1').get() === undefined;

async function importFileOn(sqlite: SqliteStore, file: string, options: ImportFileOptions, staged?: StagedLedger): Promise<ImportFileReport> {
  const db = sqlite.db;
  const started = Date.now();
  const report = newImportReport(file, options);
  const finish = (extra: Partial<ImportFileReport>, hash: string | null, bytes: number) => {
    Object.assign(report, extra, { durationMs: Date.now() - started });
    report.importId = recordImport(db, report, hash, bytes, started);
    return report;
  };

  const identity = await identify(db, file, report.path, options.mappings);
  const { bytes: totalBytes, hash } = identity;
  if (hash === null) {
    if (db.inTransaction) db.exec('ROLLBACK');
    return finish({ status: 'rejected', reason: identity.unreadable }, hash, totalBytes);
  }
  if (!db.inTransaction) {
    if (alreadyImported(db, hash)) return finish({ status: 'skipped', reason: 'same content imported before' }, hash, totalBytes);
    db.exec('BEGIN IMMEDIATE');
  }

  let deferred: DeferredIndexes | undefined;

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
    const store = new ImportStore(db, importId);
    const sink = outcomeSink(report, store, { signal: options.signal, onProgress: options.onProgress, totalBytes }, (format) => {
      const tables = tablesWritten(format);
      deferred = deferIndexesIfWorthIt(db, tables, totalBytes);
      store.loadWithoutKeys(deferred.keys);
      return tables.includes('payments') ? (identity.storedRows ?? store.storedRowHashes()) : undefined;
    });
    // The staged read stands for the file only if it read these very bytes into a table still empty.
    if (staged?.hash === hash && ledgerIsEmpty(db)) {
      await applyStagedLedger(db, staged, sink, store, report);
      options.signal?.throwIfAborted();
      sink.progress(totalBytes);
    } else {
      await readFileOutcomes(file, totalBytes, options.mappings, sink, { signal: options.signal, paymentsExpected: identity.storedRows !== undefined });
    }
    if (options.next && deferred?.keys.has('payments')) stageNextLedger(sqlite, options.next, totalBytes, options);

    const tooMany = tooManyRejected(report, options.maxRejectedRows);
    if (tooMany) {
      db.exec('ROLLBACK');
      return finish({ status: 'rejected', reason: tooMany }, hash, totalBytes);
    }
    store.flush();
    await store.applyReviews(sqlite);
    deferred?.beforeDerived(); // the derived columns' refresh reads through these
    store.finish();
    deferred?.afterDerived();
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
    const extra = notAppliedReport(error, options.signal);
    if (extra) return finish(extra, hash, totalBytes);
    throw error;
  } finally {
    deferred?.done();
  }
}

type Identity = ({ hash: string } | { hash: null; unreadable: string }) & {
  bytes: number;
  /** The stored row hashes, read under the write lock (taken) while the file was hashed. */
  storedRows?: RowHashSet;
};

/**
 * The file's size and content hash. A file not imported before under this name and size is hashed on another
 * core while this thread takes the write lock and, when the first line shows a payments export, reads the stored
 * row hashes its rows will be checked against. One that was is most likely the same file again: it is hashed
 * first, and skipped without the lock.
 */
async function identify(db: Db, file: string, displayPath: string, mappings: ImportFileOptions['mappings']): Promise<Identity> {
  let bytes = 0;
  try {
    bytes = fs.statSync(file).size;
  } catch (error) {
    return { bytes, hash: null, unreadable: `cannot read the file: ${(error as Error).message}` };
  }
  const importedBefore = db.prepare(`SELECT 1 FROM imports WHERE path = ? AND bytes = ? AND status = 'imported'`).get(displayPath, bytes);
  // A small file is hashed sooner than a worker starts.
  if (importedBefore || bytes < PARSE_IN_WORKER_BYTES || !identifyWorkerAvailable()) return fileIdentity(file);
  const identifying = identifyInWorker(file);
  try {
    db.exec('BEGIN IMMEDIATE');
    let storedRows: RowHashSet | undefined;
    try {
      const firstLine = await identifying.firstLine;
      // Built by the hashing worker, in shared memory: the file's parse workers read this very set.
      if (firstLine !== null && comparesRowHashes(file, firstLine, mappings) && anyPaymentStored(db)) {
        // Undefined when the worker failed (a file it could not read is reported from the hash): the rows are then
        // checked against pages read again.
        storedRows = await identifying.rowHashSet(storedRowHashes(db)).catch(() => undefined);
      }
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
    try {
      return { bytes, hash: await identifying.hash, storedRows };
    } catch (error) {
      return { bytes, hash: null, unreadable: `cannot read the file: ${(error as Error).message}` };
    }
  } finally {
    identifying.close();
  }
}

/**
 * Whether the file, going by its first line, is a CSV payments export, whose rows are checked against the stored
 * row hashes (JSON Lines rows are not recognised by their text).
 */
function comparesRowHashes(file: string, firstLine: string, mappings: ImportFileOptions['mappings']): boolean {
  if (JSON_LINES.test(file)) return false;
  try {
    const recognition = recogniseHeader(csvHeader(firstLine).names, mappings);
    return recognition.ok && recognition.reader.paymentRows !== undefined;
  } catch {
    return false; // the read reports what is wrong with the header
  }
}

const anyPaymentStored = (db: Db) => db.prepare('SELECT 1 FROM payments LIMIT 1').get() !== undefined;

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
