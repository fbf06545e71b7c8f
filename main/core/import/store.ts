// Applies one file's records inside its transaction. Payments: a newer snapshot replaces the stored row
// (formats.md "Re-imports"); ledger entries: inserted once, a changed one is recorded as a conflict.
import type { Db } from '../db/open.js';
import type { LedgerRecord, PaymentRecord, ReviewRecord } from './records.js';
import { applyReviewDecision } from '../reviews.js';

// incomplete < pending < processing < succeeded = failed = canceled < partially_refunded < refunded
const statusRank = (column: string) => `CASE ${column}
  WHEN 'incomplete' THEN 0 WHEN 'pending' THEN 1 WHEN 'processing' THEN 2
  WHEN 'partially_refunded' THEN 4 WHEN 'refunded' THEN 5 ELSE 3 END`;

// Positional parameters throughout: binding named parameters from objects costs more than the insert itself.
const PAYMENT_COLUMNS = `id, alt_id, account_id, amount_cents, currency, status, created_at, updated_at, invoice_id, email,
  description, import_id`;

const PAYMENT_VALUES = `alt_id = n.alt_id, account_id = n.account_id, amount_cents = n.amount_cents, currency = n.currency,
  status = n.status, created_at = n.created_at, updated_at = n.updated_at, invoice_id = n.invoice_id, email = n.email,
  description = n.description, import_id = n.import_id`;

const SAME_PAYMENT_VALUES = `p.alt_id IS n.alt_id AND p.account_id IS n.account_id AND p.amount_cents = n.amount_cents
  AND p.currency = n.currency AND p.status = n.status AND p.created_at = n.created_at AND p.invoice_id IS n.invoice_id
  AND p.email IS n.email AND p.description IS n.description`;

const paymentParams = (p: PaymentRecord, importId: number) =>
  [p.id, p.altId, p.accountId, p.amountCents, p.currency, p.status, p.createdAt, p.updatedAt, p.invoiceId, p.email, p.description, importId] as const;

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
  private readonly totals = new Map<string, Map<string, Totals>>(); // account → currency → totals
  private newestPaymentAt = -Infinity;
  private newestLedgerAt = -Infinity;

  constructor(
    private readonly db: Db,
    private readonly importId: number,
  ) {
    this.insertPayment = db.prepare(`INSERT INTO payments (${PAYMENT_COLUMNS})
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`);
    // The later snapshot wins; on equal updated_at the status further along the lifecycle; on equal rank the
    // later import, which only matters (and only counts as an update) when a value differs.
    this.replacePayment = db.prepare(`UPDATE payments AS p SET ${PAYMENT_VALUES}
      FROM (SELECT ? AS id, ? AS alt_id, ? AS account_id, ? AS amount_cents, ? AS currency, ? AS status, ? AS created_at,
        ? AS updated_at, ? AS invoice_id, ? AS email, ? AS description, ? AS import_id) AS n
      WHERE p.id = n.id AND (n.updated_at > p.updated_at OR (n.updated_at = p.updated_at AND (
        ${statusRank('n.status')} > ${statusRank('p.status')} OR
        (${statusRank('n.status')} = ${statusRank('p.status')} AND NOT (${SAME_PAYMENT_VALUES})))))`);
    this.insertLedger = db.prepare(`INSERT INTO ledger_entries (id, account_id, type, amount_cents, currency,
      created_at, payment_id, import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`);
    this.storedLedger = db.prepare(`SELECT id, account_id AS accountId, type, amount_cents AS amountCents, currency,
      created_at AS createdAt, payment_id AS paymentId FROM ledger_entries WHERE id = ?`);
    this.insertConflict = db.prepare(`INSERT INTO ledger_conflicts (import_id, entry_id, line, stored, incoming)
      VALUES (?, ?, ?, ?, ?)`);
    this.insertRejected = db.prepare(`INSERT INTO rejected_rows (import_id, line, reason, raw) VALUES (?, ?, ?, ?)`);
    this.addTotals = db.prepare(`INSERT INTO account_totals (account_id, currency, balance_cents, free_cents,
      purchased_cents, entries) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (account_id, currency) DO UPDATE SET balance_cents = balance_cents + excluded.balance_cents,
      free_cents = free_cents + excluded.free_cents, purchased_cents = purchased_cents + excluded.purchased_cents,
      entries = entries + excluded.entries`);
    this.raiseBound = db.prepare(`INSERT INTO data_bounds (name, newest_at) VALUES (?, ?)
      ON CONFLICT (name) DO UPDATE SET newest_at = max(newest_at, excluded.newest_at)`);
  }

  payment(record: PaymentRecord): PaymentOutcome {
    const params = paymentParams(record, this.importId);
    if (record.updatedAt > this.newestPaymentAt) this.newestPaymentAt = record.updatedAt;
    if (record.createdAt > this.newestPaymentAt) this.newestPaymentAt = record.createdAt;
    if (this.insertPayment.run(...params).changes === 1) return 'inserted';
    return this.replacePayment.run(...params).changes === 1 ? 'updated' : 'unchanged';
  }

  ledger(record: LedgerRecord, line: number): LedgerOutcome {
    if (record.createdAt > this.newestLedgerAt) this.newestLedgerAt = record.createdAt;
    const { id, accountId, type, amountCents, currency, createdAt, paymentId } = record;
    if (this.insertLedger.run(id, accountId, type, amountCents, currency, createdAt, paymentId, this.importId).changes === 1) {
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
    for (const byCurrency of this.totals.values()) {
      for (const t of byCurrency.values()) this.addTotals.run(t.accountId, t.currency, t.balance, t.free, t.purchased, t.entries);
    }
    if (this.newestPaymentAt > -Infinity) this.raiseBound.run('payments', this.newestPaymentAt);
    if (this.newestLedgerAt > -Infinity) this.raiseBound.run('ledger', this.newestLedgerAt);
  }

  private countTotals(entry: LedgerRecord): void {
    let byCurrency = this.totals.get(entry.accountId);
    if (!byCurrency) this.totals.set(entry.accountId, (byCurrency = new Map()));
    let totals = byCurrency.get(entry.currency);
    if (!totals) {
      totals = { accountId: entry.accountId, currency: entry.currency, balance: 0, free: 0, purchased: 0, entries: 0 };
      byCurrency.set(entry.currency, totals);
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
