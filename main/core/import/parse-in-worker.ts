// The importing side of parse-worker.ts: the same contract as readOutcomes, with the parsing on another core.
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { FileError } from './file-error.js';
import { decodeOutcomes } from './outcome-codec.js';
import type { SavedMapping } from './formats/recognise.js';
import type { ImporterMessage, ParseJob, ParseMessage } from './parse-worker.js';
import { UnrecognisedHeader, type OutcomeSink, type StoredRows } from './read-outcomes.js';

const WORKER_FILE = path.join(__dirname, 'parse-worker.js');

/** The worker runs from the build (dist/); from TypeScript sources (the unit tests) it is not there. */
export const parseWorkerAvailable = (): boolean => fs.existsSync(WORKER_FILE);

/** From this size a file is parsed on another core while the importing thread writes (both stores). */
export const PARSE_IN_WORKER_BYTES = 4 << 20;

/**
 * `beforeAck`: the consumer's backpressure. The worker keeps a few batches in flight and parses on only when
 * one is acknowledged; the acknowledgement waits for this (by default, none: the batch was written when the
 * sink returned, as on SQLite).
 */
export function readOutcomesInWorker(
  file: string,
  mappings: readonly SavedMapping[],
  sink: OutcomeSink,
  signal?: AbortSignal,
  beforeAck?: () => Promise<unknown>,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_FILE, { workerData: { file, mappings: [...mappings] } satisfies ParseJob });
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      if (error) reject(error);
      else resolve();
    };
    const onAbort = () => settle(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal?.addEventListener('abort', onAbort);
    worker.on('message', (message: ParseMessage) => {
      try {
        switch (message.type) {
          case 'format':
            // Answered even when nothing is stored: the worker reads no row before it has the answer.
            void Promise.resolve(sink.format(message.format)).then((stored: StoredRows) => {
              const reply: ImporterMessage = { type: 'storedRows', hashes: stored?.buffer ?? null };
              worker.postMessage(reply, stored ? [stored.buffer] : []);
            }, settle);
            return;
          case 'outcomes':
            decodeOutcomes(message.batch, (line, outcome, raw) => sink.outcome(line, outcome, raw));
            sink.progress(message.bytesRead);
            if (!beforeAck) return worker.postMessage('ack');
            void beforeAck().then(() => {
              if (!settled) worker.postMessage('ack');
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
      } catch (error) {
        settle(error as Error);
      }
    });
    worker.on('error', (error) => settle(error));
    worker.on('exit', (code) => settle(new Error(`the parse worker stopped before the end of the file (exit ${code})`)));
  });
}
