// utf8Text decodes chunk by chunk, plain ASCII chunks by a faster path: whatever path a chunk takes, the text
// and the errors (with their line numbers) are those of a plain UTF-8 decoding.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FileError } from '../../main/core/import/file-error.js';
import { fileBytes } from '../../main/core/import/file-source.js';
import { utf8Text } from '../../main/core/import/utf8-text.js';
import { byteChunks } from '../support/csv-chunks.js';
import { tempDir } from '../support/db.js';

async function decodeAll(bytes: Buffer, size: number): Promise<string> {
  let text = '';
  for await (const chunk of utf8Text(byteChunks(bytes, size))) text += chunk.text;
  return text;
}

describe('utf8Text', () => {
  const text = 'id,email\npay_1,plain@example.com\npay_2,zoë@exämple.com\npay_3,€ and 😀\npay_4,ascii again\n';

  it.each([1, 2, 3, 7, 16, 1024])('gives the UTF-8 text whatever the chunks (%i bytes): ASCII ones and the others', async (size) => {
    expect(await decodeAll(Buffer.from(text, 'utf8'), size)).toBe(text);
  });

  it('drops a byte order mark and keeps Latin-1 bytes from passing as text', async () => {
    expect(await decodeAll(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a,b\n')]), 1024)).toBe('a,b\n');
    // 0xe9 is é in Latin-1 but no UTF-8 on its own: the file is not UTF-8.
    const latin1 = Buffer.from('a,b\nline two\ncaf\u00e9\n', 'latin1');
    await expect(decodeAll(latin1, 1024)).rejects.toThrow(FileError);
    await expect(decodeAll(latin1, 1024)).rejects.toMatchObject({ line: 3 });
  });

  it('rejects a NUL byte in an otherwise ASCII chunk, naming its line', async () => {
    const bytes = Buffer.from('a,b\nc,d\ne\u0000f\n', 'latin1');
    await expect(decodeAll(bytes, 1024)).rejects.toThrow(/binary data \(a NUL byte\)/);
    await expect(decodeAll(bytes, 1024)).rejects.toMatchObject({ line: 3 });
  });

  it('ends each chunk after a line break where the bytes hold one, so the reader need not join chunks', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => `pay_${i},zoë${i}@example.com,€${i}\n`).join('');
    const texts: string[] = [];
    for await (const chunk of utf8Text(byteChunks(Buffer.from(lines, 'utf8'), 100))) texts.push(chunk.text);
    expect(texts.length).toBeGreaterThan(10);
    expect(texts.filter((t) => !t.endsWith('\n'))).toEqual([]);
    expect(texts.join('')).toBe(lines);
  });

  it.each([1, 3, 1024])('gives a last line without a line break (%i-byte chunks), and a line longer than a chunk', async (size) => {
    expect(await decodeAll(Buffer.from('a,b\nc,dé', 'utf8'), size)).toBe('a,b\nc,dé');
    expect(await decodeAll(Buffer.from(`a,b\n${'x'.repeat(3000)}\nc`, 'utf8'), size)).toBe(`a,b\n${'x'.repeat(3000)}\nc`);
  });

  it('rejects a file that ends inside a character, naming its line', async () => {
    const bytes = Buffer.from('a,b\nc,d\ne,€', 'utf8').subarray(0, -1);
    for (const size of [2, 1024]) {
      await expect(decodeAll(bytes, size)).rejects.toThrow(/ends inside a character/);
      await expect(decodeAll(bytes, size)).rejects.toMatchObject({ line: 3 });
    }
  });
});

describe('fileBytes', () => {
  // Node decodes more bytes than this into an external string, whose memory only a full collection gives back:
  // with 1 MiB chunks a worker reading a large export held about 80 MB more (file-source.ts).
  const EXTERN_APEX = 0xfbee9;

  it.each([false, true])('reads a file in chunks each decoded into an ordinary string (gzipped: %s)', async (gzipped) => {
    const text = Array.from({ length: 60_000 }, (_, i) => `pay_${i},acct_${i % 97},${i}.00,usd\n`).join('');
    const file = path.join(tempDir(), gzipped ? 'payments.csv.gz' : 'payments.csv');
    fs.writeFileSync(file, gzipped ? zlib.gzipSync(text) : text);
    const sizes: number[] = [];
    let read = '';
    for await (const chunk of utf8Text(fileBytes(file))) {
      sizes.push(chunk.text.length);
      read += chunk.text;
    }
    expect(read).toBe(text);
    expect(sizes.length).toBeGreaterThan(1);
    expect(Math.max(...sizes)).toBeLessThan(EXTERN_APEX);
  });
});
