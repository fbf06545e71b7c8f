#!/usr/bin/env node
// What a row hash costs per row, by how the text is held: hashText (row-hash.ts) over the lines of a payments
// export read in 1 MB chunks, each chunk appended to the previous chunk's unconsumed tail, as csv-records.ts did:
//   rope    tail + chunk (a string V8 keeps as a rope, read through it even once flattened)
//   joined  [tail, chunk].join('') (one flat copy, as csv-records.ts held a chunk from fdd8bb3 to 1de92a0; since
//           82d4a50 utf8-text ends chunks after a line break, so the tail is mostly empty and csv-records' `+=`
//           gives the chunk's own flat string)
//   bytes   the same rounds over the chunk's bytes (an idea, not used: a byte is its UTF-16 unit for ASCII text,
//           so the hashes are the same, which the script checks)
// Usage: node scripts/bench/row-hash-speed.mjs FILE (after npm run build:node)
import fs from 'node:fs';
import { hashText } from '../../dist/main/core/import/row-hash.js';

const [file] = process.argv.slice(2);
if (!file) {
  console.error('usage: node scripts/bench/row-hash-speed.mjs FILE');
  process.exit(2);
}

/** hashText's rounds, reading bytes where it reads UTF-16 units. */
function hashBytes(bytes, seed, start, end) {
  let h1 = seed.hi;
  let h2 = seed.lo;
  let i = start;
  for (; i + 1 < end; i += 2) {
    let k = bytes[i] | (bytes[i + 1] << 16);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h1 ^= k;
    h1 = (h1 << 13) | (h1 >>> 19);
    h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
    h2 ^= k;
    h2 = (h2 << 17) | (h2 >>> 15);
    h2 = (Math.imul(h2, 0x85ebca6b) + 0x7fb1c3b1) | 0;
  }
  if (i < end) {
    let k = Math.imul(bytes[i], 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h1 ^= k;
    h2 ^= Math.imul(k, 0x9e3779b1);
  }
  h1 ^= end - start;
  h2 ^= end - start;
  h1 = fmix(h1);
  h2 = fmix(h2 ^ h1);
  h1 = (h1 ^ Math.imul(h2, 0x9e3779b1)) | 0;
  return { hi: h1, lo: h2 };
}

function fmix(h) {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

const seed = { hi: 0x2545f491, lo: 0x4f6cdd1d };

/** Hashes every line of the file held as `way` says; µs a row, and the hashes' XOR to compare the ways. */
function measure(way) {
  const fd = fs.openSync(file, 'r');
  const chunk = Buffer.alloc(1 << 20);
  const decoder = new TextDecoder();
  let tail = Buffer.alloc(0);
  let tailText = '';
  let rows = 0;
  let ms = 0;
  let xor = 0;
  for (;;) {
    const n = fs.readSync(fd, chunk, 0, chunk.length, null);
    if (n === 0) break;
    const decoded = decoder.decode(chunk.subarray(0, n), { stream: true });
    const text = way === 'rope' ? tailText + decoded : [tailText, decoded].join('');
    const bytes = way === 'bytes' ? Buffer.concat([tail, chunk.subarray(0, n)]) : undefined;
    const lines = [];
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; start = end + 1, end = text.indexOf('\n', start)) lines.push(start, end);
    const started = performance.now();
    for (let i = 0; i < lines.length; i += 2) {
      xor ^= (bytes ? hashBytes(bytes, seed, lines[i], lines[i + 1]) : hashText(text, seed, lines[i], lines[i + 1])).lo;
    }
    ms += performance.now() - started;
    rows += lines.length / 2;
    tailText = text.slice(start);
    if (bytes) tail = bytes.subarray(start);
  }
  fs.closeSync(fd);
  return { perRow: (ms * 1000) / rows, rows, xor };
}

for (let round = 1; round <= 3; round++) {
  const results = ['rope', 'joined', 'bytes'].map((way) => [way, measure(way)]);
  const same = results.every(([, r]) => r.xor === results[0][1].xor);
  console.log(`round ${round}, ${results[0][1].rows} rows: ${results.map(([way, r]) => `${way} ${r.perRow.toFixed(2)} µs`).join(', ')} a row; same hashes: ${same}`);
}
