// A first load builds the secondary indexes after it, as one would with psql: millions of B-tree inserts in
// row order cost several times one sorted build per index. Into an empty table, and for an UPDATE rewriting
// most of the payments, the primary key is built after too, unless the payments were loaded with room on their
// pages for that UPDATE: then only the indexes over the columns it writes are built again. The indexes are
// dropped inside the file's transaction (DDL is transactional here), so a rollback, or a killed process,
// restores them as they were.
//
// DROP INDEX (and DROP CONSTRAINT) takes an ACCESS EXCLUSIVE lock on the table until commit: other sessions'
// reads of that table wait from the drop to the end of the file's transaction. So the drop comes after the file
// is read and staged (only the set-based apply, the rebuild and the commit are inside the lock), and only where a
// rebuild is cheaper than maintaining the indexes: a table that is empty or small next to what the file writes
// to it. The exception is a table empty before the file, loaded straight from the file (postgres-first-load.ts):
// there the lock is taken before the read, and the other sessions wait for a table that had nothing to show.
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

/** The tables a first load goes into: those an import writes, and the account totals summing the ledger. */
export type LoadedTable = ImportTable | 'account_totals';

/** Per table whose indexes are dropped, the statements that build them again. */
export type DeferredIndexes = Map<ImportTable, string[]>;

/** Whether the table holds at most `share` of `rows`; counting stops where that is decided. */
export async function tableSmallNextTo(store: Store, table: ImportTable, rows: number, share = DEFER_WHEN_TABLE_AT_MOST): Promise<boolean> {
  if (rows < LEAST_ROWS) return false;
  const atMost = Math.floor(rows * share);
  const n = (await store.value<number>(`SELECT count(*) FROM (SELECT 1 FROM ${table} LIMIT ?) AS head`, [atMost + 1]))!;
  return n <= atMost;
}

/** Whether the importing role may drop and build `table`'s indexes: only the table's owner may. */
export async function ownsTable(store: Store, table: LoadedTable): Promise<boolean> {
  return (await store.value<boolean>('SELECT pg_has_role(current_user, c.relowner, ?) FROM pg_class c WHERE c.oid = ?::regclass', ['USAGE', table]))!;
}

/** Drops `table`'s primary key; returns the statement that adds it again, or undefined when it has none. */
export async function dropPrimaryKey(store: Store, table: LoadedTable): Promise<string | undefined> {
  const key = await store.get<{ name: string; definition: string }>(
    `SELECT conname AS name, pg_get_constraintdef(oid) AS definition FROM pg_constraint WHERE conrelid = ?::regclass AND contype = 'p'`,
    [table],
  );
  if (!key) return undefined;
  await store.exec(`ALTER TABLE ${table} DROP CONSTRAINT "${key.name}"`);
  return `ALTER TABLE ${table} ADD CONSTRAINT "${key.name}" ${key.definition}`;
}

/**
 * Runs `load`, a plain INSERT into `table` while it is empty, with the table's primary key built after it: the
 * rows' random ids made each insert a descent to a random leaf of the key (1,000,000 payments: 8.7 s with the key,
 * 3.2 + 0.6 s without it and built after; 2,028,701 ledger entries: 14.6 s against 2.7 + 1.6 s). An id the load
 * repeats fails the key's build as it would have failed the insert (23505, unique_violation). Without ownership of
 * the table, the key stays.
 */
export async function withPrimaryKeyAfter<T>(store: Store, table: LoadedTable, load: () => Promise<T>): Promise<T> {
  const addKey = (await ownsTable(store, table)) ? await dropPrimaryKey(store, table) : undefined;
  const loaded = await load();
  if (addKey) await buildPrimaryKey(store, addKey);
  return loaded;
}

/** Adds a primary key dropped by dropPrimaryKey (`addKey` is what that returned). */
export async function buildPrimaryKey(store: Store, addKey: string): Promise<void> {
  await store.exec(`SET LOCAL maintenance_work_mem = '${BUILD_MEMORY}'`);
  await store.exec(addKey);
}

/** The share of each payments page a load into the empty table fills: the rest is room for the rows' next versions. */
const PAYMENTS_FILLFACTOR = 50;

