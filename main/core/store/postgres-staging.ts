// The accepted and rejected rows of one file on their way into PostgreSQL: one COPY stream, in the binary format
// (copy-binary.ts), into one temporary table, open while the file is read. One table for every kind of row
// because a connection runs one COPY at a time, and a JSON Lines file interleaves payments and ledger entries. The
// table lives until the file's transaction ends (ON COMMIT DROP), and is applied by set-based SQL
// (postgres-apply.ts). A file into a table that was empty goes straight into it instead, and only the rows that
// load holds back come here (postgres-first-load.ts).
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { LedgerRecord, PaymentRecord } from '../import/records.js';
import type { RowHash } from '../import/row-hash.js';
import { BinaryRows, type BinaryColumnType } from './copy-binary.js';
import type { SqlValue } from './store.js';

/** What a staged row is: a payment, a ledger entry, or a rejected row ('e', for error). */
export type StagedKind = 'p' | 'l' | 'e';

export const STAGE_TABLE = 'import_stage';

const STAGE_COLUMNS = [
  ['kind', 'TEXT'],
  ['line', 'BIGINT'],
  ['id', 'TEXT'],
  ['alt_id', 'TEXT'],
  ['account_id', 'TEXT'],
  ['amount_cents', 'BIGINT'],
  ['currency', 'TEXT'],
  ['status', 'TEXT'],
  ['created_at', 'BIGINT'],
  ['updated_at', 'BIGINT'],
  ['invoice_id', 'TEXT'],
  ['email', 'TEXT'],
  ['description', 'TEXT'],
  ['method', 'TEXT'],
  ['amount_refunded_cents', 'BIGINT'],
  ['refunded_at', 'BIGINT'],
  ['disputed_amount_cents', 'BIGINT'],
  ['dispute_status', 'TEXT'],
  ['disputed_at', 'BIGINT'],
  ['hash_hi', 'BIGINT'],
  ['hash_lo', 'BIGINT'],
  ['type', 'TEXT'],
  ['payment_id', 'TEXT'],
  ['reason', 'TEXT'],
  ['raw', 'TEXT'],
] as const;

// Text in byte order, as in the schema: DISTINCT ON, window orders and comparisons then match the real tables.
export const createStageSql = `CREATE TEMP TABLE ${STAGE_TABLE} (${STAGE_COLUMNS.map(([name, type]) =>
  `${name} ${type}${type === 'TEXT' ? ' COLLATE "C"' : ''}${name === 'kind' || name === 'line' ? ' NOT NULL' : ''}`).join(', ')}) ON COMMIT DROP`;

/** The columns between a rejected row's line and its reason. */
const NO_RECORD: null[] = Array(STAGE_COLUMNS.length - 4).fill(null);

/** A payment's values from `id` to `hash_lo`, in the stage's column order. */
export function paymentValues(p: PaymentRecord, rowHash: RowHash | undefined): SqlValue[] {
  return [p.id, p.altId, p.accountId, p.amountCents, p.currency, p.status, p.createdAt, p.updatedAt, p.invoiceId, p.email,
    p.description, p.method, p.amountRefundedCents, p.refundedAt, p.disputedAmountCents, p.disputeStatus, p.disputedAt,
    rowHash?.hi ?? null, rowHash?.lo ?? null];
}

/** The stage's columns that paymentValues fills. */
export const PAYMENT_VALUE_COLUMNS = STAGE_COLUMNS.slice(2, 21);

/** What takes a file's rows on their way into the database: the stage, or a first load (postgres-first-load.ts). */
export interface RowsIn {
  payment(line: number, p: PaymentRecord, rowHash: RowHash | undefined): void;
  ledger(line: number, e: LedgerRecord): void;
  rejected(line: number, reason: string, raw: string): void;
  /** Resolves when the server has caught up enough for more rows: the reader's backpressure. */
  ready(): Promise<unknown>;
  /** Ends the COPY; the rows are then in their tables. */
  end(): Promise<void>;
  /** Abandons the COPY (the server discards its rows) so that the connection can roll the transaction back. */
  abort(): Promise<void>;
}

/**
 * One `COPY table FROM STDIN` in the binary format, opened by its first row. A connection runs one COPY at a
 * time: a second one on the same client waits in the client's queue until this one has ended.
 */
export class BinaryCopy {
  private copy: ReturnType<typeof copyFrom> | undefined;
  private rows: BinaryRows;
  private anyRow = false;
  private failure: Error | undefined;
  private waiting: Promise<unknown> | undefined;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly table: string,
    private readonly columns: readonly (readonly [string, BinaryColumnType])[],
    /** Write the rows frozen: only into a table created or truncated in the transaction (postgres-first-load.ts). */
    private readonly options: { freeze?: boolean } = {},
  ) {
    this.rows = this.newRows();
  }

  add(values: readonly SqlValue[]): void {
    if (this.failure) throw this.failure;
    this.rows.row(values);
    this.anyRow = true;
    if (this.rows.full) this.write(this.rows.take()!);
  }

  ready(): Promise<unknown> {
    return this.waiting ?? Promise.resolve();
  }

  /** Ends the COPY; the next row opens another. */
  async end(): Promise<void> {
    if (!this.anyRow) return;
    this.write(this.rows.end());
    const copy = this.copy!;
    this.copy = undefined;
    this.rows = this.newRows();
    this.anyRow = false;
    copy.end();
    await finished(copy);
  }

  async abort(): Promise<void> {
    this.rows = this.newRows();
    this.anyRow = false;
    if (!this.copy) return;
    const copy = this.copy;
    this.copy = undefined;
    copy.destroy();
    await finished(copy).catch(() => {});
  }

  private newRows(): BinaryRows {
    return new BinaryRows(this.columns.map(([, type]) => type));
  }

  private write(chunk: Buffer): void {
    if (!this.copy) {
      this.copy = this.client.query(copyFrom(`COPY ${this.table} (${this.columns.map(([name]) => name).join(', ')}) FROM STDIN WITH (FORMAT binary${this.options.freeze ? ', FREEZE' : ''})`));
      this.copy.on('error', (error: Error) => (this.failure ??= error));
    }
    const copy = this.copy;
    if (!copy.write(chunk) && !this.waiting) {
      // A failed COPY is reported by the next row or by end(), from `failure`.
      this.waiting = Promise.race([once(copy, 'drain'), once(copy, 'close')])
        .catch(() => {})
        .finally(() => (this.waiting = undefined));
    }
  }
}

/** Rows into the stage. */
export class StagedRows implements RowsIn {
  private readonly copy: BinaryCopy;

  constructor(client: pg.PoolClient) {
    this.copy = new BinaryCopy(client, STAGE_TABLE, STAGE_COLUMNS);
  }

  payment(line: number, p: PaymentRecord, rowHash: RowHash | undefined): void {
    this.copy.add(['p', line, ...paymentValues(p, rowHash), null, null, null, null]);
  }

  ledger(line: number, e: LedgerRecord): void {
    this.copy.add(['l', line, e.id, null, e.accountId, e.amountCents, e.currency, null, e.createdAt, null, null, null, null, null, null, null, null,
      null, null, null, null, e.type, e.paymentId, null, null]);
  }

  rejected(line: number, reason: string, raw: string): void {
    this.copy.add(['e', line, ...NO_RECORD, reason, raw]);
  }

  ready(): Promise<unknown> {
    return this.copy.ready();
  }

  end(): Promise<void> {
    return this.copy.end();
  }

  abort(): Promise<void> {
    return this.copy.abort();
  }
}
