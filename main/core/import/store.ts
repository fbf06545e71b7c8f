// Applies one file's records inside its transaction. Payments: a newer snapshot replaces the stored row
// (formats.md "Re-imports"); ledger entries: inserted once, a changed one is recorded as a conflict.
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/open.js';
import type { ImportCounts, PaymentStatus } from '../../../shared/domain.js';
import type { LedgerRecord, PaymentRecord, ReviewRecord } from './records.js';
import { applyReviewDecision } from '../reviews.js';
import { BulkInsert } from './bulk-insert.js';
import type { Store } from '../store/store.js';
import { addToAccountTotalsSql } from './account-totals.js';
import type { ImportTable } from './deferred-indexes.js';
import { isPurchaseCandidate } from '../flags/credit-links.js';
import { insertedEntries, refreshDerivedColumns, type PurchaseGroup } from './derived-columns.js';
import { IdSightings } from './id-sightings.js';
import type { RowHash } from './row-hash.js';
import type { RowHashPages } from './row-hash-set.js';

// How far along its lifecycle a status is: on equal updated_at the further one wins (formats.md).
export const STATUS_RANK: Readonly<Record<PaymentStatus, number>> = {
  incomplete: 0,
  pending: 1,
  processing: 2,
  succeeded: 3,
  failed: 3,
  canceled: 3,
  partially_refunded: 4,
  refunded: 5,
};

// Positional parameters throughout: binding named parameters from objects costs more than the insert itself.
const VALUE_COLUMNS = ['alt_id', 'account_id', 'amount_cents', 'currency', 'status', 'created_at', 'updated_at', 'invoice_id', 'email', 'description',
  'method', 'amount_refunded_cents', 'refunded_at', 'disputed_amount_cents', 'dispute_status', 'disputed_at'];
const STORED_COLUMNS = VALUE_COLUMNS.join(', ');
/** The stored values, then the row hash's two halves (null when the values were not read from CSV). */
type StoredPayment = [
  string | null, string | null, number, string, PaymentStatus, number, number, string | null, string | null, string | null,
  string | null, number | null, number | null, number | null, string | null, number | null,
  number | null, number | null,
];
const ALT_ID = 0;
const ACCOUNT_ID = 1;
const AMOUNT_CENTS = 2;
const CURRENCY = 3;
const STATUS = 4;
const CREATED_AT = 5;
const UPDATED_AT = 6;
const AMOUNT_REFUNDED = 11;
const DISPUTE_STATUS = 14;
const HASH_HI = 16;
const HASH_LO = 17;
const storedValues = (p: PaymentRecord) =>
  [p.altId, p.accountId, p.amountCents, p.currency, p.status, p.createdAt, p.updatedAt, p.invoiceId, p.email, p.description,
    p.method, p.amountRefundedCents, p.refundedAt, p.disputedAmountCents, p.disputeStatus, p.disputedAt] as const;
const sameValues = (values: ReturnType<typeof storedValues>, stored: StoredPayment) => values.every((value, i) => value === stored[i]);

/** The dispute statuses that end a dispute. */
export const DECIDED_DISPUTES: readonly string[] = ['won', 'lost'];

/** How far a dispute has got: none, open, decided (won or lost). */
const disputeRank = (status: string | null) => (status === null ? 0 : DECIDED_DISPUTES.includes(status) ? 2 : 1);

/**
 * Whether an incoming snapshot of a payment replaces the stored one. Processor exports often carry no
 * updated_at; then the status further along wins, then more money refunded, then a dispute further along
 * (refunds and disputes only ever move forward), whichever order the snapshots are imported in.
 */
