// Writes a newer snapshot of the bench's Stripe payments export (write-stripe-exports.mjs) in which every 100th
// live payment that can still move did: a pending one went through (Paid), a paid one was refunded in full a day
// after it was created. A Stripe export has no updated_at, so paydesk lets these win by status rank. The ledger has
// not taken the refunds' credits back yet, as when the ledger export is older. Columns are found by header name.
import fs from 'node:fs';
import readline from 'node:readline';
import { csvCells } from './csv-columns.mjs';

const csvLine = (cells) => cells.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',');

const DAY = 86_400_000;
const stripeTime = (ms) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

export async function writeNewerSnapshot(from, to) {
  const out = fs.createWriteStream(to);
  const lines = readline.createInterface({ input: fs.createReadStream(from), crlfDelay: Infinity });
  let c;
  let rows = 0;
  let candidates = 0;
  let changed = 0;
  for await (const line of lines) {
    let row = line;
    if (!c) {
      const header = csvCells(line);
      const column = (name) => {
        const i = header.indexOf(name);
        if (i === -1) throw new Error(`${from}: no column "${name}" (not a Stripe payments export)`);
        return i;
      };
      c = {
        id: column('id'), created: column('Created date (UTC)'), amount: column('Amount'), refunded: column('Amount Refunded'),
        convertedAmount: column('Converted Amount'), convertedRefunded: column('Converted Amount Refunded'), mode: column('Mode'),
        status: column('Status'), refundedAt: column('Refunded date (UTC)'),
      };
    } else {
      rows++;
      const cells = csvCells(line);
      const status = cells[c.status];
      if (cells[c.id] !== '' && cells[c.mode] !== 'Test' && (status === 'Pending' || status === 'Paid') && candidates++ % 100 === 99) {
        if (status === 'Pending') cells[c.status] = 'Paid';
        else {
          cells[c.status] = 'Refunded';
          cells[c.refunded] = cells[c.amount];
          cells[c.convertedRefunded] = cells[c.convertedAmount];
          cells[c.refundedAt] = stripeTime(Date.parse(`${cells[c.created].replace(' ', 'T')}Z`) + DAY);
        }
        row = csvLine(cells);
        changed++;
      }
    }
    if (!out.write(row + '\n')) await new Promise((resolve) => out.once('drain', resolve));
  }
  await new Promise((resolve) => out.end(resolve));
  return { rows, changed };
}
