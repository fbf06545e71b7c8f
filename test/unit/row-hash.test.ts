// A payment row's hash is that of its UTF-8 bytes (row-hash.ts): read from the file's own bytes when its chunk is
// ASCII, from its text encoded again otherwise. A snapshot recognises stored rows only if both ways agree, on any
// row, wherever it lies in a chunk.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readCsvRecords, type SourceRecord } from '../../main/core/import/csv-records.js';
import { readOutcomes } from '../../main/core/import/read-outcomes.js';
import { hashBytes, hashUtf8, type RowHash } from '../../main/core/import/row-hash.js';
import { RowHashSet } from '../../main/core/import/row-hash-set.js';
import { utf8Text } from '../../main/core/import/utf8-text.js';
import { byteChunks } from '../support/csv-chunks.js';
import { PAYMENTS_HEADER } from '../support/db.js';

const SEED: RowHash = { hi: 0x1234567, lo: -0x7654321 };
const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

describe('hashBytes and hashUtf8', () => {
  it('give the same hash for a text and its UTF-8 bytes, wherever the bytes lie in a larger buffer', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.uint8Array({ maxLength: 9 }), fc.uint8Array({ maxLength: 9 }), (text, before, after) => {
        const bytes = Buffer.from(text, 'utf8');
        const around = Buffer.concat([before, bytes, after]);
        expect(hashBytes(view(around), SEED, before.length, before.length + bytes.length)).toEqual(hashUtf8(text, SEED));
      }),
      { seed: 2026, numRuns: 2000 },
    );
  });

  it('tells apart rows one byte apart, or one byte longer', () => {
    const seen = new Map<string, string>();
    const add = (text: string) => {
      const { hi, lo } = hashUtf8(text, SEED);
      const key = `${hi},${lo}`;
      expect(seen.get(key) ?? text).toBe(text);
      seen.set(key, text);
    };
    const row = 'ch_3PqR8sT2uV4wX6yZ,acct_1,10.00,usd,Paid,2026-03-15 10:00:00';
    for (let i = 0; i < row.length; i++) {
      for (const c of 'aZ0,. ') add(row.slice(0, i) + c + row.slice(i + 1));
      add(row.slice(0, i));
      add(`${row.slice(0, i)}\u0000`);
    }
    expect(hashUtf8('abc', SEED)).not.toEqual(hashUtf8('abc', { hi: SEED.hi, lo: SEED.lo + 1 }));
  });
});

/** Each record's text, and its bytes' text when the reader gave bytes. */
async function recordsOf(file: string, chunkBytes: number) {
  const records: { text: string; bytes?: string }[] = [];
  const record = (r: SourceRecord) => {
    const text = r.text.substring(r.start, r.end);
    const bytes = r.bytes && Buffer.from(r.bytes.buffer, r.bytes.byteOffset + r.start, r.end - r.start).toString('latin1');
    records.push({ text, bytes });
  };
  await readCsvRecords(utf8Text(byteChunks(Buffer.from(file, 'utf8'), chunkBytes)), { header: () => {}, record });
  return records;
}

describe('a record read from an ASCII chunk', () => {
  const cell = fc.oneof(
    fc.stringMatching(/^[a-z0-9_ .@-]{0,12}$/),
    fc.stringMatching(/^"[a-z0-9 ,\n]{0,12}"$/),
    fc.constantFrom('zoë', '€5', '"quoted ""twice"""'),
  );
  const line = fc.array(cell, { minLength: 1, maxLength: 5 }).map((cells) => cells.join(','));

  it('has bytes that are its text, at its offsets, however the file is cut into chunks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 30 }), fc.boolean(), fc.integer({ min: 1, max: 200 }), async (lines, crlf, chunkBytes) => {
        const file = ['a,b,c', ...lines].join(crlf ? '\r\n' : '\n') + '\n';
        const records = await recordsOf(file, chunkBytes);
        for (const r of records) if (r.bytes !== undefined) expect(r.bytes).toBe(r.text);
      }),
      { seed: 2026, numRuns: 300 },
    );
  });

  it('has bytes in an ASCII file read in whole chunks (the fast path is taken)', async () => {
    const records = await recordsOf(`a,b\n1,"x, y"\n2,plain\n3,"multi\nline"\n`, 1 << 20);
    expect(records.map((r) => r.bytes)).toEqual(['1,"x, y"', '2,plain', '3,"multi\nline"']);
  });
});

describe('a snapshot row', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paydesk-row-hash-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const rows = [
    'pay_1,acct_1,10.00,usd,succeeded,2026-03-15T10:00:00Z,,in_1,a@example.com,pack',
    'pay_2,acct_1,5.00,usd,pending,2026-03-15T10:05:00Z,,,b@example.com,"pack, small"',
    'pay_3,acct_2,20.00,usd,succeeded,2026-03-15T10:06:00Z,,,,"two\nlines"',
  ];
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };

  /** The hash of each payment row read in full, and how each row came out against `stored`. */
  async function read(file: string, stored: RowHashSet) {
    const hashes: RowHash[] = [];
    const kinds: string[] = [];
    await readOutcomes(file, [], {
      format: () => stored,
      outcome: (_line, outcome) => {
        kinds.push(outcome.kind);
        if (outcome.kind === 'payment' && outcome.rowHash) hashes.push(outcome.rowHash);
      },
      progress: () => {},
    });
    return { hashes, kinds };
  }

  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ])('hashed from an ASCII file is recognised in a file that is not ASCII (%s)', async (_name, eol) => {
    const ascii = write(`ascii-${_name}.csv`, [PAYMENTS_HEADER, ...rows].join(eol) + eol);
    const stored = new RowHashSet(undefined, 0);
    stored.add(0x5eed, 1); // a set with a row in it, so that rows are checked and hashed
    const first = await read(ascii, stored);
    expect(first.kinds).toEqual(['payment', 'payment', 'payment']);
    for (const hash of first.hashes) stored.add(hash.hi, hash.lo);

    const withAccent = write(`accent-${_name}.csv`, [PAYMENTS_HEADER, ...rows, 'pay_4,acct_3,5.00,eur,pending,2026-03-16T09:00:00Z,,,zoë@example.com,pack'].join(eol) + eol);
    expect((await read(withAccent, stored)).kinds).toEqual(['unchanged', 'unchanged', 'unchanged', 'payment']);
    expect((await read(ascii, stored)).kinds).toEqual(['unchanged', 'unchanged', 'unchanged']);
  });
});