/**
 * Before a load into the empty payments table: leave half of each page free, so that the first ledger's sums
 * (postgres-derived.ts) write each payment's new version beside the old one. An update that changes no indexed
 * column and finds room on the row's page is a heap-only tuple (HOT) update: no new entry in any index. The table
 * ends the same size as before: that update used to append a second version of most rows. Set only while the
 * table is empty, so that the setting tells that every row was loaded with room (hasRoomForCreditSums); rolled
 * back with the file.
 */
export async function leaveRoomForCreditSums(store: Store): Promise<void> {
  if (await ownsTable(store, 'payments')) await store.exec(`ALTER TABLE payments SET (fillfactor = ${PAYMENTS_FILLFACTOR})`);
}

/** Whether the payments were loaded with room for their next versions (leaveRoomForCreditSums). */
export async function hasRoomForCreditSums(store: Store): Promise<boolean> {
  return (await store.value<boolean>(`SELECT coalesce(? = ANY (reloptions), false) FROM pg_class WHERE oid = 'payments'::regclass`,
    [`fillfactor=${PAYMENTS_FILLFACTOR}`]))!;
}

export interface DropOptions {
  /** Drop the primary key too: for an UPDATE that rewrites so much of the table that every new row version's key entry costs more than building the key again. */
  primaryKey?: boolean;
  /** Only the indexes over any of these columns (as a key, in an expression or in the predicate). */
  over?: readonly string[];
}

/**
 * Drops the secondary indexes of `table` (not those behind a unique constraint), or those of them `over` some
 * columns, and its primary key when `primaryKey`; `deferred` keeps how to build them again.
 */
export async function dropIndexes(store: Store, table: ImportTable, deferred: DeferredIndexes, { primaryKey = false, over }: DropOptions = {}): Promise<void> {
  if (deferred.has(table)) return;
  // An agent's role (read-write, not the owner) keeps them and loads slower.
  if (!(await ownsTable(store, table))) return;
  // An index depends on each column it reads (pg_depend: refobjsubid is the column's number).
  const overColumns = `EXISTS (SELECT 1 FROM pg_depend d JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
    WHERE d.classid = 'pg_class'::regclass AND d.objid = i.indexrelid AND d.refclassid = 'pg_class'::regclass
      AND d.refobjid = i.indrelid AND a.attname = ANY (string_to_array(?, ',')))`;
  const indexes = await store.all<{ name: string; definition: string }>(
    `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE i.indrelid = ?::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
       ${over ? `AND ${overColumns}` : ''}
     ORDER BY c.relname`,
    over ? [table, over.join(',')] : [table],
  );
  const builds: string[] = [];
  const addKey = primaryKey ? await dropPrimaryKey(store, table) : undefined;
  if (addKey) builds.push(addKey);
  if (indexes.length > 0) await store.exec(`DROP INDEX ${indexes.map((index) => `"${index.name}"`).join(', ')}`);
  builds.push(...indexes.map((index) => index.definition));
  if (builds.length > 0) deferred.set(table, builds);
}

/**
 * Builds one dropped index of `table` again ahead of the others, for a statement that reads the table in its
 * order; rebuildIndexes builds the rest.
 */
export async function rebuildIndex(store: Store, table: ImportTable, deferred: DeferredIndexes, name: string): Promise<void> {
  const builds = deferred.get(table) ?? [];
  const at = builds.findIndex((build) => build.startsWith(`CREATE INDEX ${name} ON `));
  if (at < 0) return;
  const [build] = builds.splice(at, 1);
  await store.exec(`SET LOCAL maintenance_work_mem = '${BUILD_MEMORY}'`);
  await store.exec(build);
}

/** Builds the dropped indexes of `table` again, then gives the planner the table's new size. */
export async function rebuildIndexes(store: Store, table: ImportTable, deferred: DeferredIndexes): Promise<void> {
  const builds = deferred.get(table);
  if (!builds) return;
  deferred.delete(table);
  await store.exec(`SET LOCAL maintenance_work_mem = '${BUILD_MEMORY}'`);
  for (const build of builds) await store.exec(build);
  await store.exec(`ANALYZE ${table}`);
}
