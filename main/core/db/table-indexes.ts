// The indexes a table has by name and SQL, as SQLite keeps them: what an import drops to load in bulk, and runs
// again to build them after (automatic indexes, which have no SQL, are left out).
import type { Db } from './open.js';

export interface TableIndex {
  name: string;
  sql: string;
}

export function tableIndexes(db: Db, table: string): TableIndex[] {
  return db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL`).all(table) as TableIndex[];
}
