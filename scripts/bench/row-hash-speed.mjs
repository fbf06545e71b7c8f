#!/usr/bin/env node
// What a row hash costs per row, over the lines of a payments export read in 1 MB chunks:
//   text   hashText (row-hash.ts) over the chunk's string, two UTF-16 units a round: the row hash until 2026-11-28,
//          still the hash of ids and column layouts
//   bytes  hashBytes over the chunk's bytes, four a round: the row hash of a line in an ASCII chunk
//   utf8   hashUtf8, each line's text encoded to UTF-8 again, then hashBytes: the row hash of a line in a chunk
//          that is not ASCII (it must equal `bytes`, which the script checks)
// Usage: node scripts/bench/row-hash-speed.mjs FILE (after npm run build:node)
import fs from 'node:fs';
import { hashBytes, hashText, hashUtf8 } from '../../dist/main/core/import/row-hash.js';

const [file] = process.argv.slice(2);
if (!file) {
  console.error('usage: node scripts/bench/row-hash-speed.mjs FILE');
  process.exit(2);
}

const seed = { hi: 0x2545f491, lo: 0x4f6cdd1d };

/** Hashes every line of the file the way `way` says; µs a row, and the hashes' XOR to compare the ways. */
function measure(way) {
  const fd = fs.openSync(file, 'r');
  const chunk = Buffer.alloc(1 << 20);
  let tail = Buffer.alloc(0);
  let rows = 0;
  let ms = 0;
  let xor = 0;
  for (;;) {
    const n = fs.readSync(fd, chunk, 0, chunk.length, null);
    if (n === 0) break;
    const bytes = Buffer.concat([tail, chunk.subarray(0, n)]);
    const text = bytes.toString('latin1');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const lines = [];
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; start = end + 1, end = text.indexOf('\n', start)) lines.push(start, end);
    const started = performance.now();
    for (let i = 0; i < lines.length; i += 2) {
      const from = lines[i];
      const to = lines[i + 1];
      xor ^= (way === 'bytes' ? hashBytes(view, seed, from, to) : way === 'utf8' ? hashUtf8(text, seed, from, to) : hashText(text, seed, from, to)).lo;
    }
    ms += performance.now() - started;
    rows += lines.length / 2;
    tail = Buffer.from(bytes.subarray(start));
  }
  fs.closeSync(fd);
  return { perRow: (ms * 1000) / rows, rows, xor };
}

for (let round = 1; round <= 3; round++) {
  const results = Object.fromEntries(['text', 'bytes', 'utf8'].map((way) => [way, measure(way)]));
  const line = Object.entries(results).map(([way, r]) => `${way} ${r.perRow.toFixed(2)} µs`);
  console.log(`round ${round}, ${results.text.rows} rows: ${line.join(', ')} a row; bytes and utf8 agree: ${results.bytes.xor === results.utf8.xor}`);
}