function replacesStored(incoming: PaymentRecord, stored: StoredPayment): boolean {
  const storedUpdatedAt = stored[UPDATED_AT];
  if (incoming.updatedAt !== storedUpdatedAt) return incoming.updatedAt > storedUpdatedAt;
  const rank = STATUS_RANK[incoming.status] - STATUS_RANK[stored[STATUS]];
  if (rank !== 0) return rank > 0;
  const refunded = (incoming.amountRefundedCents ?? 0) - (stored[AMOUNT_REFUNDED] ?? 0);
  if (refunded !== 0) return refunded > 0;
  const dispute = disputeRank(incoming.disputeStatus) - disputeRank(stored[DISPUTE_STATUS]);
  if (dispute !== 0) return dispute > 0;
  // Equal on all of these: the later import wins, which only matters when a value differs.
  return !sameValues(storedValues(incoming), stored);
}

/** The counts the store decides; rows, ignored and rejected are counted by the reader. */
export type StoreCounts = Pick<ImportCounts, 'inserted' | 'updated' | 'unchanged' | 'conflicts'>;

/** Payments looked up in one statement when a file repeats rows the table already has (a newer snapshot). */
const LOOKUP_BATCH = 256;

/** Ids of written payments kept (per list) for refreshing the derived columns; past this, they are found by import_id. */
const WRITTEN_IDS_KEPT = 100_000;

/**
 * Rows held back while a table loads without its key index (an id seen before in the file, or a hash collision),
 * written once the key is back; past this many, the key is rebuilt at once.
 */
const HELD_BACK_AT_MOST = 10_000;

const INSERT_PAYMENT = `INSERT INTO payments (${STORED_COLUMNS}, row_hash_hi, row_hash_lo, import_id, id)
  VALUES (${Array(VALUE_COLUMNS.length + 4).fill('?').join(', ')})`;
const INSERT_LEDGER_ENTRY = `INSERT INTO ledger_entries (id, account_id, type, amount_cents, currency, created_at, payment_id, import_id)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?)`;
/** A row whose id is stored already is left alone (and `changes` says so); needs the key index. */
const UNLESS_STORED = 'ON CONFLICT (id) DO NOTHING';

/** Rowids a statement reads the stored row hashes of (at most 512 KB of hashes). */
const ROW_HASH_PAGE = 65_536;

interface IncomingPayment {
  record: PaymentRecord;
  rowHash: RowHash | undefined;
}

/**
 * The row hashes of the stored payments, for recognising rows a snapshot repeats (unchanged-rows.ts), page by
 * page as they are iterated; to be read before the file writes any payment.
 */
export function storedRowHashes(db: Db): RowHashPages & { pages: Iterable<Buffer> } {
  // Sized from the payments imports have inserted (an estimate: growing on the way costs a rehash or two).
  const expected = db
    .prepare(`SELECT coalesce(sum(inserted), 0) FROM imports WHERE status = 'imported' AND (format LIKE 'payments.%' OR format = 'jsonl')`)
    .pluck()
    .get() as number;
  // A page of row hashes as one blob of 8 bytes each (big-endian halves): a million rows returned one by one
  // cost more in the driver than SQLite takes to read them, and hex text costs as much again to parse. Pages are
  // ranges of rowids (dense: payments are never deleted), read straight from the table: paging by LIMIT over a
  // subquery took half as long again.
  const page = db
    .prepare(
      `SELECT unhex(group_concat(printf('%08x%08x', row_hash_hi & 4294967295, row_hash_lo & 4294967295), ''))
       FROM payments WHERE rowid > ? AND rowid <= ? AND row_hash_hi IS NOT NULL`,
    )
    .pluck();
  const lastRowid = db.prepare('SELECT coalesce(max(rowid), 0) FROM payments').pluck();
  function* pages(): Generator<Buffer> {
    const last = lastRowid.get() as number;
    for (let after = 0; after < last; after += ROW_HASH_PAGE) {
      const hashes = page.get(after, after + ROW_HASH_PAGE) as Buffer | null;
      if (hashes !== null) yield hashes;
    }
  }
  return { expected, pages: pages() };
}

