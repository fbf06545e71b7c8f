// A file's content hash computed on another core (identify-file.ts), with its first line as soon as it is read;
// meanwhile, the set of the stored row hashes the importing thread posts, page by page.
import { parentPort, workerData } from 'node:worker_threads';
import { contentHash, startsAsGzip } from './file-source.js';
import type { IdentifyMessage } from './identify-file.js';
import { SharedSetFromPages, type RowHashPageMessage } from './row-hash-set.js';

/** A first line longer than this is not looked for (the import reports such a header itself). */
const HEAD_BYTES = 1 << 20;

async function identify(file: string, post: (message: IdentifyMessage) => void): Promise<void> {
  let head: Buffer | undefined = Buffer.alloc(0);
  const tellFirstLine = (line: string | null) => {
    head = undefined;
    post({ type: 'firstLine', line });
  };
  const hash = await contentHash(file, (chunk) => {
    if (head === undefined) return;
    head = Buffer.concat([head, chunk]);
    if (startsAsGzip(head)) tellFirstLine(null);
    else if (head.includes(10)) tellFirstLine(firstLineOf(head));
    else if (head.length >= HEAD_BYTES) tellFirstLine(null);
  });
  if (head !== undefined) tellFirstLine(head.length ? firstLineOf(head) : null);
  post({ type: 'hash', hash });
}

/** The first line as text, without a UTF-8 byte order mark or its LF. */
function firstLineOf(head: Buffer): string {
  const start = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  const newline = head.indexOf(10);
  return head.subarray(start, newline === -1 ? head.length : newline).toString('utf8');
}

if (parentPort) {
  const port = parentPort;
  const stored = new SharedSetFromPages();
  port.on('message', (message: RowHashPageMessage) =>
    stored.take(message, (set) => {
      if (set) port.postMessage({ type: 'storedSet', shared: set.buffer as SharedArrayBuffer } satisfies IdentifyMessage);
    }),
  );
  identify(workerData as string, (message) => port.postMessage(message)).catch((error: Error) =>
    port.postMessage({ type: 'error', message: error.message } satisfies IdentifyMessage),
  );
}
