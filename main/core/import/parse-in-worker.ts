// The importing side of parse-worker.ts: the same contract as readOutcomes, with the parsing on another core.
// A newer snapshot of stored payments leaves the importing thread little to write, so its parse is the import:
// two workers read it at once, the earlier part from the file's start and the later part from a record boundary
// near the middle. The later part's outcomes are held until the earlier part has ended, then applied in file
// order; when the later part cannot be used (too many rows to hold, or a row it called unchanged turns out to
// need reading in full), the file is read on from where the earlier part ended, as one worker would have.
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { FileError } from './file-error.js';
import { isGzipped } from './file-source.js';
import { decodeOutcomes } from './outcome-codec.js';
import type { SavedMapping } from './formats/recognise.js';
import type { ImporterMessage, ParseJob, ParseMessage } from './parse-worker.js';
import { JSON_LINES, UnrecognisedHeader, type OutcomeSink, type StoredRows } from './read-outcomes.js';
import { postRowHashPages, RowHashSet } from './row-hash-set.js';

const WORKER_FILE = path.join(__dirname, 'parse-worker.js');

/** The worker runs from the build (dist/); from TypeScript sources (the unit tests) it is not there. */
export const parseWorkerAvailable = (): boolean => fs.existsSync(WORKER_FILE);

/** From this size a file is parsed on another core while the importing thread writes (both stores). */
export const PARSE_IN_WORKER_BYTES = 4 << 20;

/** From this size a payments file checked against stored payments is read in two parts at once. */
export const READ_IN_PARTS_BYTES = 32 << 20;

export interface WorkerReadOptions {
  signal?: AbortSignal;
  /**
   * The consumer's backpressure. A worker keeps a few batches in flight and parses on only when one is
   * acknowledged; the acknowledgement waits for this (by default, none: the batch was written when the sink
   * returned, as on SQLite).
   */
  beforeAck?: () => Promise<unknown>;
  /** The size from which a payments file is read in two parts (tests lower it). */
  partsFromBytes?: number;
  /**
   * The caller read the header: a CSV payments export, checked against stored rows. The later part's worker
   * then starts with the first one, not once the first has told the format.
   */
  paymentsExpected?: boolean;
  /** Each worker's young generation (WORKER_YOUNG_GENERATION_MB by default). */
  youngGenerationMb?: number;
}

type Role = 'earlier' | 'later' | 'resumed';

/**
 * Each worker is a heap of its own beside the importing thread's. Left to itself, the worker parsing a first
 * import's ledger (the phase where the import's memory peaks) committed 46 MB, nearly all of it young generation;
 * with its young generation held to 8 MB, as a snapshot's later part always was, it commits 16 MB, for more
 * scavenges whose cost stayed inside the noise of whole imports (docs/benchmarks.md, fifteenth stop). A caller
 * whose process holds no page cache of its own (PostgreSQL's import) can give it more (`youngGenerationMb`).
 */
const WORKER_YOUNG_GENERATION_MB = 8;

/** How the file was read: by one worker, in two parts at once, or in two parts with the later one read again. */
export type WorkerRead = 'one worker' | 'two parts' | 'two parts, the later read again';

