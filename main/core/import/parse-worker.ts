// The parse half of a large import, in a worker thread: reads and validates the file and posts outcomes in
// batches, while the importing thread writes the previous batch to SQLite.
import { parentPort, workerData } from 'node:worker_threads';
import { FileError } from './file-error.js';
import type { SavedMapping } from './formats/recognise.js';
import { readOutcomes, UnrecognisedHeader, type StoredRows } from './read-outcomes.js';
import { encodeOutcome, type OutcomeBatch } from './outcome-codec.js';
import { RowHashSet } from './row-hash-set.js';

export interface ParseJob {
  file: string;
  mappings: SavedMapping[];
}

/** From the importing thread: a batch was applied, or the stored rows' hashes asked for by a 'format' message. */
export type ImporterMessage = 'ack' | { type: 'storedRows'; hashes: ArrayBuffer | null };

export type ParseMessage =
  | { type: 'format'; format: string }
  | { type: 'outcomes'; batch: OutcomeBatch; bytesRead: number }
  | { type: 'done' }
  | { type: 'fileError'; reason: string; line?: number; header?: string; status?: 'unrecognised' | 'rejected' }
  | { type: 'error'; message: string };

/** Outcomes per posted batch, not counting unchanged rows (two values each, at most a chunk of them). */
const BATCH = 2000;
const BATCHES_IN_FLIGHT = 4;

async function run(port: NonNullable<typeof parentPort>, job: ParseJob): Promise<void> {
  const post = (message: ParseMessage) => port.postMessage(message);
  let batch: OutcomeBatch = [];
  let count = 0;
  let bytesRead = 0;
  let inFlight = 0;
  let wake: (() => void) | undefined;
  let receiveStoredRows: ((stored: StoredRows) => void) | undefined;
  port.on('message', (message: ImporterMessage) => {
    if (message === 'ack') {
      inFlight--;
      wake?.();
    } else if (message.type === 'storedRows') {
      receiveStoredRows?.(message.hashes === null ? undefined : new RowHashSet(message.hashes));
    }
  });
  const flush = () => {
    if (batch.length === 0) return;
    post({ type: 'outcomes', batch, bytesRead });
    batch = [];
    count = 0;
    inFlight++;
  };
  try {
    await readOutcomes(
      job.file,
      job.mappings,
      {
        format(format) {
          post({ type: 'format', format });
          return new Promise<StoredRows>((resolve) => (receiveStoredRows = resolve));
        },
        outcome(line, outcome, raw) {
          encodeOutcome(batch, line, outcome, raw);
          if (outcome.kind !== 'unchanged' && ++count >= BATCH) flush();
        },
        progress(bytes) {
          bytesRead = bytes;
          flush();
        },
      },
      {
        beforeChunk: async () => {
          while (inFlight >= BATCHES_IN_FLIGHT) await new Promise<void>((resolve) => (wake = resolve));
        },
      },
    );
    flush();
    post({ type: 'done' });
  } catch (error) {
    if (error instanceof UnrecognisedHeader) post({ type: 'fileError', reason: error.reason, line: error.line, header: error.header, status: error.status });
    else if (error instanceof FileError) post({ type: 'fileError', reason: error.reason, line: error.line });
    else post({ type: 'error', message: (error as Error).stack ?? String(error) });
  }
}

if (parentPort) void run(parentPort, workerData as ParseJob);
