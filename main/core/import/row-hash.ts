// A 64-bit hash of a payment row's source text, stored with the payment, so that a later snapshot can tell a
// row it already holds byte for byte without reading it again (unchanged-rows.ts). A row is hashed as UTF-8
// bytes, read four at a time (hashBytes): from the file's own bytes when its chunk is ASCII, which is nearly
// always, or from its text encoded again (hashUtf8), which gives the same bytes. Rows hashed before that (over
// UTF-16 units, two a round, at a third of the speed) match none of these: the first snapshot after the upgrade
// reads them in full, finds them unchanged and stores their new hash. 64 bits, not the 53 a JS
// number carries: a million stored rows against a million incoming ones would collide about once in 10,000
// imports at 53 bits, and about once in 20 million at 64. Kept as two signed 32-bit halves (SQLite stores
// each in 4 bytes).

export interface RowHash {
  hi: number;
  lo: number;
}

/** The seed for rows read with one column layout: the same text under another layout reads differently. */
export function layoutSeed(layout: string): RowHash {
  return hashText(layout, { hi: 0x2545f491, lo: 0x4f6cdd1d });
}

/** The row hash of bytes[start, end): two MurmurHash3-style lanes over little-endian 32-bit words. */
export function hashBytes(bytes: DataView, seed: RowHash, start = 0, end = bytes.byteLength): RowHash {
  hashBytesTo(scratch, bytes, seed, start, end);
  return { hi: scratch[0], lo: scratch[1] };
}

/**
 * hashBytes into `out` ([hi, lo]), allocating nothing: for the rows of a snapshot, nearly all of which are only
 * looked up. (A RowHash's halves are rarely small integers, so each object would cost V8 two more boxes.)
 */
export function hashBytesTo(out: Int32Array, bytes: DataView, seed: RowHash, start = 0, end = bytes.byteLength): void {
  let h1 = seed.hi;
  let h2 = seed.lo;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const k = mixWord(bytes.getInt32(i, true));
    h1 = lane1(h1, k);
    h2 = lane2(h2, k);
  }
  if (i < end) {
    let tail = 0;
    for (let shift = 0; i < end; i++, shift += 8) tail |= bytes.getUint8(i) << shift;
    const k = mixWord(tail);
    h1 ^= k;
    h2 ^= Math.imul(k, 0x9e3779b1);
  }
  finishTo(out, h1, h2, end - start);
}

/** hashBytes of the UTF-8 encoding of text[start, end). */
export function hashUtf8(text: string, seed: RowHash, start = 0, end = text.length): RowHash {
  hashUtf8To(scratch, text, seed, start, end);
  return { hi: scratch[0], lo: scratch[1] };
}

/** hashUtf8 into `out`, as hashBytesTo. */
export function hashUtf8To(out: Int32Array, text: string, seed: RowHash, start = 0, end = text.length): void {
  const bytes = Buffer.from(text.substring(start, end), 'utf8');
  hashBytesTo(out, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), seed);
}

/**
 * The same lanes over the UTF-16 code units, two units per round, for text held only as a string (ids, column
 * layouts).
 */
export function hashText(text: string, seed: RowHash, start = 0, end = text.length): RowHash {
  hashTextTo(scratch, text, seed, start, end);
  return { hi: scratch[0], lo: scratch[1] };
}

/** hashText into `out`, as hashBytesTo. */
export function hashTextTo(out: Int32Array, text: string, seed: RowHash, start = 0, end = text.length): void {
  let h1 = seed.hi;
  let h2 = seed.lo;
  let i = start;
  for (; i + 1 < end; i += 2) {
    const k = mixWord(text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16));
    h1 = lane1(h1, k);
    h2 = lane2(h2, k);
  }
  if (i < end) {
    const k = mixWord(text.charCodeAt(i));
    h1 ^= k;
    h2 ^= Math.imul(k, 0x9e3779b1);
  }
  finishTo(out, h1, h2, end - start);
}

/** Where the functions that return a RowHash compute it. */
const scratch = new Int32Array(2);

// The two lanes share each mixed input word but rotate and multiply differently, and are crossed in the final
// mix. Small functions, which V8 inlines into the loops above.
function mixWord(k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, 0x1b873593);
}

function lane1(h: number, k: number): number {
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function lane2(h: number, k: number): number {
  h ^= k;
  h = (h << 17) | (h >>> 15);
  return (Math.imul(h, 0x85ebca6b) + 0x7fb1c3b1) | 0;
}

/** The final mix of both lanes with the input's length, into out[0] (hi) and out[1] (lo). */
function finishTo(out: Int32Array, h1: number, h2: number, length: number): void {
  h1 = fmix(h1 ^ length);
  h2 = fmix(h2 ^ length ^ h1);
  out[0] = h1 ^ Math.imul(h2, 0x9e3779b1);
  out[1] = h2;
}

function fmix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}
