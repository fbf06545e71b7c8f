// Imports one export file into the team database (PostgreSQL) in one transaction: all of its accepted rows or
// none. The file is read by the same reader as on SQLite (readOutcomes, or its parse worker), so reports,
// rejected rows and line numbers are the same; the rows stream into a staging table through COPY
// (postgres-staging.ts) and are applied set-based (postgres-apply.ts, postgres-derived.ts).
import fs from 'node:fs';
import type { ImportFileReport, RowError } from '../../../shared/domain.js';
import { tablesWritten } from '../import/deferred-indexes.js';
import { FileError, ImportCanceled } from '../import/file-error.js';
import { contentHash } from '../import/file-source.js';
import { REPORTED_ERRORS, type ImportFileOptions } from '../import/import-file.js';
import { PARSE_IN_WORKER_BYTES, parseWorkerAvailable, readOutcomesInWorker } from '../import/parse-in-worker.js';
import { readOutcomes, UnrecognisedHeader, type OutcomeSink } from '../import/read-outcomes.js';
import type { ReviewRecord } from '../import/records.js';
import { applyReviewDecision } from '../reviews.js';
import { applyStagedRows, type StagedSummary } from './postgres-apply.js';
import { refreshDerivedColumnsPostgres } from './postgres-derived.js';
import { DEFER_WHEN_UPDATING_AT_LEAST, dropSecondaryIndexes, rebuildIndexes, tableSmallNextTo, type DeferredIndexes } from './postgres-indexes.js';
import { storedRowHashes } from './postgres-row-hashes.js';
import { createStageSql, StagedRows } from './postgres-staging.js';
import type { PostgresStore } from './postgres-store.js';

/** The file is not applied: its transaction is rolled back, then the file is recorded as `extra` says. */
class NothingApplied extends Error {
  constructor(readonly extra: Partial<ImportFileReport>) {
    super(extra.reason);
  }
}

