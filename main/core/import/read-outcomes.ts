// Reads an export file as a stream of domain outcomes (a payment, a ledger entry, a review, an ignored row or
// a rejected one), recognising the format from the header. Nothing here touches the database, so it can run
// in this thread or in a parse worker (parse-in-worker.ts) while the database work goes on in parallel.
import path from 'node:path';
import { readCsvRecords, type SourceRecord } from './csv-records.js';
import { readExportHeader } from './read-header.js';
import { FileError } from './file-error.js';
import { fileBytes } from './file-source.js';
import { jsonLinesReader } from './formats/json-lines.js';
import { recogniseHeader, type SavedMapping } from './formats/recognise.js';
import { readJsonLines } from './json-lines.js';
import type { RowOutcome, RowReader } from './records.js';
import { RowHashSet, rowHashSetOf, type RowHashPages } from './row-hash-set.js';
import { UnchangedRows } from './unchanged-rows.js';
import { utf8Text, type TextChunk } from './utf8-text.js';

/**
 * The row hashes of the stored payments, as a store reads them or as a set built from them; undefined when there
 * are none (or the format has no payments).
 */
export type StoredRows = RowHashPages | RowHashSet | undefined;

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

/**
 * One of the two parts of a CSV file that two parse workers read at once (parse-in-worker.ts). The earlier part
 * is read from the file's start, the later one from a record boundary near its middle.
 */
export interface FilePart {
  /** The earlier part ends before the record that starts on this line (once the later part has found it). */
  endLine?: number;
  /** The later part: the byte and physical line it starts on, a record boundary after the header. */
  start?: { byte: number; line: number };
  /** Called once the header is read, with how this part recognises unchanged rows (undefined: it does not). */
  onUnchangedRows?(rows: UnchangedRows | undefined): void;
}

class PartEnd extends Error {}

/** Where the read stopped: at the file's end, or where the earlier part of a file read in two parts ends. */
export type ReadEnd = 'file' | 'part';

export async function readOutcomes(
  file: string,
  mappings: readonly SavedMapping[],
  sink: OutcomeSink,
  options: {
    signal?: AbortSignal;
    beforeChunk?: () => Promise<void>;
    part?: FilePart;
    /** Sees each chunk of the file's bytes as read from disk (before any decompression), in order. */
    onRawChunk?: (chunk: Buffer) => void;
  } = {},
): Promise<ReadEnd> {
  let bytesRead = 0;
  const { part, onRawChunk } = options;
  const bytes = fileBytes(
    file,
    (raw, chunk) => {
      bytesRead = raw;
      onRawChunk?.(chunk);
    },
    part?.start?.byte,
  );
  const text = paced(utf8Text(bytes, options.signal, part?.start), options.beforeChunk);
  let reader: RowReader | undefined;
  let unchanged: UnchangedRows | undefined;
  const records = {
    record(record: SourceRecord, problem?: string) {
      if (part?.endLine !== undefined && record.line >= part.endLine) {
        if (record.line === part.endLine) throw new PartEnd();
        part.endLine = undefined; // the later part started inside a record: this part reads on to the end
      }
      if (problem) return sink.outcome(record.line, { kind: 'error', reason: problem }, () => record.raw());
      if (!unchanged) return sink.outcome(record.line, reader!.read(record.fields()), () => record.raw());
      if (unchanged.isStored(record)) return sink.outcome(record.line, UNCHANGED, NO_RAW);
      const outcome = reader!.read(record.fields());
      if (outcome.kind === 'payment') {
        outcome.rowHash = unchanged.lastRowHash();
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
    return 'file';
  }
  const continuation = part?.start && { header: await readExportHeader(file), line: part.start.line };
  try {
    await readCsvRecords(
      text,
      {
        ...records,
        async header(header) {
          const recognition = recogniseHeader(header.names, mappings);
          if (!recognition.ok) throw new UnrecognisedHeader(recognition.reason, header.line, recognition.status);
          reader = recognition.reader;
          const stored = await sink.format(reader.format);
          const set = stored instanceof RowHashSet ? stored : stored && (await rowHashSetOf(stored));
          if (reader.paymentRows) unchanged = new UnchangedRows(reader.paymentRows, header.delimiter, set);
          part?.onUnchangedRows?.(unchanged);
        },
      },
      continuation,
    );
  } catch (error) {
    if (error instanceof PartEnd) return 'part';
    throw error;
  }
  return 'file';
}

/** Waits for `beforeChunk` before each chunk is read: backpressure from the consumer of the outcomes. */
async function* paced(chunks: AsyncIterable<TextChunk>, beforeChunk?: () => Promise<void>): AsyncGenerator<TextChunk> {
  for await (const chunk of chunks) {
    if (beforeChunk) await beforeChunk();
    yield chunk;
  }
}
