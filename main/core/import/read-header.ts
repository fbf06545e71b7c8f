import { readCsvRecords, type CsvHeader } from './csv-records.js';
import { fileBytes } from './file-source.js';
import { utf8Text } from './utf8-text.js';

class HeaderFound extends Error {
  constructor(readonly header: CsvHeader) {
    super('header found');
  }
}

/** Reads just the header of a CSV export (plain or gzipped), for saving a column mapping. */
export async function readExportHeader(file: string): Promise<CsvHeader> {
  try {
    await readCsvRecords(utf8Text(fileBytes(file)), {
      header(header) {
        throw new HeaderFound(header);
      },
      record() {},
    });
  } catch (error) {
    if (error instanceof HeaderFound) return error.header;
    throw error;
  }
  throw new Error(`${file}: no header line`);
}
