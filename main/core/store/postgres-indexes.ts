// A first load builds the secondary indexes after it, as one would with psql: millions of B-tree inserts in
// row order cost several times one sorted build per index. The indexes are dropped inside the file's
// transaction (DDL is transactional here), so a rollback, or a killed process, restores them as they were.
//
// DROP INDEX takes an ACCESS EXCLUSIVE lock on the table until commit: other sessions' reads of that table
// wait from the drop to the end of the file's transaction. So the drop comes after the file is read and
// staged (only the set-based apply, the rebuild and the commit are inside the lock), and only where a rebuild
// is cheaper than maintaining the indexes: a table that is empty or small next to what the file writes to it.
import type { ImportTable } from '../import/deferred-indexes.js';
import type { Store } from './store.js';

/** Rows in the table at most this share of the rows the file writes to it: rebuild its indexes rather than maintain them. */
export const DEFER_WHEN_TABLE_AT_MOST = 1 / 10;

/** Rows the file updates at least this share of the table's: the update rewrites so much of it that a rebuild is cheaper. */
export const DEFER_WHEN_UPDATING_AT_LEAST = 1 / 4;

/** Fewer rows than this are written faster through the indexes than any rebuild. */
const LEAST_ROWS = 50_000;

/** Memory for each index build (a sort of the table's keys); the setting ends with the transaction. */
const BUILD_MEMORY = '256MB';

export interface DeferredIndexes {
  tables: ImportTable[];
  definitions: string[];
}

/** Whether the table holds at most `share` of `rows`; counting stops where that is decided. */
export async function tableSmallNextTo(store: Store, table: ImportTable, rows: number, share = DEFER_WHEN_TABLE_AT_MOST): Promise<boolean> {
  if (rows < LEAST_ROWS) return false;
  const atMost = Math.floor(rows * share);
  const n = (await store.value<number>(`SELECT count(*) FROM (SELECT 1 FROM ${table} LIMIT ?) AS head`, [atMost + 1]))!;
  return n <= atMost;
}

/** Whether the importing role may drop and build `table`'s indexes: only the table's owner may. */
async function ownsTable(store: Store, table: ImportTable): Promise<boolean> {
  return (await store.value<boolean>('SELECT pg_has_role(current_user, c.relowner, ?) FROM pg_class c WHERE c.oid = ?::regclass', ['USAGE', table]))!;
}

/**
 * Runs `load`, a plain INSERT into `table` while it is empty, with the table's primary key built after it: the
 * rows' random ids made each insert a descent to a random leaf of the key (1,000,000 payments: 8.7 s with the key,
 * 3.2 + 0.6 s without it and built after; 2,028,701 ledger entries: 14.6 s against 2.7 + 1.6 s). An id the load
 * repeats fails the key's build as it would have failed the insert (23505, unique_violation). Without ownership of
 * the table, the key stays.
 */
export async function withPrimaryKeyAfter<T>(store: Store, table: ImportTable, load: () => Promise<T>): Promise<T> {
  if (!(await ownsTable(store, table))) return load();
  const key = await store.get<{ name: string; definition: string }>(
    `SELECT conname AS name, pg_get_constraintdef(oid) AS definition FROM pg_constraint WHERE conrelid = ?::regclass AND contype = 'p'`,
    [table],
  );
  if (!key) return load();
  await store.exec(`ALTER TABLE ${table} DROP CONSTRAINT "${key.name}"`);
  const loaded = await load();
  await store.exec(`SET LOCAL maintenance_work_mem = '${BUILD_MEMORY}'`);
  await store.exec(`ALTER TABLE ${table} ADD CONSTRAINT "${key.name}" ${key.definition}`);
  return loaded;
}

/** Drops the secondary indexes of `table` (not those behind a primary key or unique constraint); `deferred` keeps how to build them again. */
export async function dropSecondaryIndexes(store: Store, table: ImportTable, deferred: DeferredIndexes): Promise<void> {
  if (deferred.tables.includes(table)) return;
  // An agent's role (read-write, not the owner) keeps them and loads slower.
  if (!(await ownsTable(store, table))) return;
  const indexes = await store.all<{ name: string; definition: string }>(
    `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE i.indrelid = ?::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
     ORDER BY c.relname`,
    [table],
  );
  if (indexes.length === 0) return;
  await store.exec(`DROP INDEX ${indexes.map((index) => `"${index.name}"`).join(', ')}`);
  deferred.tables.push(table);
  deferred.definitions.push(...indexes.map((index) => index.definition));
}

/** Builds the dropped indexes of `table` again, then gives the planner the table's new size. */
export async function rebuildIndexes(store: Store, table: ImportTable, deferred: DeferredIndexes): Promise<void> {
  const at = deferred.tables.indexOf(table);
  if (at < 0) return;
  deferred.tables.splice(at, 1);
  const on = new RegExp(`^CREATE (UNIQUE )?INDEX \\S+ ON (\\S+\\.)?${table} `);
  const mine = deferred.definitions.filter((definition) => on.test(definition));
  deferred.definitions = deferred.definitions.filter((definition) => !on.test(definition));
  await store.exec(`SET LOCAL maintenance_work_mem = '${BUILD_MEMORY}'`);
  for (const definition of mine) await store.exec(definition);
  await store.exec(`ANALYZE ${table}`);
}
