// Where the later of two parts of a CSV export starts, so that two parse workers can read them at once
// (parse-in-worker.ts): the first line that starts at or after a byte outside any quoted field. Read as bytes, not
// text: a quote and a line feed are single bytes that never occur inside a UTF-8 sequence. A quote inside an
// unquoted field would make the count wrong; the earlier part notices, since no record of its own then starts on
// that line, and reads on to the end (read-outcomes.ts).
import fs from 'node:fs';

const LF = 10;
const QUOTE = 34;
const CHUNK_BYTES = 1 << 20;

/** The byte and 1-based physical line of that line's start; undefined when the file has no line after `from`. */
export function laterPartStart(file: string, from: number): { byte: number; line: number } | undefined {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let position = 0;
    let newlines = 0;
    let quotes = 0;
    for (;;) {
      const length = fs.readSync(fd, buffer, 0, CHUNK_BYTES, position);
      if (length === 0) return undefined;
      const chunk = buffer.subarray(0, length);
      let quote = chunk.indexOf(QUOTE);
      for (let newline = chunk.indexOf(LF); newline !== -1; newline = chunk.indexOf(LF, newline + 1)) {
        for (; quote !== -1 && quote < newline; quote = chunk.indexOf(QUOTE, quote + 1)) quotes++;
        newlines++;
        const next = position + newline + 1;
        if (next >= from && quotes % 2 === 0) return next < fs.fstatSync(fd).size ? { byte: next, line: newlines + 1 } : undefined;
      }
      for (; quote !== -1; quote = chunk.indexOf(QUOTE, quote + 1)) quotes++;
      position += length;
    }
  } finally {
    fs.closeSync(fd);
  }
}
