// The derived columns and tables after a file, on PostgreSQL: what import/derived-columns.ts does on SQLite
// (credited_at, the sums of the linked entries, unlinked_credits, purchase_gap_ms), from the temp tables the
// apply left (postgres-apply.ts): file_payments, touched_groups, and the new entries (applied.newEntries).
import { CANDIDATE_STATUSES_SQL } from '../flags/credit-links.js';
import type { AppliedRows } from './postgres-apply.js';
import type { Store } from './store.js';

/** Which payments the file inserted or replaced, as a condition on payments alias `p`. */
type FilePayments = (p: string) => string;
const FILE_PAYMENTS: FilePayments = (p) => `${p}.id IN (SELECT id FROM file_payments)`;
const ALL_PAYMENTS: FilePayments = () => 'TRUE';
const LINKED_TYPES = `('credit_purchased', 'refund')`;

/** What the linked credit_purchased and refund entries add up to, per payment (`l` is the entries). */
const ENTRY_SUMS = `min(l.created_at) FILTER (WHERE l.type = 'credit_purchased') AS at,
  count(*) FILTER (WHERE l.type = 'credit_purchased') AS n,
  coalesce(sum(l.amount_cents) FILTER (WHERE l.type = 'credit_purchased'), 0)::bigint AS credited,
  min(l.currency) FILTER (WHERE l.type = 'credit_purchased') AS currency,
  (-coalesce(sum(l.amount_cents) FILTER (WHERE l.type = 'refund'), 0))::bigint AS reversed`;

/** The payments' columns that the sums of their linked entries write. */
export const CREDIT_SUM_COLUMNS = ['credited_at', 'credit_count', 'credited_cents', 'credited_currency', 'reversed_cents'] as const;

export interface DerivedOptions {
  /** Called before the new entries' sums are added to the payments they link to (CREDIT_SUM_COLUMNS), with how many payments that is at most. */
  beforeLinking?: (payments: number) => Promise<void>;
  /** Called before the purchase gaps of a table that was empty are computed from every payment (computeAllPurchaseGaps). */
  beforeAllPurchaseGaps?: () => Promise<void>;
}

export async function refreshDerivedColumnsPostgres(store: Store, applied: AppliedRows, options: DerivedOptions = {}): Promise<void> {
  if (applied.ledgerInserted) await linkNewEntries(store, applied.newEntries, options);
  if (!applied.paymentsChanged) return;
  // Into an empty table, every payment is one the file brought.
  const filePayments = applied.paymentsWereEmpty ? ALL_PAYMENTS : FILE_PAYMENTS;
  await creditPayments(store, filePayments);
  await linkCredits(store, filePayments);
  if (applied.purchaseGapsWritten) return;
  if (!applied.paymentsWereEmpty) return refreshPurchaseGaps(store);
  await options.beforeAllPurchaseGaps?.();
  await computeAllPurchaseGaps(store);
}

/**
 * Adds the file's new entries to the payments they link to, by id and by alt id (entries are only ever inserted),
 * and records the new credits that link to none.
 */