export class ImportStore {
  private readonly insertPayment;
  private readonly storedPayment;
  private readonly storedPayments;
  /** UPDATE statements by the set of value columns they write (a bit per VALUE_COLUMNS entry). */
  private readonly replacePayment = new Map<number, Statement>();
  private readonly setRowHash;
  private readonly insertLedger;
  private readonly storedLedger;
  private readonly insertConflict;
  private readonly insertRejected;
  private readonly raiseBound;
  private newestPaymentAt = -Infinity;
  private newestLedgerAt = -Infinity;
  /** Into an empty table, insert straight away; otherwise look rows up in batches first (a snapshot mostly repeats rows). */
  private readonly paymentsWereEmpty: boolean;
  private readonly ledgerRowidBefore: number;
  private readonly leftGroups: PurchaseGroup[] = [];
  private paymentsChanged = false;
  private ledgerInserted = false;
  private pendingPayments: IncomingPayment[] = [];
  /** Tables loading without their key index: the SQL that rebuilds it, the ids they got, their queued rows. */
  private readonly keyless = new Map<ImportTable, { keySql: string; seen: IdSightings; rows: BulkInsert }>();
  private heldBackPayments: IncomingPayment[] = [];
  private heldBackLedger: { record: LedgerRecord; line: number }[] = [];
  /** Kept when the table had payments before (derived-columns.ts WrittenPayments); an empty one is refreshed whole. */
  private written: { relinked: string[]; regrouped: string[] } | undefined;
  readonly counts: StoreCounts = { inserted: 0, updated: 0, unchanged: 0, conflicts: 0 };
  private readonly reviews: ReviewRecord[] = [];

  constructor(
    private readonly db: Db,
    private readonly importId: number,
  ) {
    this.insertPayment = db.prepare(`${INSERT_PAYMENT} ${UNLESS_STORED}`);
    this.storedPayment = db.prepare(`SELECT ${STORED_COLUMNS}, row_hash_hi, row_hash_lo FROM payments WHERE id = ?`).raw();
    this.storedPayments = db
      .prepare(`SELECT id, ${STORED_COLUMNS}, row_hash_hi, row_hash_lo FROM payments WHERE id IN (${Array(LOOKUP_BATCH).fill('?').join(', ')})`)
      .raw();
    this.paymentsWereEmpty = db.prepare('SELECT NOT EXISTS (SELECT 1 FROM payments)').pluck().get() === 1;
    if (!this.paymentsWereEmpty) this.written = { relinked: [], regrouped: [] };
    this.ledgerRowidBefore = db.prepare('SELECT coalesce(max(rowid), 0) FROM ledger_entries').pluck().get() as number;
    this.setRowHash = db.prepare(`UPDATE payments SET row_hash_hi = ?, row_hash_lo = ? WHERE id = ?`);
    this.insertLedger = db.prepare(`${INSERT_LEDGER_ENTRY} ${UNLESS_STORED}`);
    this.storedLedger = db.prepare(`SELECT id, account_id AS accountId, type, amount_cents AS amountCents, currency,
      created_at AS createdAt, payment_id AS paymentId FROM ledger_entries WHERE id = ?`);
    this.insertConflict = db.prepare(`INSERT INTO ledger_conflicts (import_id, entry_id, line, stored, incoming)
      VALUES (?, ?, ?, ?, ?)`);
    this.insertRejected = db.prepare(`INSERT INTO rejected_rows (import_id, line, reason, raw) VALUES (?, ?, ?, ?)`);
    this.raiseBound = db.prepare(`INSERT INTO data_bounds (name, newest_at) VALUES (?, ?)
      ON CONFLICT (name) DO UPDATE SET newest_at = max(newest_at, excluded.newest_at)`);
  }

  /** The stored payments' row hashes (storedRowHashes below); undefined when none is stored. */
  storedRowHashes(): RowHashPages | undefined {
    return this.paymentsWereEmpty ? undefined : storedRowHashes(this.db);
  }

