// A large file into a small table loads much faster without its secondary indexes, which are then built
// once, sorted, before commit (instead of millions of random-order B-tree inserts). Both happen inside the
// file's transaction, so a rollback restores the indexes as they were.
import { KEY_INDEXES, type KeyedTable } from '../db/key-indexes.js';
import type { Db } from '../db/open.js';
import { tableIndexes, type TableIndex } from '../db/table-indexes.js';
import { CREDIT_SUM_COLUMNS, DERIVED_COLUMNS } from './derived-columns.js';

export type ImportTable = KeyedTable;

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
 * The page cache while indexes are deferred: the rows are appended, not inserted at random, so the load needs little.
 * It also sizes the sorter's runs when an index is built: small runs are each sorted in the CPU's caches, and the
 * helper thread (open.ts) sorts one while this thread fills the next, where a few large runs leave it idle. In a
 * traced first import of 1,000,000 + 2,000,000 rows the index builds took 6.1 s with 4 MiB against 10.6 s with 16.
 */
const LOAD_CACHE_KIB = 4_096;

const readsAny = (columns: readonly string[]) => new RegExp(`\\b(${columns.join('|')})\\b`);
/** Indexes reading a column the derived refresh writes: built after it, so that its updates skip them. */
const READS_DERIVED = readsAny(DERIVED_COLUMNS);
/** The payments indexes a ledger file's refresh rewrites. */
const READS_CREDIT_SUMS = readsAny(CREDIT_SUM_COLUMNS);

export interface DeferredIndexes {
  /**
   * The key indexes dropped (by table, the SQL that rebuilds them): only from an empty table, whose rows the file
   * cannot repeat; the importer tells repeats within the file apart itself until it rebuilds them (store.ts).
   */
  keys: Map<ImportTable, string>;
  /** Rebuilds the other dropped indexes the derived refresh reads through. */
  beforeDerived(): void;
  /** Rebuilds the dropped indexes on derived columns. */
  afterDerived(): void;
  /** Gives the connection its page cache back; call whatever happens to the file. */
  done(): void;
}

/**
 * Drops the secondary indexes of `tables` when the file likely brings ten times the rows the table holds, and
 * the key index too when the table is empty; returns what rebuilds them (no-ops when nothing was dropped). A
 * ledger file that large also rewrites the credit sums of most payments: the payments indexes on those sums are
 * dropped too, when the file likely brings as many entries as there are payments.
 */
export function deferIndexesIfWorthIt(db: Db, tables: readonly ImportTable[], fileBytes: number): DeferredIndexes {
  const incoming = fileBytes / BYTES_PER_ROW;
  const dropped: string[] = [];
  const keys = new Map<ImportTable, string>();
  const drop = (table: ImportTable, which: (index: TableIndex) => boolean) => {
    for (const index of tableIndexes(db, table).filter(which)) {
      db.exec(`DROP INDEX ${index.name}`);
      if (index.name === KEY_INDEXES[table]) keys.set(table, index.sql);
      else dropped.push(index.sql);
    }
  };
  // Counting stops where the decision is made.
  const atMost = (table: ImportTable, limit: number) =>
    db.prepare(`SELECT count(*) FROM (SELECT 1 FROM ${table} LIMIT ?)`).pluck().get(Math.floor(limit) + 1) as number;
  if (incoming >= 50_000) {
    for (const table of tables) {
      // A newer snapshot of a table mostly leaves index entries alone, and rebuilding costs the whole table:
      // defer only when the table is small next to the file.
      const stored = atMost(table, incoming / 10);
      if (stored * 10 <= incoming) drop(table, (index) => index.name !== KEY_INDEXES[table] || stored === 0);
    }
    if (!tables.includes('payments') && tables.includes('ledger_entries') && atMost('payments', incoming) <= incoming) {
      drop('payments', (index) => READS_CREDIT_SUMS.test(index.sql));
    }
  }
  const rebuild = (derived: boolean) => () => {
    for (const sql of dropped.filter((s) => READS_DERIVED.test(s) === derived)) db.exec(sql);
  };
  const cache = db.pragma('cache_size', { simple: true }) as number;
  if (dropped.length || keys.size) db.pragma(`cache_size = ${-LOAD_CACHE_KIB}`);
  return { keys, beforeDerived: rebuild(false), afterDerived: rebuild(true), done: () => db.pragma(`cache_size = ${cache}`) };
}
