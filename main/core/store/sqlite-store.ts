// The SQLite adapter of the store port: better-sqlite3 stays synchronous inside it. One connection serves every
// caller in the process, so a transaction holds the connection until it ends: statements from outside it wait
// their turn, and statements from inside it (found through AsyncLocalStorage) join it.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Database, Statement } from 'better-sqlite3';
import type { ImportFileReport } from '../../../shared/domain.js';
import { openDb } from '../db/open.js';
import { importFile as importFileSqlite, type ImportFileOptions } from '../import/import-file.js';
import type { LedgerStage } from '../import/ledger-stage.js';
import type { Dialect, RunResult, SqlParams, SqlValue, Store } from './store.js';

export const sqliteDialect: Dialect = {
  name: 'sqlite',
  caseless: (expression) => `${expression} COLLATE NOCASE`,
  indexedBy: (index) => `INDEXED BY ${index}`,
  least: (a, b) => `min(${a}, ${b})`,
  jsonArray: (expression, orderBy) => `json_group_array(${expression} ORDER BY ${orderBy})`,
  contains: (haystack, needle) => `instr(${haystack}, ${needle}) > 0`,
  pageRows: () => ({ select: 'f.rowid AS page_row', matches: 'f.rowid = page.page_row' }),
  orderedJoin: 'CROSS JOIN',
  noLimit: -1,
};

export class SqliteStore implements Store {
  readonly dialect = sqliteDialect;
  readonly kind = 'local';
  private readonly statements = new Map<string, Statement>();
  private readonly plucked = new Map<string, Statement>();
  private readonly inTransaction = new AsyncLocalStorage<true>();
  /** Settles when the transaction holding the connection ends. */
  private turn: Promise<void> = Promise.resolve();
  private held = false;
  /** A ledger export read ahead of its import (ledger-stage.ts). */
  private ledgerStage: LedgerStage | undefined;

  /** `db` is the open, migrated connection (the import writes through it directly, row by row). */
  constructor(
    readonly db: Database,
    readonly location: string,
  ) {}

  static open(file: string): SqliteStore {
    return new SqliteStore(openDb(file), file);
  }

  all<T>(sql: string, params?: SqlParams): Promise<T[]> {
    return this.now(() => bind(this.statement(sql), params, 'all') as T[]);
  }

  get<T>(sql: string, params?: SqlParams): Promise<T | undefined> {
    return this.now(() => bind(this.statement(sql), params, 'get') as T | undefined);
  }

  value<T>(sql: string, params?: SqlParams): Promise<T | undefined> {
    return this.now(() => {
      let statement = this.plucked.get(sql);
      if (!statement) this.plucked.set(sql, (statement = this.db.prepare(sql).pluck()));
      return bind(statement, params, 'get') as T | undefined;
    });
  }

  column<T>(sql: string, params?: SqlParams): Promise<T[]> {
    return this.now(() => {
      let statement = this.plucked.get(sql);
      if (!statement) this.plucked.set(sql, (statement = this.db.prepare(sql).pluck()));
      return bind(statement, params, 'all') as T[];
    });
  }

  insertRows(table: string, columns: readonly string[], rows: Iterable<readonly SqlValue[]>): Promise<number> {
    return this.now(() => {
      const insert = this.statement(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
      let count = 0;
      for (const row of rows) {
        insert.run(...row);
        count++;
      }
      return count;
    });
  }

  run(sql: string, params?: SqlParams): Promise<RunResult> {
    return this.now(() => ({ changes: (bind(this.statement(sql), params, 'run') as { changes: number }).changes }));
  }

  importFile(file: string, options: ImportFileOptions): Promise<ImportFileReport> {
    return importFileSqlite(this, file, options);
  }

  /** Keeps a ledger export staged ahead of its import; any other stage is discarded. */
  keepLedgerStage(stage: LedgerStage): void {
    void this.ledgerStage?.discard();
    this.ledgerStage = stage;
  }

  /** The stage kept for `file`, now the caller's to discard; a stage kept for another file is discarded. */
  takeLedgerStage(file: string): LedgerStage | undefined {
    const stage = this.ledgerStage;
    this.ledgerStage = undefined;
    if (stage?.file === file) return stage;
    void stage?.discard();
    return undefined;
  }

  async commitDurably(): Promise<void> {}

  async afterBulkWrite(): Promise<void> {}

  exec(sql: string): Promise<void> {
    return this.now(() => void this.db.exec(sql));
  }

  read<T>(work: () => Promise<T>): Promise<T> {
    return this.inTransactionOf('BEGIN DEFERRED', work);
  }

  write<T>(work: () => Promise<T>): Promise<T> {
    return this.inTransactionOf('BEGIN IMMEDIATE', work);
  }

  /** Runs `work` with the connection to itself (a transaction of the store's, or raw better-sqlite3 work). */
  async exclusive<T>(work: () => T | Promise<T>): Promise<T> {
    if (this.inTransaction.getStore()) return work();
    const before = this.turn;
    let release!: () => void;
    this.turn = new Promise((resolve) => (release = resolve));
    await before;
    this.held = true;
    try {
      return await this.inTransaction.run(true, work);
    } finally {
      this.held = false;
      release();
    }
  }

  async close(): Promise<void> {
    await this.ledgerStage?.discard();
    await this.exclusive(() => this.db.close());
  }

  async announce(): Promise<void> {}

  async canWrite(): Promise<boolean> {
    return !this.db.readonly;
  }

  async onChange(): Promise<() => Promise<void>> {
    return async () => {};
  }

  private inTransactionOf<T>(begin: string, work: () => Promise<T>): Promise<T> {
    if (this.inTransaction.getStore() && this.db.inTransaction) return work();
    return this.exclusive(async () => {
      this.db.exec(begin);
      try {
        const result = await work();
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    });
  }

  private now<T>(statement: () => T): Promise<T> {
    if (!this.held || this.inTransaction.getStore()) {
      try {
        return Promise.resolve(statement());
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return this.exclusive(statement);
  }

  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }
}

function bind(statement: Statement, params: SqlParams | undefined, how: 'all' | 'get' | 'run'): unknown {
  if (params === undefined) return statement[how]();
  if (Array.isArray(params)) return statement[how](...(params as unknown[]));
  return statement[how](params);
}
