// What a database holds, in forms tests can compare: integrity, row counts, and content digests per table.
import { createHash } from 'node:crypto';
import type { Db } from '../../main/core/db/open.js';

/** Tables an import may write to while applying nothing of a file: its history and the rows it could not read. */
export const IMPORT_HISTORY_TABLES = ['imports', 'rejected_rows'] as const;

export function integrityCheck(db: Db): string {
  return (db.pragma('integrity_check') as { integrity_check: string }[]).map((row) => row.integrity_check).join('; ');
}

export function tableNames(db: Db): string[] {
  return db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
    .pluck()
    .all() as string[];
}

export function indexNames(db: Db): string[] {
  return db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name`).pluck().all() as string[];
}

export function rowCount(db: Db, table: string): number {
  return db.prepare(`SELECT count(*) FROM "${table}"`).pluck().get() as number;
}

/** Row counts of every table (but `except`). */
export function tableCounts(db: Db, except: readonly string[] = []): Record<string, number> {
  return Object.fromEntries(tableNames(db).filter((t) => !except.includes(t)).map((t) => [t, rowCount(db, t)]));
}

/** A digest of every row of a table, in a stable order (all columns, left to right). */
export function tableDigest(db: Db, table: string): string {
  const columns = (db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[]).map((c) => `"${c}"`);
  const hash = createHash('sha256');
  for (const row of db.prepare(`SELECT * FROM "${table}" ORDER BY ${columns.join(', ')}`).raw().iterate()) {
    hash.update(JSON.stringify(row));
    hash.update('\n');
  }
  return hash.digest('hex');
}

/** Digests of every table (but `except`): equal digests mean equal contents. */
export function contentDigests(db: Db, except: readonly string[] = []): Record<string, string> {
  return Object.fromEntries(tableNames(db).filter((t) => !except.includes(t)).map((t) => [t, tableDigest(db, t)]));
}

export function ids(db: Db, table: 'payments' | 'ledger_entries'): string[] {
  return db.prepare(`SELECT id FROM ${table} ORDER BY id`).pluck().all() as string[];
}
