// A large file into a small table loads much faster without its secondary indexes, which are then built
// once, sorted, before commit (instead of millions of random-order B-tree inserts). Both happen inside the
// file's transaction, so a rollback restores the indexes as they were.
import type { Db } from '../db/open.js';

export type ImportTable = 'payments' | 'ledger_entries';

/** Which tables a format writes. */
export function tablesWritten(format: string): ImportTable[] {
  if (format.startsWith('payments.')) return ['payments'];
  if (format.startsWith('ledger.')) return ['ledger_entries'];
  if (format === 'jsonl') return ['payments', 'ledger_entries'];
  return [];
}

/** Rough bytes per exported row, to guess a file's row count from its size before reading it. */
const BYTES_PER_ROW = 100;

/**
 * Drops the secondary indexes of `tables` when the file likely brings ten times the rows the table holds, and
 * returns what rebuilds them (a no-op when nothing was dropped).
 */
export function deferIndexesIfWorthIt(db: Db, tables: readonly ImportTable[], fileBytes: number): () => void {
  const incoming = fileBytes / BYTES_PER_ROW;
  const recreate: string[] = [];
  for (const table of tables) {
    if (incoming < 50_000) continue;
    // A newer snapshot of a table mostly leaves index entries alone, and rebuilding costs the whole table:
    // defer only when the table is small next to the file. Counting stops where that is decided.
    const atMost = Math.floor(incoming / 10) + 1;
    const n = db.prepare(`SELECT count(*) FROM (SELECT 1 FROM ${table} LIMIT ?)`).pluck().get(atMost) as number;
    if (n * 10 > incoming) continue;
    const indexes = db
      .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL`)
      .all(table) as { name: string; sql: string }[];
    for (const index of indexes) {
      db.exec(`DROP INDEX ${index.name}`);
      recreate.push(index.sql);
    }
  }
  return () => {
    for (const sql of recreate) db.exec(sql);
  };
}