  /** `rowHash`: the hash of the row's text (row-hash.ts), stored with the values it was read into. */
  payment(record: PaymentRecord, rowHash?: RowHash): void {
    if (record.updatedAt > this.newestPaymentAt) this.newestPaymentAt = record.updatedAt;
    if (record.createdAt > this.newestPaymentAt) this.newestPaymentAt = record.createdAt;
    const keyless = this.keyless.get('payments');
    if (keyless) {
      // An empty table: nothing stored to compare with, so a first sighting is queued for a bulk insert.
      if (!keyless.seen.firstSighting(record.id)) {
        this.heldBackPayments.push({ record, rowHash });
        this.heldBack();
        return;
      }
      keyless.rows.add(...storedValues(record), rowHash?.hi ?? null, rowHash?.lo ?? null, this.importId, record.id);
      this.paymentsChanged = true;
      this.counts.inserted++;
      return;
    }
    if (this.paymentsWereEmpty) {
      this.applyPayment({ record, rowHash }, undefined);
      return;
    }
    this.pendingPayments.push({ record, rowHash });
    if (this.pendingPayments.length === LOOKUP_BATCH) this.flushPayments();
  }

  /**
   * A row the reader recognised as stored as it is. Nothing to write: not even data_bounds, which the import
   * that stored the row raised to its times.
   */
  unchangedPayment(): void {
    this.counts.unchanged++;
  }

  /**
   * The file loads `keys`' tables without their key index (deferred-indexes.ts; only ever empty tables): a row
   * whose id may have come before in the file (id-sightings.ts) is held back until restoreKeys.
   */
  loadWithoutKeys(keys: ReadonlyMap<ImportTable, string>): void {
    for (const [table, keySql] of keys) {
      const rows = new BulkInsert(this.db, table === 'payments' ? INSERT_PAYMENT : INSERT_LEDGER_ENTRY);
      this.keyless.set(table, { keySql, seen: new IdSightings(), rows });
    }
  }

  private heldBack(): void {
    if (this.heldBackPayments.length + this.heldBackLedger.length > HELD_BACK_AT_MOST) this.restoreKeys();
  }

  /**
   * Builds the key indexes of the tables loading without them, then writes the rows held back, in file order,
   * as any import does (a repeated payment compared with the stored one, a repeated ledger entry checked).
   */
  private restoreKeys(): void {
    if (this.keyless.size === 0) return;
    for (const { rows } of this.keyless.values()) rows.flush();
    for (const { keySql } of this.keyless.values()) this.db.exec(keySql);
    this.keyless.clear();
    const payments = this.heldBackPayments;
    const ledger = this.heldBackLedger;
    this.heldBackPayments = [];
    this.heldBackLedger = [];
    for (const { record, rowHash } of payments) this.payment(record, rowHash);
    for (const { record, line } of ledger) this.ledger(record, line);
  }

  /** Applies payments still waiting for their batched lookup or held back; call before reading the tables. */
  flush(): void {
    this.restoreKeys();
    this.flushPayments();
  }

  private flushPayments(): void {
    const batch = this.pendingPayments;
    if (batch.length === 0) return;
    this.pendingPayments = [];
    const ids = batch.map((p) => p.record.id);
    while (ids.length < LOOKUP_BATCH) ids.push(ids[0]);
    const stored = new Map<string, StoredPayment>();
    for (const [id, ...values] of this.storedPayments.all(ids) as [string, ...StoredPayment][]) stored.set(id, values);
    for (const incoming of batch) {
      const id = incoming.record.id;
      const after = this.applyPayment(incoming, stored.get(id));
      if (after) stored.set(id, after); // a later row of the batch with the same id compares against this one
    }
  }

