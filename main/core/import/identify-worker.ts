// A file's content hash computed on another core (identify-file.ts), with its first line as soon as it is read.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { IdentifyMessage } from './identify-file.js';

const CHUNK_BYTES = 1 << 20;
const GZIP = [0x1f, 0x8b];

async function identify(file: string, post: (message: IdentifyMessage) => void): Promise<void> {
  const hash = createHash('sha256');
  let head: Buffer | undefined = Buffer.alloc(0);
  const tellFirstLine = (line: string | null) => {
    head = undefined;
    post({ type: 'firstLine', line });
  };
  for await (const chunk of fs.createReadStream(file, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    if (head === undefined) continue;
    head = Buffer.concat([head, chunk]);
    if (head[0] === GZIP[0] && head[1] === GZIP[1]) tellFirstLine(null);
    else if (head.includes(10)) tellFirstLine(firstLineOf(head));
    else if (head.length >= CHUNK_BYTES) tellFirstLine(null);
  }
  if (head !== undefined) tellFirstLine(head.length ? firstLineOf(head) : null);
  post({ type: 'hash', hash: hash.digest('hex') });
}

/** The first line as text, without a UTF-8 byte order mark or its LF. */
function firstLineOf(head: Buffer): string {
  const start = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  const newline = head.indexOf(10);
  return head.subarray(start, newline === -1 ? head.length : newline).toString('utf8');
}

if (parentPort) {
  const port = parentPort;
  identify(workerData as string, (message) => port.postMessage(message)).catch((error: Error) =>
    port.postMessage({ type: 'error', message: error.message } satisfies IdentifyMessage),
  );
}
