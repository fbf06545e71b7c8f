// A file's rows into a table that was empty before it, straight through COPY, as one would load it with psql:
// without the stage's copy of every row, and the INSERT ... SELECT that moved them on (1,000,000 payments: 8.0 s;
// 2,028,701 ledger entries: 5.7 s). The table's primary key and indexes are dropped for the load and built after
// it (postgres-indexes.ts).
//
// The key is what would catch an id the file gives twice, so the rows are sorted on the way in, as SQLite's
// keyless load does (import/store.ts): an id the filter (id-sightings.ts) has not seen goes into the table; the
// others (repeats, and the few ids that share a seen id's bits) are held back, with the rejected rows, for the
// stage. After the load the key is built, and the held rows are applied through it the long way
// (postgres-apply.ts), each compared with what the rows before it left, as the stage's rows always are. A
// connection runs one COPY at a time, so the held rows wait in memory, and past HELD_ROWS the table's COPY is
// ended while they go into the stage.
import type pg from 'pg';
import type { ImportTable } from '../import/deferred-indexes.js';
import { IdSightings } from '../import/id-sightings.js';
import type { LedgerRecord, PaymentRecord } from '../import/records.js';
import type { RowHash } from '../import/row-hash.js';
import type { BinaryColumnType } from './copy-binary.js';
import { buildPrimaryKey, dropIndexes, dropPrimaryKey, leaveRoomForCreditSums, ownsTable, type DeferredIndexes } from './postgres-indexes.js';
import { BinaryCopy, PAYMENT_VALUE_COLUMNS, paymentValues, type RowsIn, type StagedRows } from './postgres-staging.js';
import type { PostgresStore } from './postgres-store.js';

/** The tables a file can be loaded straight into. */
export type FirstLoadTable = 'payments' | 'ledger_entries';

/** Rows held in memory at most before they go into the stage: a few MB, for a file that repeats most of its ids. */
export const HELD_ROWS = 10_000;

/** The stage's names for the payments' columns that differ. */
const PAYMENTS_COLUMN_NAMES: Record<string, string> = { hash_hi: 'row_hash_hi', hash_lo: 'row_hash_lo' };

const COLUMNS: Record<FirstLoadTable, readonly (readonly [string, BinaryColumnType])[]> = {
  payments: [...PAYMENT_VALUE_COLUMNS.map(([name, type]) => [PAYMENTS_COLUMN_NAMES[name] ?? name, type] as const), ['import_id', 'BIGINT']],
  ledger_entries: [['id', 'TEXT'], ['account_id', 'TEXT'], ['type', 'TEXT'], ['amount_cents', 'BIGINT'], ['currency', 'TEXT'],
    ['created_at', 'BIGINT'], ['payment_id', 'TEXT'], ['import_id', 'BIGINT']],
};

export class FirstLoad implements RowsIn {
  /** Rows that went straight into the table. */
  loaded = 0;
  private readonly table: BinaryCopy;
  private readonly seen = new IdSightings();
  private held: ((stage: StagedRows) => void)[] = [];

  constructor(
    client: pg.PoolClient,
    readonly tableName: FirstLoadTable,
    private readonly importId: number,
    private readonly stage: StagedRows,
    private readonly addKey: string | undefined,
  ) {
    this.table = new BinaryCopy(client, tableName, COLUMNS[tableName], { freeze: true });
  }

  payment(line: number, p: PaymentRecord, rowHash: RowHash | undefined): void {
    if (this.tableName === 'payments' && this.seen.firstSighting(p.id)) {
      this.table.add([...paymentValues(p, rowHash), this.importId]);
      this.loaded++;
    } else {
      this.held.push((stage) => stage.payment(line, p, rowHash));
    }
  }

  ledger(line: number, e: LedgerRecord): void {
    if (this.tableName === 'ledger_entries' && this.seen.firstSighting(e.id)) {
      this.table.add([e.id, e.accountId, e.type, e.amountCents, e.currency, e.createdAt, e.paymentId, this.importId]);
      this.loaded++;
    } else {
      this.held.push((stage) => stage.ledger(line, e));
    }
  }

  rejected(line: number, reason: string, raw: string): void {
    this.held.push((stage) => stage.rejected(line, reason, raw));
  }

  async ready(): Promise<unknown> {
    if (this.held.length >= HELD_ROWS) {
      // The table's COPY is ended, and opened again by its next row.
      await this.table.end();
      await this.stageHeld();
    }
    return this.table.ready();
  }

  async end(): Promise<void> {
    await this.table.end();
    await this.stageHeld();
  }

  async abort(): Promise<void> {
    this.held = [];
    await this.table.abort();
    await this.stage.abort();
  }

  /** After end(): builds the table's primary key again, before the held rows are applied through it. */
  async buildKey(store: PostgresStore): Promise<void> {
    if (this.addKey) await buildPrimaryKey(store, this.addKey);
  }

  private async stageHeld(): Promise<void> {
    const held = this.held;
    this.held = [];
    for (const stage of held) stage(this.stage);
    await this.stage.end();
  }
}

/**
 * Starts a first load when the file writes one table, that table is empty, and the importing role owns it (an
 * agent's role may not drop its key and indexes: its files go through the stage). The table's key and indexes
 * are dropped (the indexes' builds kept in `deferred`), and the payments' pages are left with room for the
 * first ledger's sums.
 *
 * The empty table is truncated too, so that the COPY may freeze its rows (PostgreSQL allows that only into a
 * table created or truncated in the same transaction): each row is then visible to all as written, and its page
 * marked so. Otherwise every later pass over a row checks whether its transaction has committed, and the first
 * pass after the commit writes that answer into each of its pages (the bench's ledger file: its first pass over
 * the payments dirtied all of their 76,337 pages and wrote 64,563 of them out).
 */
export async function startFirstLoad(
  store: PostgresStore,
  client: pg.PoolClient,
  tables: readonly ImportTable[],
  importId: number,
  stage: StagedRows,
  deferred: DeferredIndexes,
): Promise<FirstLoad | undefined> {
  if (tables.length !== 1) return undefined;
  const [table] = tables;
  if (table !== 'payments' && table !== 'ledger_entries') return undefined;
  if ((await store.value(`SELECT 1 FROM ${table} LIMIT 1`)) !== undefined || !(await ownsTable(store, table))) return undefined;
  if (table === 'payments') await leaveRoomForCreditSums(store);
  const addKey = await dropPrimaryKey(store, table);
  await dropIndexes(store, table, deferred);
  await store.exec(`TRUNCATE ${table}`);
  return new FirstLoad(client, table, importId, stage, addKey);
}
