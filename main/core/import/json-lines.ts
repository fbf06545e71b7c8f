import { FileError } from './file-error.js';
import type { CsvRecordSink, SourceRecord } from './csv-records.js';
import type { TextChunk } from './utf8-text.js';

const wholeLine = (text: string, line: number): SourceRecord => ({
  line,
  fields: () => [text],
  field: (index) => (index === 0 ? text : undefined),
  text,
  start: 0,
  end: text.length,
  raw: () => text,
});

/** Feeds each non-blank line of a JSON Lines file to the sink as a one-field record. */
export async function readJsonLines(chunks: AsyncIterable<TextChunk>, sink: Omit<CsvRecordSink, 'header'>): Promise<void> {
  let pending = '';
  let line = 1;
  let sawAny = false;
  const emit = (text: string) => {
    const clean = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (clean.trim() !== '') {
      sawAny = true;
      sink.record(wholeLine(clean, line));
    }
    line++;
  };
  for await (const chunk of chunks) {
    pending += chunk.text;
    let start = 0;
    let newline = pending.indexOf('\n');
    while (newline !== -1) {
      emit(pending.slice(start, newline));
      start = newline + 1;
      newline = pending.indexOf('\n', start);
    }
    pending = pending.slice(start);
    sink.progress?.(chunk.bytesRead);
  }
  if (pending !== '') emit(pending);
  if (!sawAny) throw new FileError('the file is empty');
}
