// Imports one export file in one transaction: all of its accepted rows or none.
import fs from 'node:fs';
import path from 'node:path';
import type { ImportFileReport, RowError } from '../../../shared/domain.js';
import type { Db } from '../db/open.js';
import { readCsvRecords, type CsvHeader, type CsvRecordSink } from './csv-records.js';
import { FileError, ImportCanceled } from './file-error.js';
import { contentHash, fileBytes } from './file-source.js';
import { jsonLinesReader } from './formats/json-lines.js';
import { recogniseHeader, type SavedMapping } from './formats/recognise.js';
import { readJsonLines } from './json-lines.js';
import type { RowReader } from './records.js';
import { deferIndexesIfWorthIt, tablesWritten } from './deferred-indexes.js';
import { ImportStore } from './store.js';
import { utf8Text } from './utf8-text.js';

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
const REPORTED_ERRORS = 1000;

const JSON_LINES = /\.(jsonl|ndjson)(\.gz)?$/i;

export async function importFile(db: Db, file: string, options: ImportFileOptions): Promise<ImportFileReport> {
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
  let reader: RowReader | undefined = JSON_LINES.test(file) ? jsonLinesReader(path.basename(file)) : undefined;
  let unrecognised: { header: string; reason: string; status: 'unrecognised' | 'rejected' } | undefined;
  let store: ImportStore | undefined;
  let bytesRead = 0;
  let lastProgress = 0;
  let rebuildIndexes = () => {};

  db.exec('BEGIN IMMEDIATE');
  // The transaction stays open across awaits on purpose: this connection belongs to this import alone (the
  // CLI process, or the app's import worker), so no other statement can land inside it.
  try {
    const importId = Number(
      db.prepare(`INSERT INTO imports (path, content_hash, status, started_at) VALUES (?, ?, 'imported', ?)`).run(report.path, hash, started)
        .lastInsertRowid,
    );
    store = new ImportStore(db, importId);
    const activeStore = store;
    const sink: CsvRecordSink = {
      header(header: CsvHeader) {
        const recognition = recogniseHeader(header.names, options.mappings);
        if (recognition.ok) {
          reader = recognition.reader;
          report.format = reader.format;
          rebuildIndexes = deferIndexesIfWorthIt(db, tablesWritten(reader.format), totalBytes);
        } else unrecognised = { header: header.line, reason: recognition.reason, status: recognition.status };
        if (unrecognised) throw new FileError(unrecognised.reason, 1);
      },
      record(fields, line, raw, problem) {
        report.rows++;
        const outcome = problem ? { kind: 'error' as const, reason: problem } : reader!.read(fields);
        switch (outcome.kind) {
          case 'payment':
            activeStore.payment(outcome.payment);
            break;
          case 'ledger':
            activeStore.ledger(outcome.entry, line);
            break;
          case 'review':
            activeStore.review(outcome.review);
            break;
          case 'ignored':
            report.ignored++;
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
      progress(bytes) {
        bytesRead = Math.max(bytesRead, bytes);
        const now = Date.now();
        if (now - lastProgress >= 100) {
          lastProgress = now;
          options.onProgress?.({ bytesRead, totalBytes, rows: report.rows });
        }
      },
    };
    const text = utf8Text(
      fileBytes(file, (raw) => (bytesRead = raw)),
      options.signal,
    );
    if (reader) {
      rebuildIndexes = deferIndexesIfWorthIt(db, tablesWritten(reader.format), totalBytes);
      await readJsonLines(text, sink);
    }
    else await readCsvRecords(text, sink);
    options.signal?.throwIfAborted();

    report.format = reader?.format ?? null;
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
    rebuildIndexes(); // before the derived columns, whose refresh reads through those indexes
    store.finish();
    Object.assign(report, store.counts);
    report.durationMs = Date.now() - started;
    db.prepare(
      `UPDATE imports SET format = @format, rows = @rows, inserted = @inserted, updated = @updated, unchanged = @unchanged,
       ignored = @ignored, rejected = @rejected, conflicts = @conflicts, bytes = @bytes, duration_ms = @durationMs WHERE id = @id`,
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
    const counts = { inserted: 0, updated: 0, unchanged: 0, ignored: 0, conflicts: 0 };
    if (error instanceof ImportCanceled || options.signal?.aborted) {
      return finish({ ...counts, status: 'canceled', reason: 'canceled by the user; nothing was applied' }, hash, totalBytes);
    }
    if (unrecognised) {
      return finish({ ...counts, status: unrecognised.status, reason: unrecognised.reason, header: unrecognised.header }, hash, totalBytes);
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
