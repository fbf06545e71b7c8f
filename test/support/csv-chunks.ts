// The streaming CSV record reader fed with text cut into chunks of chosen sizes, and what it made of it: for
// checking that records, lines and errors do not depend on where the chunks happen to end. Also a file's bytes cut
// into chunks, as the file source gives them to utf8-text.
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { readCsvRecords } from '../../main/core/import/csv-records.js';
import { FileError } from '../../main/core/import/file-error.js';
import type { TextChunk } from '../../main/core/import/utf8-text.js';
import { REPO_ROOT } from './cli.js';

export interface ReadRecord {
  fields: string[];
  line: number;
  raw: string;
  problem?: string;
}

export interface ReadResult {
  header?: string[];
  records: ReadRecord[];
  /** The file-level error the reader stopped with, if any. */
  error?: { reason: string; line?: number };
}

/** `bytes` in chunks of `size` bytes. */
export async function* byteChunks(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

/** Reads `text` given to the reader in chunks of `chunkSizes` characters (cycled); [] means one chunk. */
export async function readInChunks(text: string, chunkSizes: readonly number[] = []): Promise<ReadResult> {
  async function* chunks(): AsyncGenerator<TextChunk> {
    let offset = 0;
    for (let i = 0; offset < text.length; i++) {
      const size = chunkSizes.length === 0 ? text.length : Math.max(1, chunkSizes[i % chunkSizes.length]);
      const piece = text.slice(offset, offset + size);
      offset += piece.length;
      yield { text: piece, bytesRead: offset };
    }
  }
  const result: ReadResult = { records: [] };
  try {
    await readCsvRecords(chunks(), {
      header: (header) => {
        result.header = header.names;
      },
      record: (record, problem) => {
        const fields = record.fields();
        // field(i) must agree with fields()[i], whichever way the record was read
        for (let i = -1; i <= fields.length; i++) if (record.field(i) !== fields[i]) throw new Error(`field(${i}) differs on line ${record.line}`);
        result.records.push({ fields: [...fields], line: record.line, raw: record.raw(), ...(problem ? { problem } : {}) });
      },
    });
  } catch (error) {
    if (!(error instanceof FileError)) throw error;
    result.error = { reason: error.reason, line: error.line };
  }
  return result;
}

export interface PapaCoreCase {
  description: string;
  input: string;
  config?: object;
  expected: { data: string[][]; errors: { code: string; row: number }[] };
}

/**
 * Papa Parse's own core-parser test cases (CORE_PARSER_TESTS in node_modules/papaparse/tests/test-cases.js,
 * shipped with the package), or [] when the package no longer ships them.
 */
export function papaCoreParserCases(): PapaCoreCase[] {
  const file = path.join(REPO_ROOT, 'node_modules/papaparse/tests/test-cases.js');
  if (!fs.existsSync(file)) return [];
  const source = fs.readFileSync(file, 'utf8');
  const start = source.indexOf('var CORE_PARSER_TESTS = [');
  const end = source.indexOf("describe('Core Parser Tests'");
  if (start < 0 || end < start) return [];
  const context: { CORE_PARSER_TESTS?: PapaCoreCase[]; RECORD_SEP: string; UNIT_SEP: string } = {
    RECORD_SEP: String.fromCharCode(30),
    UNIT_SEP: String.fromCharCode(31),
  };
  vm.runInNewContext(source.slice(start, end).replace('var CORE_PARSER_TESTS', 'this.CORE_PARSER_TESTS'), context);
  return context.CORE_PARSER_TESTS ?? [];
}
