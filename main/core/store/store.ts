// The store port: what the core asks of a database. Two adapters implement it, SQLite (the embedded default,
// ./sqlite-store.ts) and PostgreSQL (team mode, ./postgres-store.ts); the core never asks which one it is on,
// except through `dialect` for the few SQL fragments that differ.
import type { ImportFileReport } from '../../../shared/domain.js';
import type { ImportFileOptions } from '../import/import-file.js';

/** Values bound to SQL parameters: money and times are integers (minor units, epoch ms). */
export type SqlValue = string | number | null;

/** `?` placeholders take an array, `@name` placeholders an object. Never both in one statement. */
export type SqlParams = readonly SqlValue[] | Readonly<Record<string, SqlValue | undefined>>;

export interface RunResult {
  changes: number;
}

/** The SQL fragments that differ between the stores, named for what they do. */
export interface Dialect {
  readonly name: 'sqlite' | 'postgres';
  /** Text compared without regard to ASCII case (emails). */
  caseless(expression: string): string;
  /** A hint naming the index a query must read, where the planner needs one; nothing where it does not. */
  indexedBy(index: string): string;
  /** The smaller of two values (SQLite's two-argument min()). */
  least(a: string, b: string): string;
  /** The values of `expression` over the group, in `orderBy` order, as JSON array text ('[]' for none). */
  jsonArray(expression: string, orderBy: string): string;
  /** True when `needle` occurs in `haystack`. */
  contains(haystack: string, needle: string): string;
  /**
   * How a page of a list finds its rows again after the sort's index picked them (`f` is the list, `page` the
   * picked rows): by SQLite's rowid, or by the row's own key columns, which PostgreSQL reads from an index-only
   * scan (it cannot return a row's physical id from one).
   */
  pageRows(key: readonly string[]): { select: string; matches: string };
  /** An inner join done in the order written (SQLite's planner keeps a CROSS JOIN's order). */
  readonly orderedJoin: string;
  /** The LIMIT that means "every row". */
  readonly noLimit: number | null;
}

/** What changed in the data, told to every other paydesk connected to the same database. */
export interface StoreChange {
  tables: string[];
  /** Who made the decisions, for "N decisions by Ana arrived". */
  reviewer?: string;
  decisions?: number;
}

export interface Store {
  readonly dialect: Dialect;
  /** Where the data lives: this computer's file, or a team database several paydesks share. */
  readonly kind: 'local' | 'team';
  /** Where the data is, fit to show: a file path, or a URL without its password. */
  readonly location: string;
  all<T>(sql: string, params?: SqlParams): Promise<T[]>;
  get<T>(sql: string, params?: SqlParams): Promise<T | undefined>;
  /** The first column of the first row, or undefined when there is no row. */
  value<T>(sql: string, params?: SqlParams): Promise<T | undefined>;
  /** The first column of every row. */
  column<T>(sql: string, params?: SqlParams): Promise<T[]>;
  run(sql: string, params?: SqlParams): Promise<RunResult>;
  /** Many rows into one table: prepared inserts on SQLite, COPY on PostgreSQL. */
  insertRows(table: string, columns: readonly string[], rows: Iterable<readonly SqlValue[]>): Promise<number>;
  /** Imports one export file in one transaction: the adapter's own bulk load (prepared statements, or COPY). */
  importFile(file: string, options: ImportFileOptions): Promise<ImportFileReport>;
  /**
   * Inside a write transaction that rewrites tables wholesale: its commit waits until it is durable, even where
   * the server commits asynchronously (PostgreSQL's synchronous_commit off), so that afterBulkWrite's VACUUM can
   * mark the new rows all-visible at once. SQLite needs nothing.
   */
  commitDurably(): Promise<void>;
  /**
   * After tables were rewritten wholesale (the flag lists), outside any transaction: PostgreSQL vacuums and
   * analyzes them, so that pages are read from index-only scans at once; SQLite needs nothing.
   */
  afterBulkWrite(tables: readonly string[]): Promise<void>;
  /**
   * Why this paydesk refuses every write here whatever its role may do: a team database whose schema is newer
   * than this paydesk knows (it reads, and says which version it needs). Undefined otherwise.
   */
  readonly writeRefusal?: string;
  /** One or more statements without parameters (DDL). */
  exec(sql: string): Promise<void>;
  /**
   * Several reads over one consistent snapshot. Inside `work`, every call on this store (from any function
   * it reaches) runs in that transaction; a read or write begun inside it joins it.
   */
  read<T>(work: () => Promise<T>): Promise<T>;
  /** All of `work`'s writes or none, with the store's write lock taken first. Joins an enclosing transaction. */
  write<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Tells the other paydesks on this database what changed, when the enclosing transaction commits (at once
   * outside one). Nothing to do on a local database: no one else reads it live.
   */
  announce(change: StoreChange): Promise<void>;
  /** False for a database user who may only read (a team's viewers). */
  canWrite(): Promise<boolean>;
  /** Calls `listener` with the changes other paydesks announce; the returned function stops listening. */
  onChange(listener: (change: StoreChange) => void, onError?: (error: Error) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** A write refused because the database user may only read (team mode's viewers). */
export class ReadOnlyError extends Error {
  constructor(message = READ_ONLY_MESSAGE) {
    super(message);
  }
}

export const READ_ONLY_MESSAGE = 'read-only: decisions and syncs need write access';

/** What a refused decision or sync is told on `store`: its own refusal (a newer team database), else a viewer's line. */
export const refusalOf = (store: Store): string => store.writeRefusal ?? READ_ONLY_MESSAGE;

/** The database could not be reached: one line, without the password. */
export class StoreUnavailableError extends Error {}
