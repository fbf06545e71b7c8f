// Writes a newer snapshot of a canonical payments export in which every 100th payment changed status: a pending
// one went through, any other was refunded (with the refund's amount and date where the export has those columns;
// the ledger has not taken those credits back yet, as when the ledger export is older).
import fs from 'node:fs';
import readline from 'node:readline';

export async function writeNewerSnapshot(from, to) {
  const out = fs.createWriteStream(to);
  const lines = readline.createInterface({ input: fs.createReadStream(from), crlfDelay: Infinity });
  let n = 0;
  let changed = 0;
  for await (const line of lines) {
    let row = line;
    if (n > 0 && n % 100 === 0) {
      const cells = line.split(',');
      cells[4] = cells[4] === 'pending' ? 'succeeded' : 'refunded';
      cells[6] = new Date(Date.parse(cells[5]) + 2 * 86400000).toISOString().replace('.000Z', 'Z');
      if (cells[4] === 'refunded' && cells.length > 12) [cells[11], cells[12]] = [cells[2], cells[6]];
      row = cells.join(',');
      changed++;
    }
    if (!out.write(row + '\n')) await new Promise((resolve) => out.once('drain', resolve));
    n++;
  }
  await new Promise((resolve) => out.end(resolve));
  return { rows: n - 1, changed };
}
