// The stored payments' row hashes as the SQLite store reads them for a snapshot (store.ts storedRowHashes): by
// ranges of rowids, so every payment with a hash must come back whatever gaps its rowids leave.
import { expect, it } from 'vitest';
import { openDb } from '../../main/core/db/open.js';
import { rowHashSetOf } from '../../main/core/import/row-hash-set.js';
import { storedRowHashes } from '../../main/core/import/store.js';

it('reads the hash of every payment that has one, across pages and gaps in the rowids, and none without', async () => {
  const db = openDb(':memory:');
  const importId = db.prepare(`INSERT INTO imports (path, content_hash, status, started_at) VALUES ('p.csv', 'x', 'imported', 0)`).run().lastInsertRowid;
  const insert = db.prepare(
    `INSERT INTO payments (rowid, id, amount_cents, currency, status, created_at, updated_at, import_id, row_hash_hi, row_hash_lo)
     VALUES (?, ?, 500, 'usd', 'succeeded', 0, 0, ?, ?, ?)`,
  );
  // Rowids on both sides of each 65,536-rowid page, a long gap, and the largest rowid the first of its page (15 × 65,536 + 1).
  const rowids = [1, 2, 65_535, 65_536, 65_537, 131_072, 131_073, 500_000, 983_041];
  const hashes = rowids.map((rowid) => ({ hi: Math.imul(rowid, 0x9e3779b1), lo: -rowid }));
  rowids.forEach((rowid, i) => insert.run(rowid, `ch_${rowid}`, importId, hashes[i].hi, hashes[i].lo));
  insert.run(70_000, 'ch_without_hash', importId, null, null); // stored before row hashes: read in full

  const set = await rowHashSetOf(storedRowHashes(db));

  expect(set.size).toBe(rowids.length);
  for (const hash of hashes) expect(set.has(hash)).toBe(true);
  db.close();
});