export function readOutcomesInWorker(file: string, mappings: readonly SavedMapping[], sink: OutcomeSink, options: WorkerReadOptions = {}): Promise<WorkerRead> {
  const { signal, beforeAck, partsFromBytes = READ_IN_PARTS_BYTES, paymentsExpected = false, youngGenerationMb = WORKER_YOUNG_GENERATION_MB } = options;
  return new Promise((resolve, reject) => {
    const running = new Set<Worker>();
    let settled = false;
    let read: WorkerRead = 'one worker';
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      for (const worker of running) void worker.terminate();
      if (error) reject(error);
      else resolve(read);
    };
    const onAbort = () => settle(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal?.addEventListener('abort', onAbort);
    const retire = (worker: Worker | undefined) => {
      if (worker && running.delete(worker)) void worker.terminate();
    };

    const bytes = { earlier: 0, later: 0 };
    const totalBytes = fs.statSync(file).size;
    const splittable = totalBytes >= partsFromBytes && !JSON_LINES.test(file) && !isGzipped(file);
    const startLater = () => start('later', { file, mappings: [...mappings], laterPartFrom: Math.floor(totalBytes / 2) });
    let later: Worker | undefined;
    let laterStart: { byte: number; line: number } | undefined;
    let earlierIds: ArrayBuffer | null | undefined;
    let storedSet: SharedArrayBuffer | undefined;

    const start = (role: Role, job: ParseJob): Worker => {
      const worker = new Worker(WORKER_FILE, { workerData: job, resourceLimits: { maxYoungGenerationSizeMb: youngGenerationMb } });
      running.add(worker);
      worker.on('message', (message: ParseMessage) => {
        try {
          if (!settled && running.has(worker)) handle(role, worker, message);
        } catch (error) {
          settle(error as Error);
        }
      });
      worker.on('error', (error) => settle(error));
      worker.on('exit', (code) => {
        if (running.has(worker)) settle(new Error(`the parse worker stopped before the end of the file (exit ${code})`));
      });
      return worker;
    };

    const send = (worker: Worker | undefined, message: ImporterMessage, transfer: ArrayBuffer[] = []) => worker?.postMessage(message, transfer);

    /**
     * Sends the stored row hashes page by page to the worker that reads the file's start, which fills its set
     * while the store reads the next page, and shares the set with the others ('storedSet').
     */
    const sendStoredRows = async (stored: StoredRows, worker: Worker) => {
      if (settled) return;
      if (stored === undefined) {
        dropLater(); // nothing to recognise: one worker reads faster than two hold
        return send(worker, { type: 'storedRows', expected: null });
      }
      if (stored instanceof RowHashSet) {
        storedSet = sharedCopy(stored.buffer);
        for (const reader of [worker, later]) if (reader && running.has(reader)) send(reader, { type: 'storedSet', shared: storedSet });
        return;
      }
      await postRowHashPages(stored, (message) => send(worker, message), () => settled);
    };

    /**
     * Gives up the later part before any row is read (the earlier worker waits for the stored rows first): the
     * earlier part reads to the end, though it may have been told where the later one starts.
     */
    const dropLater = () => {
      retire(later);
      later = undefined;
      if (laterStart === undefined) return;
      laterStart = undefined;
      send(earlier, { type: 'endAtLine', line: null });
    };

    /** Reads the file on from where the earlier part ended, in one worker, as if it had never been split. */
    const resume = () => {
      if (!laterStart || earlierIds === undefined || !storedSet) return;
      const ids = earlierIds;
      read = 'two parts, the later read again';
      const worker = start('resumed', { file, mappings: [...mappings], resume: { ...laterStart, earlierIds: ids } });
      send(worker, { type: 'storedSet', shared: storedSet });
    };

    const handle = (role: Role, worker: Worker, message: ParseMessage): void => {
      switch (message.type) {
        case 'format': {
          if (message.payments && splittable) later ??= startLater();
          else dropLater();
          // Answered even when nothing is stored: the worker reads no row before it has the answer.
          void Promise.resolve(sink.format(message.format))
            .then((stored) => sendStoredRows(stored, worker))
            .catch(settle);
          return;
        }
        case 'storedSet':
          storedSet = message.shared;
          if (later && running.has(later)) send(later, { type: 'storedSet', shared: storedSet });
          return;
        case 'partStart':
          laterStart = { byte: message.byte, line: message.line };
          return send(earlier, { type: 'endAtLine', line: message.line });
        case 'partProgress':
          bytes.later = message.bytesRead;
          return progress();
        case 'partUnusable':
          retire(later);
          later = undefined;
          if (earlierIds !== undefined) return resume();
          return send(earlier, { type: 'endAtLine', line: null });
        case 'partEnd':
          retire(earlier);
          earlierIds = message.ids;
          if (later && running.has(later)) {
            read = 'two parts';
            const copy = message.ids?.slice(0) ?? null;
            return send(later, { type: 'earlierPart', ids: copy }, copy ? [copy] : []);
          }
          return resume();
        case 'outcomes':
          decodeOutcomes(message.batch, (line, outcome, raw) => sink.outcome(line, outcome, raw));
          bytes[role === 'earlier' ? 'earlier' : 'later'] = message.bytesRead;
          progress();
          if (!beforeAck) return send(worker, 'ack');
          void beforeAck().then(() => {
            if (!settled) send(worker, 'ack');
          }, settle);
          return;
        case 'done':
          return settle();
        case 'fileError':
          return settle(
            message.header !== undefined
              ? new UnrecognisedHeader(message.reason, message.header, message.status ?? 'unrecognised')
              : new FileError(message.reason, message.line),
          );
        case 'error':
          return settle(new Error(message.message));
      }
    };
    const progress = () => sink.progress(Math.min(totalBytes, bytes.earlier + bytes.later));

    const earlier = start('earlier', { file, mappings: [...mappings] });
    if (paymentsExpected && splittable) later = startLater();
  });
}

/** The set's array in shared memory, as it is when it was built there. */
function sharedCopy(buffer: ArrayBufferLike): SharedArrayBuffer {
  if (buffer instanceof SharedArrayBuffer) return buffer;
  const shared = new SharedArrayBuffer(buffer.byteLength);
  new Uint8Array(shared).set(new Uint8Array(buffer));
  return shared;
}