export async function importFilePostgres(store: PostgresStore, file: string, options: ImportFileOptions): Promise<ImportFileReport> {
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
  const finish = async (extra: Partial<ImportFileReport>, hash: string | null, bytes: number) => {
    Object.assign(report, extra, { durationMs: Date.now() - started });
    report.importId = await store.write(() => recordImport(store, report, hash, bytes, started));
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
  const fileHash = hash;
  // Why the file was not applied, kept as thrown: what leaves the transaction is rewritten by the store's error
  // mapping, which could take a reason that mentions a timeout for a lost server.
  let notApplied: unknown;

  try {
    const applied = await store.withClient((client) =>
      store.write(async () => {
        // Checked under the write lock: of two processes syncing the same file, the second sees the first's import.
        if (await alreadyImported(store, fileHash)) {
          Object.assign(report, { status: 'skipped', reason: 'same content imported before', durationMs: Date.now() - started });
          report.importId = await recordImport(store, report, fileHash, totalBytes, started);
          return false;
        }
        const paymentsWereEmpty = (await store.value('SELECT 1 FROM payments LIMIT 1')) === undefined;
        await store.exec(createStageSql);
        const staged = new StagedRows(client);
        const reviews: ReviewRecord[] = [];
        let unchanged = 0;
        const stagedRows: StagedSummary = { payments: 0, ledger: 0, rejected: 0, newestPaymentAt: null, newestLedgerAt: null };
        let lastProgress = 0;
        const sink: OutcomeSink = {
          format(format) {
            report.format = format;
            return tablesWritten(format).includes('payments') && !paymentsWereEmpty ? storedRowHashes(store) : undefined;
          },
          outcome(line, outcome, raw) {
            report.rows++;
            switch (outcome.kind) {
              case 'payment':
                staged.payment(line, outcome.payment, outcome.rowHash);
                stagedRows.payments++;
                stagedRows.newestPaymentAt = Math.max(stagedRows.newestPaymentAt ?? -Infinity, outcome.payment.createdAt, outcome.payment.updatedAt);
                break;
              case 'unchanged':
                unchanged++;
                break;
              case 'ledger':
                staged.ledger(line, outcome.entry);
                stagedRows.ledger++;
                stagedRows.newestLedgerAt = Math.max(stagedRows.newestLedgerAt ?? -Infinity, outcome.entry.createdAt);
                break;
              case 'review':
                reviews.push(outcome.review);
                break;
              case 'ignored':
                report.ignored++;
                if (outcome.testMode) report.testModeRows = (report.testModeRows ?? 0) + 1;
                break;
              case 'error': {
                report.rejected++;
                const error: RowError = { line, reason: outcome.reason, raw: raw() };
                if (report.errors.length < REPORTED_ERRORS) report.errors.push(error);
                staged.rejected(error.line, error.reason, error.raw);
                stagedRows.rejected++;
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
        try {
          if (totalBytes >= PARSE_IN_WORKER_BYTES && parseWorkerAvailable()) {
            // The worker parses the next batch only once the COPY has taken this one: memory stays flat when the
            // server is slower than the parsing.
            await readOutcomesInWorker(file, options.mappings, sink, options.signal, () => staged.ready());
          } else {
            await readOutcomes(file, options.mappings, sink, { signal: options.signal, beforeChunk: () => staged.ready().then(() => {}) });
          }
          options.signal?.throwIfAborted();
          await staged.end();
        } catch (error) {
          notApplied = error;
          await staged.abort();
          throw error;
        }

        const limit = Math.max(options.maxRejectedRows ?? 1000, Math.floor(report.rows / 100));
        if (report.rejected > limit) {
          throw (notApplied = new NothingApplied({
            status: 'rejected',
            reason: `${report.rejected} of ${report.rows} rows could not be read (more than ${limit}); nothing was applied`,
          }));
        }
        const importId = (await store.value<number>(`INSERT INTO imports (path, content_hash, status, started_at) VALUES (?, ?, 'imported', ?) RETURNING id`,
          [report.path, fileHash, started]))!;
        // The file is staged: from here on, a table whose indexes are dropped is locked until commit.
        const deferred: DeferredIndexes = { tables: [], definitions: [] };
        if (await tableSmallNextTo(store, 'payments', stagedRows.payments)) await dropSecondaryIndexes(store, 'payments', deferred);
        if (await tableSmallNextTo(store, 'ledger_entries', stagedRows.ledger)) await dropSecondaryIndexes(store, 'ledger_entries', deferred);
        const rows = await applyStagedRows(store, importId, paymentsWereEmpty, stagedRows);
        await rebuildIndexes(store, 'ledger_entries', deferred);
        for (const record of reviews) rows.counts[await applyReviewDecision(store, record, 'import')]++;
        await refreshDerivedColumnsPostgres(store, rows, {
          // New entries linking to a large share of the payments rewrite that share of its rows (the sums of
          // the linked entries): once the payments are loaded, the first ledger is such a file.
          async beforeLinking(payments) {
            if (await tableSmallNextTo(store, 'payments', payments, 1 / DEFER_WHEN_UPDATING_AT_LEAST)) await dropSecondaryIndexes(store, 'payments', deferred);
          },
        });
        await rebuildIndexes(store, 'payments', deferred);
        rows.counts.unchanged += unchanged;
        Object.assign(report, rows.counts);
        report.durationMs = Date.now() - started;
        await store.run(
          `UPDATE imports SET format = @format, rows = @rows, inserted = @inserted, updated = @updated, unchanged = @unchanged,
           ignored = @ignored, rejected = @rejected, conflicts = @conflicts, test_mode_rows = @testModeRows, bytes = @bytes,
           duration_ms = @durationMs WHERE id = @id`,
          { format: report.format, rows: report.rows, inserted: report.inserted, updated: report.updated, unchanged: report.unchanged,
            ignored: report.ignored, rejected: report.rejected, conflicts: report.conflicts, testModeRows: report.testModeRows ?? 0,
            bytes: totalBytes, durationMs: report.durationMs, id: importId },
        );
        report.importId = importId;
        return true;
      }),
    );
    if (applied) options.onProgress?.({ bytesRead: totalBytes, totalBytes, rows: report.rows });
    return report;
  } catch (thrown) {
    const fileLevel = notApplied instanceof FileError || notApplied instanceof NothingApplied || notApplied instanceof ImportCanceled;
    const error = fileLevel ? notApplied : thrown;
    if (error instanceof NothingApplied) return finish(error.extra, fileHash, totalBytes);
    const counts = { inserted: 0, updated: 0, unchanged: 0, ignored: 0, conflicts: 0, testModeRows: 0 };
    if (error instanceof ImportCanceled || options.signal?.aborted) {
      return finish({ ...counts, status: 'canceled', reason: 'canceled by the user; nothing was applied' }, fileHash, totalBytes);
    }
    if (error instanceof UnrecognisedHeader) {
      return finish({ ...counts, status: error.status, reason: error.reason, header: error.header }, fileHash, totalBytes);
    }
    if (error instanceof FileError) return finish({ ...counts, status: 'rejected', reason: error.message }, fileHash, totalBytes);
    throw error;
  }
}

async function alreadyImported(store: PostgresStore, hash: string): Promise<boolean> {
  return (await store.value(`SELECT 1 FROM imports WHERE content_hash = ? AND status = 'imported'`, [hash])) !== undefined;
}

/** Records a file that was not applied (skipped, rejected, unrecognised, canceled) in the import history. */
async function recordImport(store: PostgresStore, report: ImportFileReport, hash: string | null, bytes: number, started: number): Promise<number> {
  const id = (await store.value<number>(
    `INSERT INTO imports (path, content_hash, format, status, reason, header, bytes, rows, rejected, started_at, duration_ms)
     VALUES (@path, @hash, @format, @status, @reason, @header, @bytes, @rows, @rejected, @started, @durationMs) RETURNING id`,
    { path: report.path, hash, format: report.format, status: report.status, reason: report.reason ?? null, header: report.header ?? null, bytes,
      rows: report.rows, rejected: report.rejected, started, durationMs: report.durationMs },
  ))!;
  // Keep the first errors of a file rejected for too many bad rows, so the user can see what went wrong.
  const errors = report.errors.slice(0, 100);
  if (errors.length > 0) await store.insertRows('rejected_rows', ['import_id', 'line', 'reason', 'raw'], errors.map((e) => [id, e.line, e.reason, e.raw]));
  return id;
}
