// The parse half of a large import, in a worker thread: reads and validates the file and posts outcomes in
// batches, while the importing thread writes the previous batch to SQLite.
import { parentPort, workerData } from 'node:worker_threads';
import { FileError } from './file-error.js';
import type { SavedMapping } from './formats/recognise.js';
import { readOutcomes, UnrecognisedHeader } from './read-outcomes.js';
import { encodeOutcome, type OutcomeBatch } from './outcome-codec.js';

export interface ParseJob {
  file: string;
  mappings: SavedMapping[];
}

export type ParseMessage =
  | { type: 'format'; format: string }
  | { type: 'outcomes'; batch: OutcomeBatch; bytesRead: number }
  | { type: 'done' }
  | { type: 'fileError'; reason: string; line?: number; header?: string; status?: 'unrecognised' | 'rejected' }
  | { type: 'error'; message: string };

const BATCH = 2000;
const BATCHES_IN_FLIGHT = 4;

async function run(port: NonNullable<typeof parentPort>, job: ParseJob): Promise<void> {
  const post = (message: ParseMessage) => port.postMessage(message);
  let batch: OutcomeBatch = [];
  let count = 0;
  let bytesRead = 0;
  let inFlight = 0;
  let wake: (() => void) | undefined;
  port.on('message', (message) => {
    if (message === 'ack') {
      inFlight--;
      wake?.();
    }
  });
  const flush = () => {
    if (count === 0) return;
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
        format: (format) => post({ type: 'format', format }),
        outcome(line, outcome, raw) {
          encodeOutcome(batch, line, outcome, raw);
          if (++count >= BATCH) flush();
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
