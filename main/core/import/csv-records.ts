// Streams CSV records with the physical line each starts on. Papa Parse does the RFC 4180 work; we feed it
// text chunk by chunk and keep the unconsumed tail, so memory is bounded by the longest record, not the file.
// Lines without a quote character are records of their own, split on the delimiter (what Papa Parse does with
// them too): those are read here, and their fields are split only when asked for, since a snapshot's
// unchanged rows are recognised by their text alone.
import Papa from 'papaparse';
import { FileError } from './file-error.js';
import { countNewlines, type TextChunk } from './utf8-text.js';

export interface CsvHeader {
  names: string[];
  line: string;
  delimiter: string;
}

/** One record of an export, valid during the sink's call. */
export interface SourceRecord {
  /** The 1-based physical line the record starts on. */
  readonly line: number;
  fields(): string[];
  /** `fields()[index]`, without splitting the other fields when that can be avoided. */
  field(index: number): string | undefined;
  /**
   * Where `fields()[index]` lies in `text`, when it is that text as it is (no quotes): sets range[0] and range[1]
   * to its [start, end) and returns true; false otherwise (then `field` is the way).
   */
  fieldRange?(index: number, range: Int32Array): boolean;
  /** The record's source text without its line break (for rejected rows and row hashes) is text[start, end). */
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** The bytes `text` was read from, at the same offsets, when they were all ASCII (utf8-text.ts). */
  readonly bytes?: DataView;
  raw(): string;
}

export interface CsvRecordSink {
  /** Records are read once what this returns has settled. */
  header(header: CsvHeader): void | Promise<void>;
  /** `problem` says why the record is malformed (a stray quote), in which case the sink rejects the row. */
  record(record: SourceRecord, problem?: string): void;
  progress?(bytesRead: number): void;
}

interface PapaStepResult {
  data: string[][];
  errors: { code: string; message: string }[];
  meta: { cursor: number };
}
interface PapaParserInstance {
  parse(input: string, baseIndex: number, ignoreLastRow: boolean): PapaStepResult;
}
const PapaParser = (Papa as unknown as { Parser: new (config: object) => PapaParserInstance }).Parser;

const DELIMITERS = [',', ';', '\t'] as const;
const LF = 10;
const CR = 13;

/** Picks the delimiter from the header line: the candidate that occurs most often. */
export function detectDelimiter(headerLine: string): string {
  let best: string = ',';
  let bestCount = 0;
  for (const candidate of DELIMITERS) {
    const count = headerLine.split(candidate).length - 1;
    if (count > bestCount) [best, bestCount] = [candidate, count];
  }
  return best;
}

/** Where a read of the later part of a file starts: the file's header, and the physical line the chunks start on. */
export interface CsvContinuation {
  header: CsvHeader;
  line: number;
}

/** `continuation`: the chunks start at a record boundary inside the file, after its header (read before). */
export async function readCsvRecords(chunks: AsyncIterable<TextChunk>, sink: CsvRecordSink, continuation?: CsvContinuation): Promise<void> {
  let pending = ''; // text not yet consumed; always starts at a record boundary
  let pendingBytes: DataView | undefined; // pending's bytes, when it is one ASCII chunk or what is left of it
  let pendingBase = 0; // index of pending[0] in the whole text
  let line = 1; // physical line of pending[0]
  let parser: PapaParserInstance | undefined;
  let rowStart = 0;

  const consume = (length: number): void => {
    pending = pending.slice(length);
    pendingBytes = pendingBytes && new DataView(pendingBytes.buffer, pendingBytes.byteOffset + length, pendingBytes.byteLength - length);
  };

  const step = (result: PapaStepResult): void => {
    const rowEnd = result.meta.cursor;
    const localStart = rowStart - pendingBase;
    const localEnd = rowEnd - pendingBase;
    const recordLine = line;
    line += countNewlines(pending, localStart, localEnd);
    rowStart = rowEnd;
    const fields = result.data[0];
    if (result.errors.some((e) => e.code === 'MissingQuotes')) {
      throw new FileError('unterminated quoted field', recordLine);
    }
    const last = fields.length - 1;
    if (fields[last].endsWith('\r')) fields[last] = fields[last].slice(0, -1); // CRLF files
    if (last === 0 && fields[0].trim() === '') return; // blank line
    let rawEnd = localEnd;
    if (pending.charCodeAt(rawEnd - 1) === LF) rawEnd -= rawEnd - 2 >= localStart && pending.charCodeAt(rawEnd - 2) === CR ? 2 : 1;
    const record = new ParsedRecord(recordLine, fields, pending, localStart, rawEnd, pendingBytes);
    sink.record(record, result.errors.length ? 'malformed quoted field' : undefined);
  };

  /** Reads the lines before the first quote character of `pending`, and the last line when it has none. */
  const readPlainLines = (delimiter: string, final: boolean): void => {
    const quote = pending.indexOf('"');
    const before = quote === -1 ? pending.length : quote;
    let start = 0;
    for (;;) {
      const newline = pending.indexOf('\n', start);
      if (newline === -1 || newline > before) break;
      plainLine(delimiter, start, newline, true);
      start = newline + 1;
    }
    if (final && quote === -1 && start < pending.length) {
      plainLine(delimiter, start, pending.length, false);
      start = pending.length;
    }
    if (start > 0) {
      consume(start);
      pendingBase += start;
      rowStart = pendingBase;
    }
  };

  /** One line without quotes, from `start` to `end` (its LF, when `hasNewline`). */
  const plainLine = (delimiter: string, start: number, end: number, hasNewline: boolean): void => {
    const recordLine = line;
    if (hasNewline) line++;
    // Papa Parse drops a CR before the LF from the last field, but from the raw text only with its LF.
    const fieldsEnd = end > start && pending.charCodeAt(end - 1) === CR ? end - 1 : end;
    if (isBlank(pending, start, fieldsEnd, delimiter)) return;
    sink.record(new PlainRecord(recordLine, pending, start, fieldsEnd, hasNewline ? fieldsEnd : end, delimiter, pendingBytes));
  };

  // Papa Parse re-reads an unfinished record from its start on every call: wait until the unconsumed text has
  // doubled before trying again, so a record of many chunks (a 10 MB field) is parsed in linear, not quadratic, time.
  let retryAt = 0;
  let delimiter = ',';
  const feed = (final: boolean): void => {
    if (!parser || (!final && pending.length < retryAt)) return;
    readPlainLines(delimiter, final);
    if (pending.length === 0 || (!final && pending.indexOf('"') === -1)) {
      retryAt = 0;
      return;
    }
    const result = parser.parse(pending, pendingBase, !final);
    const consumed = result.meta.cursor - pendingBase;
    if (consumed > 0) {
      consume(consumed);
      pendingBase = result.meta.cursor;
    }
    retryAt = 2 * pending.length;
  };

  if (continuation) {
    await sink.header(continuation.header);
    delimiter = continuation.header.delimiter;
    line = continuation.line;
    parser = newParser();
  }
  for await (const chunk of chunks) {
    // utf8-text ends chunks after a line break, so pending is mostly empty here and += gives the chunk's own flat
    // string (a rope, which reads about half as fast, only for a record that spans two chunks).
    pendingBytes = pending === '' ? chunk.ascii : undefined;
    pending += chunk.text;
    if (!parser) {
      const newline = pending.indexOf('\n');
      if (newline === -1) continue;
      parser = await startParser(pending.slice(0, newline), newline);
    }
    feed(false);
    sink.progress?.(chunk.bytesRead);
  }
  if (!parser) {
    if (pending.trim() === '') throw new FileError('the file is empty');
    parser = await startParser(pending, pending.length);
  }
  feed(true);

  async function startParser(headerLine: string, newlineIndex: number): Promise<PapaParserInstance> {
    const header = csvHeader(headerLine);
    delimiter = header.delimiter;
    await sink.header(header);
    const consumed = Math.min(newlineIndex + 1, pending.length);
    consume(consumed);
    pendingBase = consumed;
    rowStart = consumed;
    line = 2;
    return newParser();
  }

  function newParser(): PapaParserInstance {
    return new PapaParser({ delimiter, newline: '\n', step });
  }
}

