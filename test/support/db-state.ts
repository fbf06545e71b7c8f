// What a database holds, in forms tests can compare: integrity, row counts, and content digests per table.
import { createHash } from 'node:crypto';
import type { Db } from '../../main/core/db/open.js';
import { SqliteStore } from '../../main/core/store/sqlite-store.js';

/** A raw connection, or a SQLite store (a TestDb is one): these checks read through better-sqlite3 itself. */
export type Inspected = Db | SqliteStore;

const raw = (db: Inspected): Db => (db instanceof SqliteStore ? db.db : db);

/** Tables an import may write to while applying nothing of a file: its history and the rows it could not read. */
export const IMPORT_HISTORY_TABLES = ['imports', 'rejected_rows'] as const;

export function integrityCheck(db: Inspected): string {
  return (raw(db).pragma('integrity_check') as { integrity_check: string }[]).map((row) => row.integrity_check).join('; ');
}

export function tableNames(db: Inspected): string[] {
  return raw(db)
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
    .pluck()
    .all() as string[];
}

export function indexNames(db: Inspected): string[] {
  return raw(db).prepare(`SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name`).pluck().all() as string[];
}

export function rowCount(db: Inspected, table: string): number {
  return raw(db).prepare(`SELECT count(*) FROM "${table}"`).pluck().get() as number;
}

/** Row counts of every table (but `except`). */
export function tableCounts(db: Inspected, except: readonly string[] = []): Record<string, number> {
  return Object.fromEntries(tableNames(db).filter((t) => !except.includes(t)).map((t) => [t, rowCount(db, t)]));
}

/** A digest of every row of a table, in a stable order (all columns, left to right). */
export function tableDigest(db: Inspected, table: string): string {
  const columns = (raw(db).prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[]).map((c) => `"${c}"`);
  const hash = createHash('sha256');
  for (const row of raw(db).prepare(`SELECT * FROM "${table}" ORDER BY ${columns.join(', ')}`).raw().iterate()) {
    hash.update(JSON.stringify(row));
    hash.update('\n');
  }
  return hash.digest('hex');
}

/** Digests of every table (but `except`): equal digests mean equal contents. */
export function contentDigests(db: Inspected, except: readonly string[] = []): Record<string, string> {
  return Object.fromEntries(tableNames(db).filter((t) => !except.includes(t)).map((t) => [t, tableDigest(db, t)]));
}

export function ids(db: Inspected, table: 'payments' | 'ledger_entries'): string[] {
  return raw(db).prepare(`SELECT id FROM ${table} ORDER BY id`).pluck().all() as string[];
}
