// A file's content hash, computed on another core while the importing thread prepares what the file will need
// (import-file.ts): the first line comes back first, so the importing thread can tell the format meanwhile, and
// the same worker builds the set of stored row hashes from the pages that thread reads.
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { postRowHashPages, RowHashSet, type RowHashPages } from './row-hash-set.js';

const WORKER_FILE = path.join(__dirname, 'identify-worker.js');

export type IdentifyMessage =
  /** The file's first line (null: gzipped, or none within the first chunk). */
  | { type: 'firstLine'; line: string | null }
  | { type: 'hash'; hash: string }
  /** The set of the row hashes posted to the worker, in shared memory. */
  | { type: 'storedSet'; shared: SharedArrayBuffer }
  | { type: 'error'; message: string };

export interface FileIdentification {
  firstLine: Promise<string | null>;
  /** The SHA-256 of the file's bytes, as contentHash gives it; rejects when the file cannot be read. */
  hash: Promise<string>;
  /** Has the worker build the set of these hashes (while it hashes), in shared memory for the parse workers. */
  rowHashSet(stored: RowHashPages): Promise<RowHashSet>;
  /** Stops the worker; call once done with it. */
  close(): void;
}

/** The worker runs from the build (dist/); from TypeScript sources (the unit tests) it is not there. */
export const identifyWorkerAvailable = (): boolean => fs.existsSync(WORKER_FILE);

export function identifyInWorker(file: string): FileIdentification {
  const worker = new Worker(WORKER_FILE, { workerData: file });
  const firstLine = promised<string | null>();
  const hash = promised<string>();
  const storedSet = promised<RowHashSet>();
  hash.promise.catch(() => {}); // a file that cannot be read is reported when the hash is awaited
  storedSet.promise.catch(() => {}); // and a failed set when it is
  const failed = (error: Error) => {
    firstLine.resolve(null);
    hash.reject(error);
    storedSet.reject(error);
  };
  worker.on('message', (message: IdentifyMessage) => {
    if (message.type === 'firstLine') firstLine.resolve(message.line);
    else if (message.type === 'hash') hash.resolve(message.hash);
    else if (message.type === 'storedSet') storedSet.resolve(new RowHashSet(message.shared));
    else failed(new Error(message.message));
  });
  worker.on('error', failed);
  worker.on('exit', (code) => failed(new Error(`the hashing worker stopped before its work was done (exit ${code})`)));
  return {
    firstLine: firstLine.promise,
    hash: hash.promise,
    async rowHashSet(stored) {
      await postRowHashPages(stored, (message) => worker.postMessage(message));
      return storedSet.promise;
    },
    close: () => void worker.terminate(),
  };
}

function promised<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