/** A file's first line (without its LF) read as its header. */
export function csvHeader(headerLine: string): CsvHeader {
  // Always split on LF and drop a trailing CR per record: that reads CRLF, LF and files that mix them.
  const cleanLine = headerLine.endsWith('\r') ? headerLine.slice(0, -1) : headerLine;
  if (cleanLine.trim() === '') throw new FileError('the first line is empty: no header', 1);
  const delimiter = detectDelimiter(cleanLine);
  const headerParse = Papa.parse<string[]>(cleanLine, { delimiter });
  if (headerParse.errors.some((e) => e.code === 'MissingQuotes')) {
    throw new FileError('unterminated quoted field in the header', 1);
  }
  return { names: headerParse.data[0] ?? [], line: cleanLine, delimiter };
}

/** Whether a line reads as a blank record (one field, all white space), which is skipped. */
function isBlank(text: string, start: number, end: number, delimiter: string): boolean {
  if (start === end) return true;
  const first = text.charCodeAt(start);
  if (first > 32 && first < 127) return false; // the common case: it starts with visible ASCII
  const line = text.substring(start, end);
  return !line.includes(delimiter) && line.trim() === '';
}

/** A record Papa Parse read. */
class ParsedRecord implements SourceRecord {
  constructor(
    readonly line: number,
    private readonly parsed: string[],
    readonly text: string,
    readonly start: number,
    readonly end: number,
    readonly bytes: DataView | undefined,
  ) {}

  fields(): string[] {
    return this.parsed;
  }

  field(index: number): string | undefined {
    return this.parsed[index];
  }

  raw(): string {
    return this.text.substring(this.start, this.end);
  }
}

/** A line without quotes: its fields are what lies between delimiters. */
class PlainRecord implements SourceRecord {
  constructor(
    readonly line: number,
    readonly text: string,
    readonly start: number,
    private readonly fieldsEnd: number,
    readonly end: number,
    private readonly delimiter: string,
    readonly bytes: DataView | undefined,
  ) {}

  fields(): string[] {
    return this.text.substring(this.start, this.fieldsEnd).split(this.delimiter);
  }

  field(index: number): string | undefined {
    const range = new Int32Array(2);
    return this.fieldRange(index, range) ? this.text.substring(range[0], range[1]) : undefined;
  }

  fieldRange(index: number, range: Int32Array): boolean {
    if (index < 0) return false;
    let from = this.start;
    for (let i = 0; i < index; i++) {
      const next = this.text.indexOf(this.delimiter, from);
      if (next === -1 || next >= this.fieldsEnd) return false;
      from = next + 1;
    }
    const next = this.text.indexOf(this.delimiter, from);
    range[0] = from;
    range[1] = next === -1 || next > this.fieldsEnd ? this.fieldsEnd : next;
    return true;
  }

  raw(): string {
    return this.text.substring(this.start, this.end);
  }
}
