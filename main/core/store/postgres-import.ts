// Imports one export file into the team database (PostgreSQL) in one transaction: all of its accepted rows or
// none. The file is read and counted as on SQLite (file-outcomes.ts), so reports,
// rejected rows and line numbers are the same; the rows stream into a staging table through COPY
// (postgres-staging.ts), or straight into a table that was empty (postgres-first-load.ts), and are applied
// set-based (postgres-apply.ts, postgres-derived.ts).
import type { ImportFileReport } from '../../../shared/domain.js';
import { tablesWritten } from '../import/deferred-indexes.js';
import { FileError, ImportCanceled } from '../import/file-error.js';
import {
  fileIdentity,
  newImportReport,
  notAppliedReport,
  outcomeSink,
  readFileOutcomes,
  tooManyRejected,
  type ImportFileOptions,
  type RowWriter,
} from '../import/file-outcomes.js';
import type { LedgerRecord, PaymentRecord, ReviewRecord } from '../import/records.js';
import type { RowHash } from '../import/row-hash.js';
import { applyReviewDecision } from '../reviews.js';
import { applyStagedRows, type StagedSummary } from './postgres-apply.js';
import { CREDIT_SUM_COLUMNS, refreshDerivedColumnsPostgres } from './postgres-derived.js';
import {
  DEFER_WHEN_UPDATING_AT_LEAST,
  dropIndexes,
  hasRoomForCreditSums,
  rebuildIndex,
  rebuildIndexes,
  tableSmallNextTo,
  type DeferredIndexes,
} from './postgres-indexes.js';
import { storedRowHashes } from './postgres-row-hashes.js';
import { startFirstLoad, type FirstLoad } from './postgres-first-load.js';
import { createStageSql, StagedRows, type RowsIn } from './postgres-staging.js';
import type { PostgresStore } from './postgres-store.js';

/**
 * The parse worker's young generation here: 32 MB against 8 on SQLite took whole first imports from a median of
 * 65.9 to 60.9 s (six each, alternating) and the process's CPU from 24.9 to 22.9 s; peak RSS 234-256 MB against
 * 185-218 (docs/benchmarks.md, twentieth stop).
 */
const POSTGRES_WORKER_YOUNG_GENERATION_MB = 32;

/** The file is not applied: its transaction is rolled back, then the file is recorded as `extra` says. */
class NothingApplied extends Error {
  constructor(readonly extra: Partial<ImportFileReport>) {
    super(extra.reason);
  }
}

/** Streams the file's rows into the staging table, counting what the set-based apply needs to know of them. */
class StagingWriter implements RowWriter {
  readonly summary: StagedSummary = { payments: 0, ledger: 0, rejected: 0, newestPaymentAt: null, newestLedgerAt: null };
  readonly reviews: ReviewRecord[] = [];
  unchanged = 0;

  /** The stage, or a first load once the format says the file goes into one empty table. */
  constructor(public staged: RowsIn) {}

  payment(record: PaymentRecord, rowHash: RowHash | undefined, line: number): void {
    this.staged.payment(line, record, rowHash);
    this.summary.payments++;
    this.summary.newestPaymentAt = Math.max(this.summary.newestPaymentAt ?? -Infinity, record.createdAt, record.updatedAt);
  }

  unchangedPayment(): void {
    this.unchanged++;
  }

  ledger(record: LedgerRecord, line: number): void {
    this.staged.ledger(line, record);
    this.summary.ledger++;
    this.summary.newestLedgerAt = Math.max(this.summary.newestLedgerAt ?? -Infinity, record.createdAt);
  }

  review(record: ReviewRecord): void {
    this.reviews.push(record);
  }

  rejected(line: number, reason: string, raw: string): void {
    this.staged.rejected(line, reason, raw);
    this.summary.rejected++;
  }
}

