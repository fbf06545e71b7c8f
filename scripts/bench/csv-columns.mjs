// The columns of the bench's CSV files, for the scripts that read them without paydesk: a header's cells, a cell
// split that honours quoting, and the SQL column name a reference load gives each header cell.
import fs from 'node:fs';

/** The cells of one CSV line (RFC 4180 quoting; a quoted cell holding a line break is not expected here). */
export function csvCells(line) {
  const cells = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let cell = '';
      i++;
      for (;;) {
        const quote = line.indexOf('"', i);
        if (quote === -1) throw new Error(`unterminated quoted cell in: ${line.slice(0, 80)}`);
        cell += line.slice(i, quote);
        if (line[quote + 1] === '"') {
          cell += '"';
          i = quote + 2;
        } else {
          i = quote + 1;
          break;
        }
      }
      cells.push(cell);
    } else {
      const comma = line.indexOf(',', i);
      cells.push(line.slice(i, comma === -1 ? line.length : comma));
      i = comma === -1 ? line.length : comma;
    }
    if (line[i] !== ',') return cells;
    i++;
  }
}

/** The header line's cells. */
export function headerOf(file) {
  const fd = fs.openSync(file, 'r');
  const head = Buffer.alloc(4096);
  const read = fs.readSync(fd, head, 0, head.length, 0);
  fs.closeSync(fd);
  return csvCells(head.toString('utf8', 0, read).split(/\r?\n/)[0]);
}

/** A header cell as a snake_case SQL name: `Created date (UTC)` → created_date_utc, `PaymentIntent ID` → paymentintent_id. */
export const columnName = (header) => header.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
