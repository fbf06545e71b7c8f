// A file's content hash, computed on another core while the importing thread prepares what the file will need
// (import-file.ts): the first line comes back first, so the importing thread can tell the format meanwhile.
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

const WORKER_FILE = path.join(__dirname, 'identify-worker.js');

export type IdentifyMessage =
  /** The file's first line (null: gzipped, or none within the first chunk). */
  | { type: 'firstLine'; line: string | null }
  | { type: 'hash'; hash: string }
  | { type: 'error'; message: string };

export interface FileIdentification {
  firstLine: Promise<string | null>;
  /** The SHA-256 of the file's bytes, as contentHash gives it; rejects when the file cannot be read. */
  hash: Promise<string>;
}

/** The worker runs from the build (dist/); from TypeScript sources (the unit tests) it is not there. */
export const identifyWorkerAvailable = (): boolean => fs.existsSync(WORKER_FILE);

export function identifyInWorker(file: string): FileIdentification {
  const worker = new Worker(WORKER_FILE, { workerData: file });
  let tellFirstLine!: (line: string | null) => void;
  let tellHash!: (hash: string) => void;
  let fail!: (error: Error) => void;
  const firstLine = new Promise<string | null>((resolve) => (tellFirstLine = resolve));
  const hash = new Promise<string>((resolve, reject) => {
    tellHash = resolve;
    fail = reject;
  });
  hash.catch(() => {}); // a file that cannot be read is reported when the hash is awaited
  const failed = (error: Error) => {
    tellFirstLine(null);
    fail(error);
  };
  worker.on('message', (message: IdentifyMessage) => {
    if (message.type === 'firstLine') tellFirstLine(message.line);
    else if (message.type === 'hash') {
      tellHash(message.hash);
      void worker.terminate();
    } else failed(new Error(message.message));
  });
  worker.on('error', failed);
  worker.on('exit', (code) => failed(new Error(`the hashing worker stopped before the end of the file (exit ${code})`)));
  return { firstLine, hash };
}
