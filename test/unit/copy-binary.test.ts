// COPY's binary rows (main/core/store/copy-binary.ts), byte by byte as PostgreSQL's COPY documentation lays them
// out; the stores' suites send every staged row of an import through a real server in this format.
import { describe, expect, it } from 'vitest';
import { BinaryRows } from '../../main/core/store/copy-binary.js';

const HEADER = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

function int16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
}

function int64(n: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(n);
  return b;
}

describe('COPY binary rows', () => {
  it('writes the header, each field as length and bytes (NULL as -1), BIGINTs as 8 bytes, and the trailer', () => {
    const rows = new BinaryRows(['TEXT', 'BIGINT', 'BIGINT', 'TEXT']);
    rows.row(['é€', -1, 1_795_175_945_000, null]);
    rows.row([null, -(2 ** 40) - 5, 0, '']);
    // ASCII, then text that leaves ASCII after a few characters, and the largest and smallest whole numbers.
    rows.row(['pay_1 x@example.com', Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 'naïve café']);
    const bytes = rows.end();
    const text = Buffer.from('é€', 'utf8');
    const ascii = Buffer.from('pay_1 x@example.com', 'utf8');
    const mixed = Buffer.from('naïve café', 'utf8');
    expect(bytes).toEqual(Buffer.concat([
      HEADER,
      int16(4), int32(text.length), text, int32(8), int64(-1n), int32(8), int64(1_795_175_945_000n), int32(-1),
      int16(4), int32(-1), int32(8), int64(-(2n ** 40n) - 5n), int32(8), int64(0n), int32(0),
      int16(4), int32(ascii.length), ascii, int32(8), int64(BigInt(Number.MAX_SAFE_INTEGER)), int32(8), int64(BigInt(Number.MIN_SAFE_INTEGER)),
      int32(mixed.length), mixed,
      int16(-1),
    ]));
  });

  it('hands on full chunks that join into the same bytes, the header only at the start', () => {
    const rows = new BinaryRows(['BIGINT', 'TEXT']);
    const chunks: Buffer[] = [];
    const long = 'x'.repeat(1000);
    for (let i = 0; i < 500; i++) {
      rows.row([i, long]);
      if (rows.full) chunks.push(rows.take()!);
    }
    chunks.push(rows.end());
    expect(chunks.length).toBeGreaterThan(2);
    const all = Buffer.concat(chunks);
    expect(all.subarray(0, HEADER.length)).toEqual(HEADER);
    expect(all.length).toBe(HEADER.length + 500 * (2 + 12 + 4 + 1000) + 2);
    expect(all.indexOf(HEADER, 1)).toBe(-1);
    expect(all.readBigInt64BE(HEADER.length + 499 * 1018 + 6)).toBe(499n);
  });

  it('refuses a row of the wrong length and a BIGINT that is not a whole number, and keeps none of it', () => {
    const rows = new BinaryRows(['BIGINT']);
    expect(() => rows.row([1, 2])).toThrow(/2 fields, not 1/);
    expect(() => rows.row([1.5])).toThrow(/whole number/);
    expect(() => rows.row([2 ** 60])).toThrow(/whole number/);
    // Nothing of a refused row is left behind.
    rows.row([7]);
    expect(rows.end()).toEqual(Buffer.concat([HEADER, int16(1), int32(8), int64(7n), int16(-1)]));
  });
});
