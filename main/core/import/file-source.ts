// Opens an export as a byte stream: plain or gzipped (by its magic bytes, not its name), and its content hash.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { FileError } from './file-error.js';

const CHUNK_BYTES = 1 << 20;

export async function contentHash(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(fs.createReadStream(file, { highWaterMark: CHUNK_BYTES }), hash);
  return hash.digest('hex');
}

export function isGzipped(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const magic = Buffer.alloc(2);
    return fs.readSync(fd, magic, 0, 2, 0) === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The file's bytes, decompressed when gzipped; `onRawBytes` reports bytes read from disk (for progress).
 * `start`: the byte of a plain file to start at (a gzipped file is read from its start).
 */
export async function* fileBytes(file: string, onRawBytes?: (total: number) => void, start = 0): AsyncGenerator<Buffer> {
  // Without `start`, the stream reads at the descriptor's position, which the crash tests watch move through /proc.
  const raw = fs.createReadStream(file, { highWaterMark: CHUNK_BYTES, ...(start > 0 ? { start } : {}) });
  let rawBytes = 0;
  raw.on('data', (chunk) => {
    rawBytes += chunk.length;
    onRawBytes?.(rawBytes);
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
