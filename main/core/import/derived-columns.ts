// Keeps the payments columns the flag queries read (credited_at, purchase_gap_ms) in step with what a file
// changed, inside the file's transaction. Set-based: the work follows what the file touched.
import type { Db } from '../db/open.js';
import { CANDIDATE_STATUSES_SQL } from '../flags/credit-links.js';

export interface PurchaseGroup {
  accountId: string;
  currency: string;
  amountCents: number;
}

export interface FileChanges {
  importId: number;
  /** Ledger entries with a rowid above this were inserted by the file. */
  ledgerRowidBefore: number;
  paymentsChanged: boolean;
  /** The payments table was empty before the file: every group is new, so compute them all in one pass. */
  paymentsWereEmpty: boolean;
  ledgerInserted: boolean;
  /** Groups that payments updated by the file moved out of (account, currency or amount changed). */
  leftGroups: readonly PurchaseGroup[];
  /**
   * The ids of the payments the file inserted or replaced, when there were few enough to keep; otherwise they
   * are found by their import_id (a scan of the whole table).
   */
  writtenPaymentIds?: readonly string[];
}

/** The payments the file inserted or replaced, listed in a temporary table: a snapshot changes few of many. */
const FILE_PAYMENTS = 'id IN (SELECT id FROM temp.file_payments)';

export function refreshDerivedColumns(db: Db, changes: FileChanges): void {
  if (changes.ledgerInserted) creditPaymentsFromNewEntries(db, changes.ledgerRowidBefore);
  if (!changes.paymentsChanged) return;
  if (changes.paymentsWereEmpty) {
    creditPayments(db, 'import_id = ?', changes.importId);
    computeAllPurchaseGaps(db);
    return;
  }
  db.exec('CREATE TEMP TABLE file_payments (id TEXT PRIMARY KEY) WITHOUT ROWID');
  try {
    if (changes.writtenPaymentIds) {
      const add = db.prepare('INSERT OR IGNORE INTO temp.file_payments VALUES (?)');
      for (const id of changes.writtenPaymentIds) add.run(id);
    } else {
      db.prepare('INSERT INTO temp.file_payments SELECT id FROM payments WHERE import_id = ?').run(changes.importId);
    }
    creditPayments(db, FILE_PAYMENTS);
    refreshPurchaseGaps(db, changes.leftGroups);
  } finally {
    db.exec('DROP TABLE temp.file_payments');
  }
}

function creditPaymentsFromNewEntries(db: Db, rowidBefore: number): void {
  for (const column of ['id', 'alt_id']) {
    db.prepare(
      `UPDATE payments SET credited_at = c.at
       FROM (SELECT payment_id, min(created_at) AS at FROM ledger_entries
             WHERE rowid > ? AND type = 'credit_purchased' GROUP BY payment_id) AS c
       WHERE payments.${column} = c.payment_id AND (payments.credited_at IS NULL OR payments.credited_at > c.at)`,
    ).run(rowidBefore);
  }
}

/** Payments the file inserted or replaced (those `where` selects) may already have credits in the ledger (their id or alt id). */
function creditPayments(db: Db, where: string, ...params: number[]): void {
  const anyCredit = db.prepare(`SELECT 1 FROM ledger_entries WHERE type = 'credit_purchased' LIMIT 1`).get();
  if (!anyCredit) return;
  const firstCredit = `(SELECT min(l.created_at) FROM ledger_entries l
    WHERE l.payment_id IN (payments.id, payments.alt_id) AND l.type = 'credit_purchased')`;
  // Only where it changes: rewriting a row with the same value still dirties its page for the WAL.
  db.prepare(`UPDATE payments SET credited_at = ${firstCredit} WHERE ${where} AND credited_at IS NOT ${firstCredit}`).run(...params);
}

/** One ordered pass over the purchase index; only repeat purchases (a minority) get a value written. */
function computeAllPurchaseGaps(db: Db): void {
  db.exec(`WITH gaps AS (
      SELECT id, created_at - lag(created_at) OVER (
        PARTITION BY account_id, currency, amount_cents ORDER BY created_at, id) AS gap
      FROM payments WHERE account_id IS NOT NULL AND status IN ${CANDIDATE_STATUSES_SQL}
    )
    UPDATE payments SET purchase_gap_ms = gaps.gap FROM gaps WHERE payments.id = gaps.id AND gaps.gap IS NOT NULL`);
}

/**
 * Recomputes the time since the previous candidate of the same purchase group, for every group the file touched
 * (the payments in temp.file_payments).
 */
function refreshPurchaseGaps(db: Db, leftGroups: readonly PurchaseGroup[]): void {
  db.exec(`CREATE TEMP TABLE touched_groups (account_id TEXT, currency TEXT, amount_cents INTEGER,
    PRIMARY KEY (account_id, currency, amount_cents)) WITHOUT ROWID`);
  try {
    db.exec(
      `INSERT OR IGNORE INTO touched_groups SELECT account_id, currency, amount_cents FROM payments
       WHERE ${FILE_PAYMENTS} AND account_id IS NOT NULL`,
    );
    const addGroup = db.prepare('INSERT OR IGNORE INTO touched_groups VALUES (?, ?, ?)');
    for (const group of leftGroups) addGroup.run(group.accountId, group.currency, group.amountCents);
    // A payment that stopped being a candidate (failed, refunded, no account) has no gap.
    db.exec(
      `UPDATE payments SET purchase_gap_ms = NULL WHERE ${FILE_PAYMENTS} AND purchase_gap_ms IS NOT NULL
       AND NOT (account_id IS NOT NULL AND status IN ${CANDIDATE_STATUSES_SQL})`,
    );
    // CROSS JOIN keeps the touched groups outside: the planner, knowing nothing of a temp table, would otherwise
    // walk the whole purchase index and look each payment's group up in it.
    db.exec(`WITH gaps AS (
        SELECT p.id, p.created_at - lag(p.created_at) OVER (
          PARTITION BY p.account_id, p.currency, p.amount_cents ORDER BY p.created_at, p.id) AS gap
        FROM touched_groups t CROSS JOIN payments p
          ON p.account_id = t.account_id AND p.currency = t.currency AND p.amount_cents = t.amount_cents
        WHERE p.status IN ${CANDIDATE_STATUSES_SQL}
      )
      UPDATE payments SET purchase_gap_ms = gaps.gap FROM gaps
      WHERE payments.id = gaps.id AND payments.purchase_gap_ms IS NOT gaps.gap`);
  } finally {
    db.exec('DROP TABLE temp.touched_groups');
  }
}