async function linkNewEntries(store: Store, newEntries: string, options: DerivedOptions): Promise<void> {
  // No key on new_links: GROUP BY leaves one row per payment_id, and no plan below reads one (the bench's first
  // ledger: building it took 0.5-0.9 s, and each statement hashed the table whole).
  const { changes: links } = await store.run(`CREATE TEMP TABLE new_links ON COMMIT DROP AS
      SELECT l.payment_id, ${ENTRY_SUMS} FROM ${newEntries} l
      WHERE l.type IN ${LINKED_TYPES} AND l.payment_id IS NOT NULL GROUP BY l.payment_id`);
  await store.exec('ANALYZE new_links');
  const linksById = (await store.value<number>(`SELECT count(*) FROM new_links c WHERE EXISTS (SELECT 1 FROM payments p WHERE p.id = c.payment_id)`))!;
  if (linksById < links) await recordUnknownCredits(store, newEntries, linksById === 0 ? 'new_links' : await linksNotById(store));
  if (options.beforeLinking) await options.beforeLinking(links);
  for (const column of ['id', 'alt_id']) {
    // A ledger that names its payments by alt id (Stripe's pi_ ids beside ch_ payments) links none by id, and
    // the join over every payment finds nothing (1.0-1.5 s at 883,102 links).
    if (column === 'id' && linksById === 0) continue;
    await store.run(`UPDATE payments SET
        credited_at = CASE WHEN c.at IS NOT NULL AND (payments.credited_at IS NULL OR payments.credited_at > c.at) THEN c.at ELSE payments.credited_at END,
        credit_count = payments.credit_count + c.n,
        credited_cents = payments.credited_cents + c.credited,
        credited_currency = CASE WHEN c.currency IS NOT NULL AND (payments.credited_currency IS NULL OR payments.credited_currency > c.currency)
          THEN c.currency ELSE payments.credited_currency END,
        reversed_cents = payments.reversed_cents + c.reversed
      FROM new_links AS c
      WHERE payments.${column} = c.payment_id${column === 'alt_id' ? ' AND payments.alt_id <> payments.id' : ''}`);
  }
}

/** The new links that name no payment by id, in a table of their own (ANALYZEd: see recordUnknownCredits). */
async function linksNotById(store: Store): Promise<string> {
  await store.exec(`CREATE TEMP TABLE not_by_id ON COMMIT DROP AS
      SELECT c.payment_id, c.n FROM new_links c WHERE NOT EXISTS (SELECT 1 FROM payments p WHERE p.id = c.payment_id);
    ANALYZE not_by_id;`);
  return 'not_by_id';
}

/**
 * rules.md §4 unknown_payment: the new credits whose payment_id names no imported payment, from `notById` (new
 * links that no payment id matches). Before the sums are added (they change no id): after them, each check hashes
 * a table that the sums' UPDATE has just doubled (883,306 ids, 204 of them unknown, in one hour's runs: 3.4-4.2 s
 * after it, 2.5-4.1 s before). One anti-join per statement: where one statement held two, the planner estimated
 * one row after the first and compared each id left with a scan of the payments (when their indexes had been
 * dropped with the file's own payments). So where some links match by id, those that do not are written out
 * first; where none does (a ledger naming its payments by alt id, as Stripe's pi_ ids do), the links are read as
 * they are (1.1 s against 1.9 s for writing out all 883,306 of them); where all do, there is nothing to find.
 */
async function recordUnknownCredits(store: Store, newEntries: string, notById: string): Promise<void> {
  await store.run(`INSERT INTO unlinked_credits (entry_id, payment_id, created_at)
    SELECT l.id, l.payment_id, l.created_at
    FROM ${notById} c JOIN ${newEntries} l ON l.payment_id = c.payment_id AND l.type = 'credit_purchased'
    WHERE c.n > 0 AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.alt_id = c.payment_id)
    ON CONFLICT (entry_id) DO NOTHING`);
}

/** Credits waiting for a payment that the file brought (by id or alt id) are linked now. */
async function linkCredits(store: Store, filePayments: FilePayments): Promise<void> {
  if ((await store.value('SELECT 1 FROM unlinked_credits LIMIT 1')) === undefined) return;
  await store.run(`DELETE FROM unlinked_credits WHERE payment_id IN (
    SELECT p.id FROM payments p WHERE ${filePayments('p')} UNION ALL SELECT p.alt_id FROM payments p WHERE ${filePayments('p')} AND p.alt_id IS NOT NULL)`);
}

/**
 * Recomputes, from every linked entry, the sums of the payments the file inserted or replaced: they may already
 * have entries in the ledger, under their id or alt id.
 */
