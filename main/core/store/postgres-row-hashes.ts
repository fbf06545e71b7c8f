// The row hashes of the stored payments, read from PostgreSQL for recognising the rows a snapshot repeats
// (unchanged-rows.ts): what ImportStore.storedRowHashes reads from SQLite, in pages of 16 hex digits a row.
import type { RowHashPages } from '../import/row-hash-set.js';
import type { Store } from './store.js';

const ROW_HASH_PAGE = 65_536;

export async function storedRowHashes(store: Store): Promise<RowHashPages> {
  // Sized from the payments imports have inserted (an estimate: growing on the way costs a rehash or two).
  const expected = (await store.value<number>(
    `SELECT coalesce(sum(inserted), 0) FROM imports WHERE status = 'imported' AND (format LIKE 'payments.%' OR format = 'jsonl')`,
  )) ?? 0;
  async function* pages(): AsyncGenerator<Buffer> {
    let after = '';
    for (;;) {
      const page = await store.get<{ last: string | null; hex: string | null }>(
        `SELECT max(id) AS last, string_agg(CASE WHEN row_hash_hi IS NOT NULL
           THEN lpad(to_hex(row_hash_hi & 4294967295), 8, '0') || lpad(to_hex(row_hash_lo & 4294967295), 8, '0') END, '' ORDER BY id) AS hex
         FROM (SELECT id, row_hash_hi, row_hash_lo FROM payments WHERE id > ? ORDER BY id LIMIT ${ROW_HASH_PAGE}) AS page`,
        [after],
      );
      if (!page || page.last === null) return;
      after = page.last;
      if (page.hex !== null) yield Buffer.from(page.hex, 'hex');
    }
  }
  return { expected, pages: pages() };
}
