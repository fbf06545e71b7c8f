// Turns a byte stream into UTF-8 text chunks, failing on the first invalid byte with its line number.
// Buffer's own decoder would silently substitute U+FFFD, and TextDecoder cannot say where it failed.
import { isAscii, isUtf8 } from 'node:buffer';
import { FileError } from './file-error.js';

export interface TextChunk {
  text: string;
  /** Bytes of input consumed so far, for progress. */
  bytesRead: number;
  /** The chunk's bytes when they are all ASCII, so that `text[i]` is byte i (row hashes read them). */
  ascii?: DataView;
}

/** `midFile`: the bytes start at the beginning of this line of the file, not at its start (no byte order mark). */
export async function* utf8Text(bytes: AsyncIterable<Buffer>, signal?: AbortSignal, midFile?: { line: number }): AsyncGenerator<TextChunk> {
  let carry: Buffer = Buffer.alloc(0);
  let bytesRead = 0;
  let lines = midFile?.line ?? 1;
  let first = midFile === undefined;
  for await (const chunk of bytes) {
    signal?.throwIfAborted();
    bytesRead += chunk.length;
    let buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    if (first) {
      first = false;
      rejectNonUtf8Encodings(buf);
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
    }
    const end = wholeLinesEnd(buf) ?? completeCharsEnd(buf);
    const body = buf.subarray(0, end);
    carry = Buffer.from(buf.subarray(end));
    const textChunk = decode(body, lines, bytesRead);
    lines += countNewlines(textChunk.text);
    if (textChunk.text) yield textChunk;
  }
  if (carry.length === 0) return;
  const end = completeCharsEnd(carry);
  const last = decode(carry.subarray(0, end), lines, bytesRead);
  if (last.text) yield last;
  if (end < carry.length) throw new FileError('invalid UTF-8: the file ends inside a character', lines + countNewlines(last.text));
}

/**
 * Just past the last line break, so that a chunk holds whole lines (a line break is never inside a UTF-8
 * sequence): the reader then starts each chunk with nothing left of the one before, and reads the chunk's own
 * string rather than one joined to that rest. Undefined when the bytes hold no line break (a line longer than a chunk).
 */
function wholeLinesEnd(buf: Buffer): number | undefined {
  const lineBreak = buf.lastIndexOf(0x0a);
  return lineBreak === -1 ? undefined : lineBreak + 1;
}

function rejectNonUtf8Encodings(buf: Buffer): void {
  if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)) {
    throw new FileError('the file is UTF-16 text; save the export as UTF-8 CSV', 1);
  }
}

function decode(body: Buffer, lineAtStart: number, bytesRead: number): TextChunk {
  const nul = body.indexOf(0);
  if (nul === -1) {
    // Most exports are plain ASCII, which decodes as Latin-1 to the same string, four times faster than as UTF-8.
    if (isAscii(body)) return { text: body.toString('latin1'), bytesRead, ascii: new DataView(body.buffer, body.byteOffset, body.byteLength) };
    if (isUtf8(body)) return { text: body.toString('utf8'), bytesRead };
  }
  const bad = firstInvalidUtf8(body);
  const at = nul !== -1 && (bad === -1 || nul < bad) ? nul : bad;
  const line = lineAtStart + countNewlines(body.subarray(0, at).toString('utf8'));
  if (at === nul) throw new FileError('binary data (a NUL byte): not a text export', line);
  throw new FileError(`invalid UTF-8 (a byte 0x${body[at].toString(16).padStart(2, '0')}); save the export as UTF-8`, line);
}

/** The end of the last complete UTF-8 sequence, so a character split across chunks is carried over. */
function completeCharsEnd(buf: Buffer): number {
  const len = buf.length;
  for (let back = 1; back <= Math.min(3, len); back++) {
    const byte = buf[len - back];
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return need > back ? len - back : len;
  }
  return len;
}

function firstInvalidUtf8(buf: Buffer): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = buf[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

export function countNewlines(text: string, from = 0, to = text.length): number {
  let n = 0;
  let i = text.indexOf('\n', from);
  while (i !== -1 && i < to) {
    n++;
    i = text.indexOf('\n', i + 1);
  }
  return n;
}