async function creditPayments(store: Store, filePayments: FilePayments): Promise<void> {
  if ((await store.value(`SELECT 1 FROM ledger_entries WHERE type IN ${LINKED_TYPES} LIMIT 1`)) === undefined) return;
  await store.run(`UPDATE payments SET credited_at = NULL, credit_count = 0, credited_cents = 0, credited_currency = NULL, reversed_cents = 0
    WHERE ${filePayments('payments')} AND (credited_at IS NOT NULL OR credit_count <> 0 OR reversed_cents <> 0)`);
  // Two joins, not one on `id OR alt_id`: each then walks an index. No entry matches both (that needs alt_id = id).
  await store.run(`UPDATE payments SET credited_at = s.at, credit_count = s.n, credited_cents = s.credited, credited_currency = s.currency,
      reversed_cents = s.reversed
    FROM (SELECT l.payment_key AS id, ${ENTRY_SUMS} FROM (
        SELECT p.id AS payment_key, e.type, e.created_at, e.amount_cents, e.currency
        FROM payments p JOIN ledger_entries e ON e.payment_id = p.id
        WHERE ${filePayments('p')} AND e.type IN ${LINKED_TYPES}
        UNION ALL
        SELECT p.id, e.type, e.created_at, e.amount_cents, e.currency
        FROM payments p JOIN ledger_entries e ON e.payment_id = p.alt_id AND p.alt_id <> p.id
        WHERE ${filePayments('p')} AND e.type IN ${LINKED_TYPES}
      ) AS l GROUP BY l.payment_key) AS s
    WHERE payments.id = s.id`);
}

/**
 * The payments table was empty before the file: one ordered pass; only repeat purchases get a value written. The
 * gaps are kept and counted first: the UPDATE then hashes them, not the payments, and writes in the table's order
 * (the bench's 282,259 gaps over 993,179 payments: 3.3 + 2.4 s, against 9.7 s in one statement that wrote them
 * in the order of their groups).
 */
async function computeAllPurchaseGaps(store: Store): Promise<void> {
  await store.exec(`CREATE TEMP TABLE all_gaps ON COMMIT DROP AS
      SELECT id, gap FROM (
        SELECT id, created_at - lag(created_at) OVER (PARTITION BY account_id, currency, amount_cents ORDER BY created_at, id) AS gap
        FROM payments WHERE account_id IS NOT NULL AND status IN ${CANDIDATE_STATUSES_SQL}) AS per_payment
      WHERE gap IS NOT NULL;
    ANALYZE all_gaps;`);
  await store.run(`UPDATE payments SET purchase_gap_ms = g.gap FROM all_gaps g WHERE payments.id = g.id`);
}

/**
 * Recomputes the time since the previous candidate of the same purchase group, for every group the file touched:
 * the groups of the payments it wrote, and those replaced payments left (already in touched_groups).
 */
async function refreshPurchaseGaps(store: Store): Promise<void> {
  await store.run(`INSERT INTO touched_groups SELECT DISTINCT account_id, currency, amount_cents FROM payments
    WHERE ${FILE_PAYMENTS('payments')} AND account_id IS NOT NULL ON CONFLICT DO NOTHING`);
  await store.exec('ANALYZE touched_groups');
  // A payment that stopped being a candidate (failed, refunded, no account) has no gap.
  await store.run(`UPDATE payments SET purchase_gap_ms = NULL WHERE ${FILE_PAYMENTS('payments')} AND purchase_gap_ms IS NOT NULL
    AND NOT (account_id IS NOT NULL AND status IN ${CANDIDATE_STATUSES_SQL})`);
  await store.run(`WITH gaps AS (
      SELECT p.id, p.created_at - lag(p.created_at) OVER (
        PARTITION BY p.account_id, p.currency, p.amount_cents ORDER BY p.created_at, p.id) AS gap
      FROM touched_groups t JOIN payments p
        ON p.account_id = t.account_id AND p.currency = t.currency AND p.amount_cents = t.amount_cents
      WHERE p.status IN ${CANDIDATE_STATUSES_SQL}
    )
    UPDATE payments SET purchase_gap_ms = gaps.gap FROM gaps
    WHERE payments.id = gaps.id AND payments.purchase_gap_ms IS DISTINCT FROM gaps.gap`);
}