  /** Inserts or replaces one payment; returns its stored values when it wrote them. */
  private applyPayment({ record, rowHash }: IncomingPayment, known: StoredPayment | undefined): StoredPayment | undefined {
    const values = storedValues(record);
    const hash = [rowHash?.hi ?? null, rowHash?.lo ?? null] as const;
    const params = [...values, ...hash, this.importId, record.id];
    let stored = known;
    if (stored === undefined) {
      if (this.insertPayment.run(params).changes === 1) return this.paymentWritten('inserted', record.id, values, hash, { relinked: true, regrouped: true });
      // The id arrived earlier in this same file: compare with what that row stored.
      stored = this.storedPayment.get(record.id) as StoredPayment;
    }
    if (!replacesStored(record, stored)) {
      this.counts.unchanged++;
      // The same values from other text (reformatted, or stored before row hashes): keep this text's hash, so
      // that the next snapshot repeating it is recognised without reading it.
      if (rowHash && (stored[HASH_HI] !== rowHash.hi || stored[HASH_LO] !== rowHash.lo) && sameValues(values, stored)) {
        this.setRowHash.run(rowHash.hi, rowHash.lo, record.id);
        [stored[HASH_HI], stored[HASH_LO]] = hash;
      }
      return undefined;
    }
    const [, accountId, amountCents, currency] = stored;
    if (accountId !== null && (accountId !== record.accountId || currency !== record.currency || amountCents !== record.amountCents)) {
      this.leftGroups.push({ accountId, currency, amountCents });
    }
    // Out of the duplicate candidates, a payment has no purchase gap: cleared in the same write.
    const candidate = isPurchaseCandidate(record.accountId, record.status);
    this.replace(values, stored, [...hash, this.importId, record.id], !candidate);
    return this.paymentWritten('updated', record.id, values, hash, {
      relinked: record.altId !== stored[ALT_ID],
      regrouped:
        record.accountId !== stored[ACCOUNT_ID] ||
        record.currency !== stored[CURRENCY] ||
        record.amountCents !== stored[AMOUNT_CENTS] ||
        record.createdAt !== stored[CREATED_AT] ||
        candidate !== isPurchaseCandidate(stored[ACCOUNT_ID], stored[STATUS]),
    });
  }

  /**
   * Writes the values that differ from the stored ones, and `rest` (row hash, import id, id); `clearGap`: no
   * purchase gap either. SQLite rewrites the entries of every index on a column the UPDATE assigns, changed or
   * not: a snapshot that changed a status would otherwise move the row in all five payments indexes.
   */
  private replace(values: ReturnType<typeof storedValues>, stored: StoredPayment, rest: unknown[], clearGap: boolean): void {
    let columns = clearGap ? 1 << VALUE_COLUMNS.length : 0;
    const params: unknown[] = [];
    values.forEach((value, i) => {
      if (value === stored[i]) return;
      columns |= 1 << i;
      params.push(value);
    });
    let statement = this.replacePayment.get(columns);
    if (!statement) {
      const assignments = VALUE_COLUMNS.filter((_, i) => columns & (1 << i)).map((column) => `${column} = ?, `);
      if (clearGap) assignments.push('purchase_gap_ms = NULL, ');
      statement = this.db.prepare(`UPDATE payments SET ${assignments.join('')}row_hash_hi = ?, row_hash_lo = ?, import_id = ? WHERE id = ?`);
      this.replacePayment.set(columns, statement);
    }
    statement.run(...params, ...rest);
  }

  /** `moved`: what the write can have moved besides the payment's own values (derived-columns.ts WrittenPayments). */
  private paymentWritten(
    outcome: 'inserted' | 'updated',
    id: string,
    values: ReturnType<typeof storedValues>,
    hash: readonly [number | null, number | null],
    moved: { relinked: boolean; regrouped: boolean },
  ): StoredPayment {
    this.paymentsChanged = true;
    this.counts[outcome]++;
    const written = this.written;
    if (written) {
      if (moved.relinked) written.relinked.push(id);
      if (moved.regrouped) written.regrouped.push(id);
      if (Math.max(written.relinked.length, written.regrouped.length) > WRITTEN_IDS_KEPT) this.written = undefined;
    }
    return [...values, ...hash];
  }

  ledger(record: LedgerRecord, line: number): void {
    if (record.createdAt > this.newestLedgerAt) this.newestLedgerAt = record.createdAt;
    const { id, accountId, type, amountCents, currency, createdAt, paymentId } = record;
    const keyless = this.keyless.get('ledger_entries');
    if (keyless) {
      if (!keyless.seen.firstSighting(id)) {
        this.heldBackLedger.push({ record, line });
        this.heldBack();
        return;
      }
      keyless.rows.add(id, accountId, type, amountCents, currency, createdAt, paymentId, this.importId);
    } else if (this.insertLedger.run(id, accountId, type, amountCents, currency, createdAt, paymentId, this.importId).changes === 0) {
      this.ledgerStoredBefore(record, line);
      return;
    }
    this.ledgerInserted = true;
    this.counts.inserted++;
  }