export async function importFilePostgres(store: PostgresStore, file: string, options: ImportFileOptions): Promise<ImportFileReport> {
  const started = Date.now();
  const report = newImportReport(file, options);
  // The id the file's transaction took for its import: a file not applied is recorded under it, as on SQLite,
  // where the rolled-back row's id is the next one again (an identity's values are not rolled back here).
  let takenId: number | undefined;
  const finish = async (extra: Partial<ImportFileReport>, hash: string | null, bytes: number) => {
    Object.assign(report, extra, { durationMs: Date.now() - started });
    report.importId = await store.write(() => recordImport(store, report, hash, bytes, started, takenId));
    return report;
  };

  const identity = await fileIdentity(file);
  const { bytes: totalBytes, hash: fileHash } = identity;
  if (fileHash === null) return finish({ status: 'rejected', reason: identity.unreadable }, fileHash, totalBytes);
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
        // A first load writes the import's id into each row; a file not applied rolls this row back with the rest.
        const importId = (takenId = (await store.value<number>(`INSERT INTO imports (path, content_hash, status, started_at) VALUES (?, ?, 'imported', ?) RETURNING id`,
          [report.path, fileHash, started]))!);
        const stage = new StagedRows(client);
        const writer = new StagingWriter(stage);
        const { summary: stagedRows, reviews } = writer;
        const deferred: DeferredIndexes = new Map();
        let firstLoad: FirstLoad | undefined;
        const sink = outcomeSink(report, writer, { signal: options.signal, onProgress: options.onProgress, totalBytes }, async (format) => {
          const tables = tablesWritten(format);
          if (tables.includes('payments') && !paymentsWereEmpty) return storedRowHashes(store);
          firstLoad = await startFirstLoad(store, client, tables, importId, stage, deferred);
          if (firstLoad) writer.staged = firstLoad;
          return undefined;
        });
        try {
          // The parse worker (or the reader) reads on only once the COPY has taken the rows so far: memory stays
          // flat when the server is slower than the parsing. This process can give the worker a larger young
          // generation than SQLite's import, having no page cache to hold.
          await readFileOutcomes(file, totalBytes, options.mappings, sink, {
            signal: options.signal,
            beforeChunk: () => writer.staged.ready(),
            workerYoungGenerationMb: POSTGRES_WORKER_YOUNG_GENERATION_MB,
          });
          await writer.staged.end();
        } catch (error) {
          notApplied = error;
          await writer.staged.abort();
          throw error;
        }

        const tooMany = tooManyRejected(report, options.maxRejectedRows);
        if (tooMany) throw (notApplied = new NothingApplied({ status: 'rejected', reason: tooMany }));
        // The held rows of a first load are applied through the table's key.
        await firstLoad?.buildKey(store);
        // The file is staged: from here on, a table whose indexes are dropped is locked until commit. A table
        // loaded straight from the file was locked, and its indexes dropped, before the read.
        for (const [table, rows] of [['payments', stagedRows.payments], ['ledger_entries', stagedRows.ledger]] as const) {
          if (!deferred.has(table) && (await tableSmallNextTo(store, table, rows))) await dropIndexes(store, table, deferred);
        }
        const rows = await applyStagedRows(store, importId, paymentsWereEmpty, stagedRows, firstLoad && { table: firstLoad.tableName, rows: firstLoad.loaded });
        await rebuildIndexes(store, 'ledger_entries', deferred);
        for (const record of reviews) rows.counts[await applyReviewDecision(store, record, 'import')]++;
        await refreshDerivedColumnsPostgres(store, rows, {
          // New entries linking to a large share of the payments rewrite that share of its rows (the sums of
          // the linked entries): once the payments are loaded, the first ledger is such a file. A new row version
          // that changes an indexed column takes a new entry in every index, the primary key's too (880,000
          // payments: 16.3 s with the key, 5.4 + 1.3 s with it built after). Where the payments were loaded with
          // room on their pages, only the two indexes over the sums are built again, and the other indexes
          // are left as they are (postgres-indexes.ts leaveRoomForCreditSums).
          async beforeLinking(payments) {
            if (!(await tableSmallNextTo(store, 'payments', payments, 1 / DEFER_WHEN_UPDATING_AT_LEAST))) return;
            if (await hasRoomForCreditSums(store)) await dropIndexes(store, 'payments', deferred, { over: CREDIT_SUM_COLUMNS });
            else await dropIndexes(store, 'payments', deferred, { primaryKey: true });
          },
          // The window over each purchase group then reads the purchase index in its order rather than sorting
          // every payment (the bench's payments, in psql: 1.5 s against 3.6 s). The gaps' UPDATE writes no
          // column of it.
          beforeAllPurchaseGaps: () => rebuildIndex(store, 'payments', deferred, 'payments_by_purchase'),
        });
        await rebuildIndexes(store, 'payments', deferred);
        rows.counts.unchanged += writer.unchanged;
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
    const extra = notAppliedReport(error, options.signal);
    if (extra) return finish(extra, fileHash, totalBytes);
    throw error;
  }
}

async function alreadyImported(store: PostgresStore, hash: string): Promise<boolean> {
  return (await store.value(`SELECT 1 FROM imports WHERE content_hash = ? AND status = 'imported'`, [hash])) !== undefined;
}

/** Records a file that was not applied (skipped, rejected, unrecognised, canceled) in the import history. */
async function recordImport(
  store: PostgresStore,
  report: ImportFileReport,
  hash: string | null,
  bytes: number,
  started: number,
  takenId?: number,
): Promise<number> {
  const id = (await store.value<number>(
    `INSERT INTO imports (${takenId === undefined ? '' : 'id, '}path, content_hash, format, status, reason, header, bytes, rows, rejected, started_at, duration_ms)
     VALUES (${takenId === undefined ? '' : '@id, '}@path, @hash, @format, @status, @reason, @header, @bytes, @rows, @rejected, @started, @durationMs) RETURNING id`,
    { id: takenId ?? null, path: report.path, hash, format: report.format, status: report.status, reason: report.reason ?? null, header: report.header ?? null,
      bytes, rows: report.rows, rejected: report.rejected, started, durationMs: report.durationMs },
  ))!;
  // Keep the first errors of a file rejected for too many bad rows, so the user can see what went wrong.
  const errors = report.errors.slice(0, 100);
  if (errors.length > 0) await store.insertRows('rejected_rows', ['import_id', 'line', 'reason', 'raw'], errors.map((e) => [id, e.line, e.reason, e.raw]));
  return id;
}
