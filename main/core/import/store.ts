// Applies one file's records inside its transaction. Payments: a newer snapshot replaces the stored row
// (formats.md "Re-imports"); ledger entries: inserted once, a changed one is recorded as a conflict.
import type { Db } from '../db/open.js';
import type { LedgerRecord, PaymentRecord, ReviewRecord } from './records.js';
import { applyReviewDecision } from '../reviews.js';

// incomplete < pending < processing < succeeded = failed = canceled < partially_refunded < refunded
const statusRank = (column: string) => `CASE ${column}
  WHEN 'incomplete' THEN 0 WHEN 'pending' THEN 1 WHEN 'processing' THEN 2
  WHEN 'partially_refunded' THEN 4 WHEN 'refunded' THEN 5 ELSE 3 END`;

const PAYMENT_VALUES = `alt_id = @altId, account_id = @accountId, amount_cents = @amountCents, currency = @currency,
  status = @status, created_at = @createdAt, updated_at = @updatedAt, invoice_id = @invoiceId, email = @email,
  description = @description, import_id = @importId`;

const SAME_PAYMENT_VALUES = `alt_id IS @altId AND account_id IS @accountId AND amount_cents = @amountCents
  AND currency = @currency AND status = @status AND created_at = @createdAt AND invoice_id IS @invoiceId
  AND email IS @email AND description IS @description`;

export type PaymentOutcome = 'inserted' | 'updated' | 'unchanged';
export type LedgerOutcome = 'inserted' | 'unchanged' | 'conflict';

interface Totals {
  accountId: string;
  currency: string;
  balance: number;
  free: number;
  purchased: number;
  entries: number;
}

export class ImportStore {
  private readonly insertPayment;
  private readonly replacePayment;
  private readonly insertLedger;
  private readonly storedLedger;
  private readonly insertConflict;
  private readonly insertRejected;
  private readonly addTotals;
  private readonly raiseBound;
  private readonly totals = new Map<string, Totals>();
  private newestPaymentAt = -Infinity;
  private newestLedgerAt = -Infinity;

  constructor(
    private readonly db: Db,
    private readonly importId: number,
  ) {
    this.insertPayment = db.prepare(`INSERT INTO payments (id, alt_id, account_id, amount_cents, currency, status,
      created_at, updated_at, invoice_id, email, description, import_id)
      VALUES (@id, @altId, @accountId, @amountCents, @currency, @status, @createdAt, @updatedAt, @invoiceId, @email,
      @description, @importId) ON CONFLICT (id) DO NOTHING`);
    // The later snapshot wins; on equal updated_at the status further along the lifecycle; on equal rank the
    // later import, which only matters (and only counts as an update) when a value differs.
    this.replacePayment = db.prepare(`UPDATE payments SET ${PAYMENT_VALUES} WHERE id = @id AND (
      @updatedAt > updated_at OR (@updatedAt = updated_at AND (
        ${statusRank('@status')} > ${statusRank('status')} OR
        (${statusRank('@status')} = ${statusRank('status')} AND NOT (${SAME_PAYMENT_VALUES})))))`);
    this.insertLedger = db.prepare(`INSERT INTO ledger_entries (id, account_id, type, amount_cents, currency,
      created_at, payment_id, import_id) VALUES (@id, @accountId, @type, @amountCents, @currency, @createdAt,
      @paymentId, @importId) ON CONFLICT (id) DO NOTHING`);
    this.storedLedger = db.prepare(`SELECT id, account_id AS accountId, type, amount_cents AS amountCents, currency,
      created_at AS createdAt, payment_id AS paymentId FROM ledger_entries WHERE id = ?`);
    this.insertConflict = db.prepare(`INSERT INTO ledger_conflicts (import_id, entry_id, line, stored, incoming)
      VALUES (?, ?, ?, ?, ?)`);
    this.insertRejected = db.prepare(`INSERT INTO rejected_rows (import_id, line, reason, raw) VALUES (?, ?, ?, ?)`);
    this.addTotals = db.prepare(`INSERT INTO account_totals (account_id, currency, balance_cents, free_cents,
      purchased_cents, entries) VALUES (@accountId, @currency, @balance, @free, @purchased, @entries)
      ON CONFLICT (account_id, currency) DO UPDATE SET balance_cents = balance_cents + excluded.balance_cents,
      free_cents = free_cents + excluded.free_cents, purchased_cents = purchased_cents + excluded.purchased_cents,
      entries = entries + excluded.entries`);
    this.raiseBound = db.prepare(`INSERT INTO data_bounds (name, newest_at) VALUES (?, ?)
      ON CONFLICT (name) DO UPDATE SET newest_at = max(newest_at, excluded.newest_at)`);
  }

  payment(record: PaymentRecord): PaymentOutcome {
    const params = { ...record, importId: this.importId };
    this.newestPaymentAt = Math.max(this.newestPaymentAt, record.createdAt, record.updatedAt);
    if (this.insertPayment.run(params).changes === 1) return 'inserted';
    return this.replacePayment.run(params).changes === 1 ? 'updated' : 'unchanged';
  }

  ledger(record: LedgerRecord, line: number): LedgerOutcome {
    this.newestLedgerAt = Math.max(this.newestLedgerAt, record.createdAt);
    if (this.insertLedger.run({ ...record, importId: this.importId }).changes === 1) {
      this.countTotals(record);
      return 'inserted';
    }
    const stored = this.storedLedger.get(record.id) as LedgerRecord;
    if (sameLedgerEntry(stored, record)) return 'unchanged';
    this.insertConflict.run(this.importId, record.id, line, JSON.stringify(stored), JSON.stringify(record));
    return 'conflict';
  }

  review(record: ReviewRecord): 'inserted' | 'updated' | 'unchanged' {
    return applyReviewDecision(this.db, record, 'import');
  }

  rejected(line: number, reason: string, raw: string): void {
    this.insertRejected.run(this.importId, line, reason, raw);
  }

  /** Writes what the file changed in the derived tables; call once, just before commit. */
  finish(): void {
    for (const totals of this.totals.values()) this.addTotals.run(totals);
    if (this.newestPaymentAt > -Infinity) this.raiseBound.run('payments', this.newestPaymentAt);
    if (this.newestLedgerAt > -Infinity) this.raiseBound.run('ledger', this.newestLedgerAt);
  }

  private countTotals(entry: LedgerRecord): void {
    const key = `${entry.accountId}\u0000${entry.currency}`;
    let totals = this.totals.get(key);
    if (!totals) {
      totals = { accountId: entry.accountId, currency: entry.currency, balance: 0, free: 0, purchased: 0, entries: 0 };
      this.totals.set(key, totals);
    }
    totals.balance += entry.amountCents;
    totals.entries += 1;
    if (entry.type === 'credit_free') totals.free += entry.amountCents;
    if (entry.type === 'credit_purchased' || entry.type === 'refund') totals.purchased += entry.amountCents;
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