  /**
   * A ledger file staged by another thread into an empty table (ledger-stage.ts): `entries`, the rows whose id
   * the file gave once so far, copied in file order in one statement; `repeats`, the rest, written as any row whose
   * id came before in the file. `newestAt`: the newest entry of either.
   */
  ledgerStaged(entries: string, newestAt: number | null, repeats: Iterable<{ record: LedgerRecord; line: number }>): void {
    if (newestAt !== null && newestAt > this.newestLedgerAt) this.newestLedgerAt = newestAt;
    const keyless = this.keyless.get('ledger_entries');
    keyless?.rows.flush();
    const inserted = this.db
      .prepare(
        `INSERT INTO ledger_entries (id, account_id, type, amount_cents, currency, created_at, payment_id, import_id)
         SELECT id, account_id, type, amount_cents, currency, created_at, payment_id, ? FROM ${entries} ORDER BY rowid`,
      )
      .run(this.importId).changes;
    if (inserted > 0) this.ledgerInserted = true;
    this.counts.inserted += inserted;
    for (const repeat of repeats) {
      // Their ids are in the table but not in this import's sightings: held back for the key, whatever those say.
      if (this.keyless.has('ledger_entries')) {
        this.heldBackLedger.push(repeat);
        this.heldBack();
      } else {
        this.ledger(repeat.record, repeat.line);
      }
    }
  }

  /** An entry whose id is stored already: the same entry again, or a conflict kept for the user to see. */
  private ledgerStoredBefore(record: LedgerRecord, line: number): void {
    const stored = this.storedLedger.get(record.id) as LedgerRecord;
    if (sameLedgerEntry(stored, record)) {
      this.counts.unchanged++;
      return;
    }
    this.insertConflict.run(this.importId, record.id, line, JSON.stringify(stored), JSON.stringify(record));
    this.counts.conflicts++;
  }

  /** Decisions are applied by applyReviews, through the store port, once the file is read. */
  review(record: ReviewRecord): void {
    this.reviews.push(record);
  }

  async applyReviews(store: Store): Promise<void> {
    for (const record of this.reviews) this.counts[await applyReviewDecision(store, record, 'import')]++;
    this.reviews.length = 0;
  }

  rejected(line: number, reason: string, raw: string): void {
    this.insertRejected.run(this.importId, line, reason, raw);
  }

  /** Writes what the file changed in the derived tables and columns; call once, just before commit. */
  finish(): void {
    this.flush();
    refreshDerivedColumns(this.db, {
      importId: this.importId,
      ledgerRowidBefore: this.ledgerRowidBefore,
      paymentsChanged: this.paymentsChanged,
      paymentsWereEmpty: this.paymentsWereEmpty,
      ledgerInserted: this.ledgerInserted,
      leftGroups: this.leftGroups,
      writtenPayments: this.written,
    });
    if (this.ledgerInserted) {
      const { entries, params } = insertedEntries(this.ledgerRowidBefore);
      this.db.prepare(addToAccountTotalsSql(entries)).run(...params);
    }
    if (this.newestPaymentAt > -Infinity) this.raiseBound.run('payments', this.newestPaymentAt);
    if (this.newestLedgerAt > -Infinity) this.raiseBound.run('ledger', this.newestLedgerAt);
  }
}

function sameLedgerEntry(a: LedgerRecord, b: LedgerRecord): boolean {
  return (
    a.accountId === b.accountId &&
    a.type === b.type &&
    a.amountCents === b.amountCents &&
    a.currency === b.currency &&
    a.createdAt === b.createdAt &&
    a.paymentId === b.paymentId
  );
}
