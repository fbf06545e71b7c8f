// The hashing worker of a large import (identify-file.ts): the file's first line and content hash, and the set of
// stored row hashes the importing thread posts to it page by page, which the parse workers then share.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { contentHash } from '../../main/core/import/file-source.js';
import type { RowHash } from '../../main/core/import/row-hash.js';
import type { RowHashPages } from '../../main/core/import/row-hash-set.js';
import { tempDir } from '../support/db.js';

// The worker runs from the build, as in the app (the test command builds first).
const root = path.resolve(__dirname, '../..');
const { identifyInWorker } = createRequire(__filename)(path.join(root, 'dist/main/core/import/identify-file.js')) as typeof import('../../main/core/import/identify-file.js');

const dir = tempDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const HEADER = 'id,Amount,Currency,Status';
const file = path.join(dir, 'payments.csv');
fs.writeFileSync(file, `\uFEFF${HEADER}\n` + Array.from({ length: 200_000 }, (_, i) => `ch_${i},10.00,usd,Paid`).join('\n') + '\n');

/** Hashes as a store gives them: pages of [hi, lo] pairs, 4-byte big-endian words each. */
function pagesOf(hashes: RowHash[], perPage: number): RowHashPages {
  const pages: Buffer[] = [];
  for (let i = 0; i < hashes.length; i += perPage) {
    const page = Buffer.alloc(Math.min(perPage, hashes.length - i) * 8);
    hashes.slice(i, i + perPage).forEach((hash, j) => {
      page.writeInt32BE(hash.hi, j * 8);
      page.writeInt32BE(hash.lo, j * 8 + 4);
    });
    pages.push(page);
  }
  return { expected: hashes.length, pages };
}

const stored: RowHash[] = Array.from({ length: 30_000 }, (_, i) => ({ hi: Math.imul(i + 1, 0x9e3779b1), lo: -i }));
stored.push({ hi: 0, lo: 0 }); // the one hash equal to an empty slot

it('tells the first line without its byte order mark, then the content hash, and builds the set posted meanwhile', async () => {
  const identifying = identifyInWorker(file);
  try {
    expect(await identifying.firstLine).toBe(HEADER);
    const set = await identifying.rowHashSet(pagesOf(stored, 4096));
    expect(set.size).toBe(stored.length);
    expect(stored.every((hash) => set.has(hash))).toBe(true);
    expect(set.has({ hi: 12345, lo: 678 })).toBe(false);
    expect(set.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(await identifying.hash).toBe(await contentHash(file));
  } finally {
    identifying.close();
  }
});

it('builds the set when asked after the hash is done', async () => {
  const identifying = identifyInWorker(file);
  try {
    await identifying.hash;
    const set = await identifying.rowHashSet(pagesOf(stored.slice(0, 100), 7));
    expect(set.size).toBe(100);
    expect(stored.slice(0, 100).every((hash) => set.has(hash))).toBe(true);
  } finally {
    identifying.close();
  }
});

it('rejects the hash of a file it cannot read', async () => {
  const identifying = identifyInWorker(path.join(dir, 'missing.csv'));
  try {
    expect(await identifying.firstLine).toBeNull();
    await expect(identifying.hash).rejects.toThrow(/ENOENT/);
  } finally {
    identifying.close();
  }
});
