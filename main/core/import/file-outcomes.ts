// What every store's import of one export file shares: the report, the file's size and hash, the reading of its
// rows into the store's RowWriter (counts, rejected rows, cancellation, progress), and why a file is not applied.
// Each store keeps its own part: transactions, locks, deferred indexes, how the rows are written and applied.
import fs from 'node:fs';
import type { ImportFileReport, RowError } from '../../../shared/domain.js';
import { FileError, ImportCanceled } from './file-error.js';
import { contentHash } from './file-source.js';
import type { SavedMapping } from './formats/recognise.js';
import { PARSE_IN_WORKER_BYTES, parseWorkerAvailable, readOutcomesInWorker } from './parse-in-worker.js';
import { readOutcomes, UnrecognisedHeader, type OutcomeSink, type StoredRows } from './read-outcomes.js';
import type { LedgerRecord, PaymentRecord, ReviewRecord } from './records.js';
import type { RowHash } from './row-hash.js';

export interface ImportFileOptions {
  mappings: readonly SavedMapping[];
  /** The least number of bad rows that rejects a whole file; 1% of its rows when that is larger. */
  maxRejectedRows?: number;
  signal?: AbortSignal;
  onProgress?: (progress: { bytesRead: number; totalBytes: number; rows: number }) => void;
  /** How the path is shown in reports (relative to what the user named). */
  displayPath?: string;
  /**
   * The file the sync imports after this one: SQLite may read a ledger export ahead while this file's rows are
   * applied (ledger-stage.ts), from `stageFromBytes` (tests lower it).
   */
  next?: { file: string; stageFromBytes?: number };
}

/** Errors kept in memory for the returned report; all of them are stored in rejected_rows. */
export const REPORTED_ERRORS = 1000;

/**
 * Where a store puts the rows of a file as they are read. The argument order is the SQLite ImportStore's, so that
 * it is a RowWriter as it is: its hot loop pays one method call a row, no adapter.
 */
export interface RowWriter {
  payment(record: PaymentRecord, rowHash: RowHash | undefined, line: number): void;
  unchangedPayment(): void;
  ledger(record: LedgerRecord, line: number): void;
  review(record: ReviewRecord): void;
  rejected(line: number, reason: string, raw: string): void;
}

export function newImportReport(file: string, options: ImportFileOptions): ImportFileReport {
  return {
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
}

/** The file's size and content hash, or why it cannot be read (with the size when that much was read). */
export async function fileIdentity(file: string): Promise<{ bytes: number; hash: string } | { bytes: number; hash: null; unreadable: string }> {
  let bytes = 0;
  try {
    bytes = fs.statSync(file).size;
    return { bytes, hash: await contentHash(file) };
  } catch (error) {
    return { bytes, hash: null, unreadable: `cannot read the file: ${(error as Error).message}` };
  }
}

/**
 * Counts each row into the report and hands it to `rows`. `format` is the store's part once the format is known
 * (already in the report): it returns the stored row hashes when the file's payments should be compared with them.
 */
export function outcomeSink(
  report: ImportFileReport,
  rows: RowWriter,
  options: Pick<ImportFileOptions, 'signal' | 'onProgress'> & { totalBytes: number },
  format: (format: string) => StoredRows | Promise<StoredRows>,
): OutcomeSink {
  const { signal, onProgress, totalBytes } = options;
  let lastProgress = 0;
  return {
    format(name) {
      report.format = name;
      return format(name);
    },
    outcome(line, outcome, raw) {
      report.rows++;
      switch (outcome.kind) {
        case 'payment':
          rows.payment(outcome.payment, outcome.rowHash, line);
          break;
        case 'unchanged':
          rows.unchangedPayment();
          break;
        case 'ledger':
          rows.ledger(outcome.entry, line);
          break;
        case 'review':
          rows.review(outcome.review);
          break;
        case 'ignored':
          report.ignored++;
          if (outcome.testMode) report.testModeRows = (report.testModeRows ?? 0) + 1;
          break;
        case 'error': {
          report.rejected++;
          const error: RowError = { line, reason: outcome.reason, raw: raw() };
          if (report.errors.length < REPORTED_ERRORS) report.errors.push(error);
          rows.rejected(error.line, error.reason, error.raw);
        }
      }
      if ((report.rows & 1023) === 0) signal?.throwIfAborted();
    },
    progress(bytesRead) {
      const now = Date.now();
      if (now - lastProgress >= 100) {
        lastProgress = now;
        onProgress?.({ bytesRead, totalBytes, rows: report.rows });
      }
    },
  };
}

/**
 * Reads the file's outcomes into `sink`: a large file is parsed on the other core while this thread writes; a
 * small one is not worth a thread. `beforeChunk`, the writer's backpressure, is awaited before more rows are read.
 */
export async function readFileOutcomes(
  file: string,
  totalBytes: number,
  mappings: readonly SavedMapping[],
  sink: OutcomeSink,
  options: { signal?: AbortSignal; beforeChunk?: () => Promise<unknown>; paymentsExpected?: boolean; workerYoungGenerationMb?: number } = {},
): Promise<void> {
  const { signal, beforeChunk, paymentsExpected, workerYoungGenerationMb } = options;
  if (totalBytes >= PARSE_IN_WORKER_BYTES && parseWorkerAvailable()) {
    await readOutcomesInWorker(file, mappings, sink, { signal, beforeAck: beforeChunk, paymentsExpected, youngGenerationMb: workerYoungGenerationMb });
  } else {
    await readOutcomes(file, mappings, sink, { signal, beforeChunk: beforeChunk && (() => beforeChunk().then(() => {})) });
  }
  signal?.throwIfAborted();
}

/** Why a file with too many bad rows is not applied; undefined when it has few enough. */
export function tooManyRejected(report: ImportFileReport, maxRejectedRows = 1000): string | undefined {
  const limit = Math.max(maxRejectedRows, Math.floor(report.rows / 100));
  if (report.rejected <= limit) return undefined;
  return `${report.rejected} of ${report.rows} rows could not be read (more than ${limit}); nothing was applied`;
}

/** How a file that failed as a file (canceled, unrecognised, unreadable) is reported; undefined for any other error. */
export function notAppliedReport(error: unknown, signal: AbortSignal | undefined): Partial<ImportFileReport> | undefined {
  const counts = { inserted: 0, updated: 0, unchanged: 0, ignored: 0, conflicts: 0, testModeRows: 0 };
  if (error instanceof ImportCanceled || signal?.aborted) {
    return { ...counts, status: 'canceled', reason: 'canceled by the user; nothing was applied' };
  }
  if (error instanceof UnrecognisedHeader) return { ...counts, status: error.status, reason: error.reason, header: error.header };
  if (error instanceof FileError) return { ...counts, status: 'rejected', reason: error.message };
  return undefined;
}
