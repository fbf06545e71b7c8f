// What a store holds, read through the store port so it works on SQLite and on PostgreSQL: row counts and
// content digests per table, and a table's ids. Compare a store only with itself (before and after): the
// digests follow each store's own ordering and value types.
import { createHash } from 'node:crypto';
import type { Store } from '../../main/core/store/store.js';

export async function storeTableNames(store: Store): Promise<string[]> {
  const names =
    store.dialect.name === 'sqlite'
      ? await store.column<string>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
      : await store.column<string>(
          `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
        );
  return names;
}

async function columnNames(store: Store, table: string): Promise<string[]> {
  return store.dialect.name === 'sqlite'
    ? store.column<string>('SELECT name FROM pragma_table_info(?) ORDER BY cid', [table])
    : store.column<string>(
        'SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position',
        [table],
      );
}

/** Row counts of every table (but `except`). Table names come from the catalogue, never from input. */
export async function storeTableCounts(store: Store, except: readonly string[] = []): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of await storeTableNames(store)) {
    if (!except.includes(table)) counts[table] = Number(await store.value(`SELECT count(*) FROM "${table}"`));
  }
  return counts;
}

/** A digest of every row of a table, in a stable order (all columns, left to right). */
export async function storeTableDigest(store: Store, table: string): Promise<string> {
  const columns = (await columnNames(store, table)).map((c) => `"${c}"`);
  const hash = createHash('sha256');
  for (const row of await store.all<Record<string, unknown>>(`SELECT ${columns.join(', ')} FROM "${table}" ORDER BY ${columns.join(', ')}`)) {
    hash.update(JSON.stringify(Object.values(row)));
    hash.update('\n');
  }
  return hash.digest('hex');
}

/** Digests of every table (but `except`): equal digests mean equal contents. */
export async function storeContentDigests(store: Store, except: readonly string[] = []): Promise<Record<string, string>> {
  const digests: Record<string, string> = {};
  for (const table of await storeTableNames(store)) if (!except.includes(table)) digests[table] = await storeTableDigest(store, table);
  return digests;
}

export function storeIds(store: Store, table: 'payments' | 'ledger_entries'): Promise<string[]> {
  return store.column<string>(`SELECT id FROM ${table} ORDER BY id`);
}
