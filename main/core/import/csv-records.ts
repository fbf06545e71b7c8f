// Streams CSV records with the physical line each starts on. Papa Parse does the RFC 4180 work; we feed it
// text chunk by chunk and keep the unconsumed tail, so memory is bounded by the longest record, not the file.
import Papa from 'papaparse';
import { FileError } from './file-error.js';
import { countNewlines, type TextChunk } from './utf8-text.js';

export interface CsvHeader {
  names: string[];
  line: string;
  delimiter: string;
}

export interface CsvRecordSink {
  header(header: CsvHeader): void;
  /**
   * `raw` builds the record's source text on demand (only rejected rows need it); `problem` says why the
   * record is malformed (a stray quote), in which case the sink rejects the row.
   */
  record(fields: string[], line: number, raw: () => string, problem?: string): void;
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

export async function readCsvRecords(chunks: AsyncIterable<TextChunk>, sink: CsvRecordSink): Promise<void> {
  let pending = ''; // text not yet consumed; always starts at a record boundary
  let pendingBase = 0; // index of pending[0] in the whole text
  let line = 1; // physical line of pending[0]
  let parser: PapaParserInstance | undefined;
  let rowStart = 0;

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
    const text = pending;
    const raw = () => text.substring(localStart, localEnd).replace(/\r?\n$/, '');
    sink.record(fields, recordLine, raw, result.errors.length ? 'malformed quoted field' : undefined);
  };

  // Papa Parse re-reads an unfinished record from its start on every call: wait until the unconsumed text has
  // doubled before trying again, so a record of many chunks (a 10 MB field) is parsed in linear, not quadratic, time.
  let retryAt = 0;
  const feed = (final: boolean): void => {
    if (!parser || (!final && pending.length < retryAt)) return;
    const result = parser.parse(pending, pendingBase, !final);
    const consumed = result.meta.cursor - pendingBase;
    if (consumed > 0) {
      pending = pending.slice(consumed);
      pendingBase = result.meta.cursor;
    }
    retryAt = 2 * pending.length;
  };

  for await (const chunk of chunks) {
    pending += chunk.text;
    if (!parser) {
      const newline = pending.indexOf('\n');
      if (newline === -1) continue;
      parser = startParser(pending.slice(0, newline), newline);
    }
    feed(false);
    sink.progress?.(chunk.bytesRead);
  }
  if (!parser) {
    if (pending.trim() === '') throw new FileError('the file is empty');
    parser = startParser(pending, pending.length);
  }
  feed(true);

  function startParser(headerLine: string, newlineIndex: number): PapaParserInstance {
    // Always split on LF and drop a trailing CR per record: that reads CRLF, LF and files that mix them.
    const cleanLine = headerLine.endsWith('\r') ? headerLine.slice(0, -1) : headerLine;
    if (cleanLine.trim() === '') throw new FileError('the first line is empty: no header', 1);
    const delimiter = detectDelimiter(cleanLine);
    const headerParse = Papa.parse<string[]>(cleanLine, { delimiter });
    if (headerParse.errors.some((e) => e.code === 'MissingQuotes')) {
      throw new FileError('unterminated quoted field in the header', 1);
    }
    sink.header({ names: headerParse.data[0] ?? [], line: cleanLine, delimiter });
    const consumed = Math.min(newlineIndex + 1, pending.length);
    pending = pending.slice(consumed);
    pendingBase = consumed;
    rowStart = consumed;
    line = 2;
    return new PapaParser({ delimiter, newline: '\n', step });
  }
}
