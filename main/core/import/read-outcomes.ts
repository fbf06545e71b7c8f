// Reads an export file as a stream of domain outcomes (a payment, a ledger entry, a review, an ignored row or
// a rejected one), recognising the format from the header. Nothing here touches the database, so it can run
// in this thread or in a parse worker (parse-in-worker.ts) while the database work goes on in parallel.
import path from 'node:path';
import { readCsvRecords, type SourceRecord } from './csv-records.js';
import { FileError } from './file-error.js';
import { fileBytes } from './file-source.js';
import { jsonLinesReader } from './formats/json-lines.js';
import { recogniseHeader, type SavedMapping } from './formats/recognise.js';
import { readJsonLines } from './json-lines.js';
import type { RowOutcome, RowReader } from './records.js';
import type { RowHashSet } from './row-hash-set.js';
import { UnchangedRows } from './unchanged-rows.js';
import { utf8Text, type TextChunk } from './utf8-text.js';

/** The row hashes of the stored payments; undefined when there are none (or the format has no payments). */
export type StoredRows = RowHashSet | undefined;

const UNCHANGED: RowOutcome = { kind: 'unchanged' };
const NO_RAW = () => '';

export interface OutcomeSink {
  /**
   * Called once, as soon as the file's format is known (before any outcome). For a payments format it returns
   * the row hashes of the stored payments, so that rows stored as they are come out as `unchanged`.
   */
  format(format: string): StoredRows | Promise<StoredRows>;
  outcome(line: number, outcome: RowOutcome, raw: () => string): void;
  progress(bytesRead: number): void;
}

/** A header no format or saved mapping recognises (or a Stripe export that cannot be imported as it is). */
export class UnrecognisedHeader extends FileError {
  constructor(
    reason: string,
    readonly header: string,
    readonly status: 'unrecognised' | 'rejected',
  ) {
    super(reason, 1);
  }
}

/** JSON Lines exports, by name: every other export is CSV. */
export const JSON_LINES = /\.(jsonl|ndjson)(\.gz)?$/i;

export async function readOutcomes(
  file: string,
  mappings: readonly SavedMapping[],
  sink: OutcomeSink,
  options: { signal?: AbortSignal; beforeChunk?: () => Promise<void> } = {},
): Promise<void> {
  let bytesRead = 0;
  const text = paced(utf8Text(fileBytes(file, (raw) => (bytesRead = raw)), options.signal), options.beforeChunk);
  let reader: RowReader | undefined;
  let unchanged: UnchangedRows | undefined;
  const records = {
    record(record: SourceRecord, problem?: string) {
      if (problem) return sink.outcome(record.line, { kind: 'error', reason: problem }, () => record.raw());
      if (!unchanged) return sink.outcome(record.line, reader!.read(record.fields()), () => record.raw());
      const rowHash = unchanged.hash(record);
      if (unchanged.isStored(rowHash, record)) return sink.outcome(record.line, UNCHANGED, NO_RAW);
      const outcome = reader!.read(record.fields());
      if (outcome.kind === 'payment') {
        outcome.rowHash = rowHash;
        unchanged.readPayment(outcome.payment.id);
      }
      sink.outcome(record.line, outcome, () => record.raw());
    },
    progress: () => sink.progress(bytesRead),
  };
  if (JSON_LINES.test(file)) {
    reader = jsonLinesReader(path.basename(file));
    await sink.format(reader.format);
    await readJsonLines(text, records);
    return;
  }
  await readCsvRecords(text, {
    ...records,
    async header(header) {
      const recognition = recogniseHeader(header.names, mappings);
      if (!recognition.ok) throw new UnrecognisedHeader(recognition.reason, header.line, recognition.status);
      reader = recognition.reader;
      const stored = await sink.format(reader.format);
      if (reader.paymentRows) unchanged = new UnchangedRows(reader.paymentRows, header.delimiter, stored);
    },
  });
}

/** Waits for `beforeChunk` before each chunk is read: backpressure from the consumer of the outcomes. */
async function* paced(chunks: AsyncIterable<TextChunk>, beforeChunk?: () => Promise<void>): AsyncGenerator<TextChunk> {
  for await (const chunk of chunks) {
    if (beforeChunk) await beforeChunk();
    yield chunk;
  }
}
