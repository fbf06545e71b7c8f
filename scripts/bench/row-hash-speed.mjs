#!/usr/bin/env node
// What a row hash costs per row: hashText (row-hash.ts) over the lines of a payments export read as one string,
// against the same rounds over the file's bytes. For an ASCII line the two give the same hash (a byte is its
// UTF-16 unit), which the script checks. This measures an idea, a hash over bytes for ASCII chunks; paydesk
// does not use it yet.
// Usage: node scripts/bench/row-hash-speed.mjs FILE [MEGABYTES] (after npm run build:node; default 100 MB)
import fs from 'node:fs';
import { hashText } from '../../dist/main/core/import/row-hash.js';

const [file, megabytes = '100'] = process.argv.slice(2);
if (!file) {
  console.error('usage: node scripts/bench/row-hash-speed.mjs FILE [MEGABYTES]');
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

const whole = fs.readFileSync(file);
const bytes = whole.subarray(0, Math.min(whole.length, Number(megabytes) * 1e6));
const lines = [];
for (let start = 0, end = bytes.indexOf(10); end !== -1; start = end + 1, end = bytes.indexOf(10, start)) lines.push(start, end);
const text = bytes.toString('latin1');
const seed = { hi: 0x2545f491, lo: 0x4f6cdd1d };
console.log(`${file}: ${(bytes.length / 1e6).toFixed(0)} MB, ${lines.length / 2} lines, ${(bytes.length / (lines.length / 2)).toFixed(0)} bytes a line`);
for (let round = 1; round <= 3; round++) {
  let same = true;
  const charsStarted = performance.now();
  const fromChars = new Int32Array(lines.length);
  for (let i = 0; i < lines.length; i += 2) {
    const hash = hashText(text, seed, lines[i], lines[i + 1]);
    fromChars[i] = hash.hi;
    fromChars[i + 1] = hash.lo;
  }
  const bytesStarted = performance.now();
  for (let i = 0; i < lines.length; i += 2) {
    const hash = hashBytes(bytes, seed, lines[i], lines[i + 1]);
    same &&= hash.hi === fromChars[i] && hash.lo === fromChars[i + 1];
  }
  const ended = performance.now();
  const perRow = (ms) => ((ms * 1000) / (lines.length / 2)).toFixed(2);
  console.log(`round ${round}: over the string ${perRow(bytesStarted - charsStarted)} µs a row, over the bytes ${perRow(ended - bytesStarted)} µs a row; same hashes: ${same}`);
}
