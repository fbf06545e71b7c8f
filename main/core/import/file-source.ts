// Opens an export as a byte stream: plain or gzipped (by its magic bytes, not its name), and its content hash.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { FileError } from './file-error.js';

/**
 * Just under Node's size for decoding bytes into an external string (EXTERN_APEX, 1,031,913 bytes), so that a
 * chunk's text (utf8-text.ts) is an ordinary V8 string. At 1 MiB every chunk's text was an external string, whose
 * memory is given back only by a full collection: reading a 215 MB ledger export's text held about 80 MB more
 * than now, and a first import's peak RSS was about 35 MB higher (docs/benchmarks.md, issue 12).
 */
const CHUNK_BYTES = 1_000_000;

/** The SHA-256 of the file's bytes, in hex; `onChunk` sees each chunk as it is hashed. */
export async function contentHash(file: string, onChunk?: (chunk: Buffer) => void): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    onChunk?.(chunk);
  }
  return hash.digest('hex');
}

/** Whether bytes from a file's start begin as gzip data does. */
export const startsAsGzip = (head: Uint8Array): boolean => head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;

export function isGzipped(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const magic = Buffer.alloc(2);
    fs.readSync(fd, magic, 0, 2, 0);
    return startsAsGzip(magic);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The file's bytes, decompressed when gzipped; `onRawBytes` reports bytes read from disk (for progress), with the
 * chunk just read. `start`: the byte of a plain file to start at (a gzipped file is read from its start).
 */
export async function* fileBytes(file: string, onRawBytes?: (total: number, chunk: Buffer) => void, start = 0): AsyncGenerator<Buffer> {
  // Without `start`, the stream reads at the descriptor's position, which the crash tests watch move through /proc.
  const raw = fs.createReadStream(file, { highWaterMark: CHUNK_BYTES, ...(start > 0 ? { start } : {}) });
  let rawBytes = 0;
  raw.on('data', (chunk) => {
    rawBytes += chunk.length;
    onRawBytes?.(rawBytes, chunk as Buffer); // no encoding was set: always bytes
  });
  if (start > 0 || !isGzipped(file)) {
    yield* raw as AsyncIterable<Buffer>;
    return;
  }
  const gunzip = zlib.createGunzip({ chunkSize: CHUNK_BYTES });
  raw.on('error', (error) => gunzip.destroy(error));
  raw.pipe(gunzip);
  try {
    yield* gunzip as AsyncIterable<Buffer>;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR') {
      throw new FileError(`damaged gzip data (${(error as Error).message}): the file is truncated or not gzip`);
    }
    throw error;
  } finally {
    raw.destroy();
  }
}
