// Keeps the payments columns the flag queries read (credited_at, purchase_gap_ms, and the sums of the linked
// ledger entries: credit_count, credited_cents, credited_currency, reversed_cents) and the table of credits that
// name no payment (unlinked_credits) in step with what a file changed, inside the file's transaction.
// Set-based: the work follows what the file touched.
import type { Db } from '../db/open.js';
import { tableIndexes } from '../db/table-indexes.js';
import { CANDIDATE_STATUSES_SQL } from '../flags/credit-links.js';

/** The payments columns summing the linked ledger entries: all a ledger file changes in payments. */
export const CREDIT_SUM_COLUMNS = ['credited_at', 'credit_count', 'credited_cents', 'credited_currency', 'reversed_cents'] as const;

/** The payments columns this module keeps. */
export const DERIVED_COLUMNS = [...CREDIT_SUM_COLUMNS, 'purchase_gap_ms'] as const;

export interface PurchaseGroup {
  accountId: string;
  currency: string;
  amountCents: number;
}

/**
 * The ids of the payments a file inserted or replaced, by what their change can move besides their own values.
 * `relinked`: which ledger entries link to them (a new payment, or another alt id). `regrouped`: their place
 * among their purchase group's candidates (a new payment, or another account, currency, amount, creation time,
 * or a status that enters or leaves the candidates). A status moving on within the candidates, or a refund
 * recorded, moves neither: that is most of what a newer snapshot changes.
 */
export interface WrittenPayments {
  relinked: readonly string[];
  regrouped: readonly string[];
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
   * The payments the file wrote, when there were few enough to keep; otherwise every payment it wrote is taken
   * as both relinked and regrouped, found by its import_id (a scan of the whole table).
   */
  writtenPayments?: WrittenPayments;
}

/**
 * The statements below rewrite many payments in one go. For a statement that may fail halfway on a constraint
 * (assigning a NOT NULL column is enough), SQLite copies every page it changes into a statement journal, to undo
 * that statement alone; a file's transaction is rolled back whole on any error, so that copy is never used. OR
 * FAIL keeps none: about 3 s of a first ledger's sums over 883,102 payments. While payments_reconcile exists the
 * journal is kept regardless; a ledger that large drops that index first (deferred-indexes.ts).
 */
const UPDATE_PAYMENTS = 'UPDATE OR FAIL payments';

/** Temporary lists of payment ids, for the statements below to join. */
const RELINKED = 'temp.relinked_payments';
const REGROUPED = 'temp.regrouped_payments';

export function refreshDerivedColumns(db: Db, changes: FileChanges): void {
  // Into an empty payments table every payment is the file's: its sums are those of all its entries, new or not.
  const creditEveryPayment = changes.paymentsChanged && changes.paymentsWereEmpty;
  if (changes.ledgerInserted) linkNewEntries(db, changes.ledgerRowidBefore, !creditEveryPayment);
  if (!changes.paymentsChanged) return;
  if (creditEveryPayment) {
    withEntrySums(db, 0, (links) => addLinkedSums(db, links));
    linkCreditsToAnyPayment(db);
    computeAllPurchaseGaps(db);
    return;
  }
  for (const list of [RELINKED, REGROUPED]) db.exec(`CREATE TABLE ${list} (id TEXT PRIMARY KEY) WITHOUT ROWID`);
  try {
    const { writtenPayments } = changes;
    if (writtenPayments) {
      for (const [list, ids] of [[RELINKED, writtenPayments.relinked], [REGROUPED, writtenPayments.regrouped]] as const) {
        const add = db.prepare(`INSERT OR IGNORE INTO ${list} VALUES (?)`);
        for (const id of ids) add.run(id);
      }
    } else {
      db.prepare(`INSERT INTO ${RELINKED} SELECT id FROM payments WHERE import_id = ?`).run(changes.importId);
      db.exec(`INSERT INTO ${REGROUPED} SELECT id FROM ${RELINKED}`);
    }
    if (!writtenPayments || writtenPayments.relinked.length > 0) {
      const relinked = `id IN (SELECT id FROM ${RELINKED})`;
      creditPayments(db, `p.${relinked}`);
      linkCredits(db, `SELECT id FROM ${RELINKED} UNION ALL SELECT p.alt_id FROM payments p WHERE p.${relinked} AND p.alt_id IS NOT NULL`);
    }
    if (!writtenPayments || writtenPayments.regrouped.length > 0 || changes.leftGroups.length > 0) refreshPurchaseGaps(db, changes.leftGroups);
  } finally {
    for (const list of [RELINKED, REGROUPED]) db.exec(`DROP TABLE ${list}`);
  }
}

/** What the linked credit_purchased and refund entries add up to, per payment_id (`l` is ledger_entries). */
const ENTRY_SUMS = `min(l.created_at) FILTER (WHERE l.type = 'credit_purchased') AS at,
  count(*) FILTER (WHERE l.type = 'credit_purchased') AS n,
  coalesce(sum(l.amount_cents) FILTER (WHERE l.type = 'credit_purchased'), 0) AS credited,
  min(l.currency) FILTER (WHERE l.type = 'credit_purchased') AS currency,
  -coalesce(sum(l.amount_cents) FILTER (WHERE l.type = 'refund'), 0) AS reversed`;

/**
 * The ledger entries a file inserted, as a relation with ledger_entries' columns, and the values it binds. Into an
 * empty table, every entry, read through whichever index serves the statement: the payment_id and account indexes
 * hold what the sums read, in their GROUP BY order (migration 0010), so nothing is sorted. Otherwise the entries
 * above the rowid the table ended at before the file, read from the table: an index would visit every entry ever
 * imported.
 */
export function insertedEntries(rowidBefore: number): { entries: string; params: number[] } {
  return rowidBefore === 0
    ? { entries: 'ledger_entries', params: [] }
    : { entries: '(SELECT * FROM ledger_entries NOT INDEXED WHERE rowid > ?)', params: [rowidBefore] };
}

/** The sums per payment_id of `entries` (a relation with ledger_entries' columns). */
export const entrySumsSql = (entries: string) => `SELECT l.payment_id, ${ENTRY_SUMS}
  FROM ${entries} l WHERE l.type IN ('credit_purchased', 'refund') AND l.payment_id IS NOT NULL GROUP BY l.payment_id`;

/** Sums the entries above `rowidBefore` per payment_id into temp.new_links, for `work`, which gets how many there are. */
function withEntrySums(db: Db, rowidBefore: number, work: (links: number) => void): void {
  db.exec(`CREATE TEMP TABLE new_links (payment_id TEXT PRIMARY KEY, at INTEGER, n INTEGER, credited INTEGER, currency TEXT,
    reversed INTEGER) WITHOUT ROWID`);
  try {
    const { entries, params } = insertedEntries(rowidBefore);
    const links = db.prepare(`INSERT INTO temp.new_links ${entrySumsSql(entries)}`).run(...params).changes;
    work(links);
  } finally {
    db.exec('DROP TABLE temp.new_links');
  }
}

/**
 * Adds the file's new entries to the payments they link to, by id and by alt id (entries are only ever inserted;
 * `addSums` false when every payment's sums are computed afresh anyway), and records the new credits that link to
 * none.
 */
function linkNewEntries(db: Db, rowidBefore: number, addSums: boolean): void {
  withEntrySums(db, rowidBefore, (links) => {
    if (addSums) addLinkedSums(db, links);
    // rules.md §4 unknown_payment: the new credits whose payment_id names no imported payment. Into an empty table
    // (a first sync with the ledger before the payments), in key order and without its indexes, built after.
    const unknownCredits = `INSERT OR IGNORE INTO unlinked_credits (entry_id, payment_id, created_at)
       SELECT l.id, l.payment_id, l.created_at
       FROM temp.new_links c CROSS JOIN ledger_entries l ON l.payment_id = c.payment_id AND l.type = 'credit_purchased' AND l.rowid > ?
       WHERE c.n > 0 AND ${namesNoPayment(db, 'c.payment_id', 'temp.new_links WHERE n > 0')}`;
    if (links < BULK_ROWS || db.prepare('SELECT 1 FROM unlinked_credits LIMIT 1').get()) db.prepare(unknownCredits).run(rowidBefore);
    else withoutIndexes(db, 'unlinked_credits', () => db.prepare(`${unknownCredits} ORDER BY l.id`).run(rowidBefore));
  });
}

/** Links sampled to tell whether a file's ledger names payments by id or by alt id. */
const LINKS_SAMPLED = 64;

/**
 * SQL true when `link` (a payment_id) names no payment, by id or by alt id. SQLite tries the two lookups in the
 * order written, and the one that finds the payment spares the other: the one that finds more of a sample of the
 * links (the payment_ids in `links`, a table and its condition) goes first. A Stripe ledger names PaymentIntents,
 * payments' alt ids; a canonical one names payments by id. Either order gives the same rows.
 */
export function namesNoPayment(db: Db, link: string, links: string): string {
  const found = (column: string) => `count(*) FILTER (WHERE EXISTS (SELECT 1 FROM payments p WHERE p.${column} = s.payment_id))`;
  const sample = db
    .prepare(`SELECT ${found('id')} AS byId, ${found('alt_id')} AS byAltId FROM (SELECT payment_id FROM ${links} LIMIT ${LINKS_SAMPLED}) s`)
    .get() as { byId: number; byAltId: number };
  const [first, second] = sample.byAltId > sample.byId ? ['alt_id', 'id'] : ['id', 'alt_id'];
  return `NOT EXISTS (SELECT 1 FROM payments p WHERE p.${first} = ${link})
    AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.${second} = ${link})`;
}

/** From this many rows, writing them into an empty table and building its indexes after pays. */
const BULK_ROWS = 10_000;

/** Runs `work` with `table`'s secondary indexes dropped, and builds them once after it (sorted, not row by row). */
function withoutIndexes(db: Db, table: string, work: () => void): void {
  const indexes = tableIndexes(db, table);
  for (const index of indexes) db.exec(`DROP INDEX ${index.name}`);
  work();
  for (const index of indexes) db.exec(index.sql);
}

/**
 * Credits waiting for a payment, now that the file filled an empty payments table: those it brought are linked.
 * Most are, in a first sync with the ledger before the payments, so the table is rebuilt from the few that stay.
 */
function linkCreditsToAnyPayment(db: Db): void {
  if (!db.prepare('SELECT 1 FROM unlinked_credits LIMIT 1').get()) return;
  db.exec(`CREATE TEMP TABLE still_unlinked AS SELECT * FROM unlinked_credits u
    WHERE ${namesNoPayment(db, 'u.payment_id', 'unlinked_credits')}`);
  try {
    db.exec('DELETE FROM unlinked_credits');
    withoutIndexes(db, 'unlinked_credits', () => db.exec('INSERT INTO unlinked_credits SELECT * FROM temp.still_unlinked ORDER BY entry_id'));
  } finally {
    db.exec('DROP TABLE temp.still_unlinked');
  }
}

/**
 * Adds temp.new_links to the payments they name by id or alt id: first the sums per payment, in table order, then
 * one pass of updates in that order (in payment_id order they would rewrite rows all over the table). The links
 * are met in key order in the id and alt id indexes, which hold the rowid: no payment row is read to find them.
 * CROSS JOIN keeps temp.new_links outside (the planner knows nothing of a temp table); an entry naming a payment
 * whose id and alt id are the same counts once, through the id.
 */
function addLinkedSums(db: Db, links: number): void {
  if (links === 0) return;
  const linkedBy = (column: 'id' | 'alt_id') => `SELECT p.rowid AS r, l.at, l.n, l.credited, l.currency, l.reversed
    FROM temp.new_links l CROSS JOIN payments p ON p.${column} = l.payment_id`;
  // A Stripe ledger names PaymentIntents only. When no link names a payment by id, looking each link up by id,
  // twice (for the by-id half and for not counting an entry twice), finds nothing: a third of reading the sums.
  const anyById = db
    .prepare('SELECT EXISTS (SELECT 1 FROM temp.new_links l WHERE EXISTS (SELECT 1 FROM payments p WHERE p.id = l.payment_id))')
    .pluck()
    .get();
  const linked = anyById
    ? `${linkedBy('id')} UNION ALL
       ${linkedBy('alt_id')} WHERE p.rowid IS NOT (SELECT q.rowid FROM payments q WHERE q.id = l.payment_id)`
    : linkedBy('alt_id');
  db.exec(`WITH c AS MATERIALIZED (
      SELECT r, min(at) AS at, sum(n) AS n, sum(credited) AS credited, min(currency) AS currency, sum(reversed) AS reversed
      FROM (${linked})
      GROUP BY r)
    ${UPDATE_PAYMENTS} SET
      credited_at = CASE WHEN c.at IS NOT NULL AND (credited_at IS NULL OR credited_at > c.at) THEN c.at ELSE credited_at END,
      credit_count = credit_count + c.n,
      credited_cents = credited_cents + c.credited,
      credited_currency = CASE WHEN c.currency IS NOT NULL AND (credited_currency IS NULL OR credited_currency > c.currency)
        THEN c.currency ELSE credited_currency END,
      reversed_cents = reversed_cents + c.reversed
    FROM c WHERE payments.rowid = c.r`);
}

/** Credits waiting for a payment that the file brought: they are linked now. `ids` selects the ids and alt ids. */
function linkCredits(db: Db, ids: string): void {
  if (!db.prepare('SELECT 1 FROM unlinked_credits LIMIT 1').get()) return;
  db.exec(`DELETE FROM unlinked_credits WHERE payment_id IN (${ids})`);
}

/**
 * Recomputes, from every linked entry, the sums of the payments the file inserted or replaced (those `where`
 * selects, over alias `p`): they may already have entries in the ledger, under their id or alt id. One pass, in
 * table order, writing only the payments whose sums differ (a payment with no entry sums to zero and no date):
 * rewriting a row with the same values still dirties its page for the WAL.
 */
function creditPayments(db: Db, where: string): void {
  const anyEntry = db.prepare(`SELECT 1 FROM ledger_entries WHERE type IN ('credit_purchased', 'refund') LIMIT 1`).get();
  if (!anyEntry) return;
  db.prepare(
    `WITH s AS MATERIALIZED (
       SELECT p.rowid AS r, ${ENTRY_SUMS} FROM payments p LEFT JOIN ledger_entries l
         ON (l.payment_id = p.id OR (l.payment_id = p.alt_id AND p.alt_id <> p.id)) AND l.type IN ('credit_purchased', 'refund')
       WHERE ${where} GROUP BY p.rowid ORDER BY p.rowid)
     ${UPDATE_PAYMENTS} SET credited_at = s.at, credit_count = s.n, credited_cents = s.credited, credited_currency = s.currency,
       reversed_cents = s.reversed
     FROM s WHERE payments.rowid = s.r
       AND (credited_at IS NOT s.at OR credit_count <> s.n OR credited_cents <> s.credited OR credited_currency IS NOT s.currency
         OR reversed_cents <> s.reversed)`,
  ).run();
}

/**
 * One ordered pass over the purchase index; only repeat purchases (a minority) get a value written, in table order
 * (in purchase-group order the writes would land all over the table).
 */
function computeAllPurchaseGaps(db: Db): void {
  db.exec(`WITH gaps AS MATERIALIZED (
      SELECT r, gap FROM (
        SELECT rowid AS r, created_at - lag(created_at) OVER (PARTITION BY account_id, currency, amount_cents ORDER BY created_at, id) AS gap
        FROM payments WHERE account_id IS NOT NULL AND status IN ${CANDIDATE_STATUSES_SQL})
      WHERE gap IS NOT NULL ORDER BY r
    )
    ${UPDATE_PAYMENTS} SET purchase_gap_ms = gaps.gap FROM gaps WHERE payments.rowid = gaps.r`);
}

/**
 * Recomputes the time since the previous candidate of the same purchase group, for every group the file touched
 * (the payments in temp.regrouped_payments, and the groups some of them left). A payment written out of the
 * candidates (failed, refunded, no account) had its gap cleared by the store as it was written.
 */
function refreshPurchaseGaps(db: Db, leftGroups: readonly PurchaseGroup[]): void {
  db.exec(`CREATE TEMP TABLE touched_groups (account_id TEXT, currency TEXT, amount_cents INTEGER,
    PRIMARY KEY (account_id, currency, amount_cents)) WITHOUT ROWID`);
  try {
    db.exec(
      `INSERT OR IGNORE INTO touched_groups SELECT account_id, currency, amount_cents FROM payments
       WHERE id IN (SELECT id FROM ${REGROUPED}) AND account_id IS NOT NULL`,
    );
    const addGroup = db.prepare('INSERT OR IGNORE INTO touched_groups VALUES (?, ?, ?)');
    for (const group of leftGroups) addGroup.run(group.accountId, group.currency, group.amountCents);
    // CROSS JOIN keeps the touched groups outside: the planner, knowing nothing of a temp table, would otherwise
    // walk the whole purchase index and look each payment's group up in it.
    db.exec(`WITH gaps AS (
        SELECT p.id, p.created_at - lag(p.created_at) OVER (
          PARTITION BY p.account_id, p.currency, p.amount_cents ORDER BY p.created_at, p.id) AS gap
        FROM touched_groups t CROSS JOIN payments p
          ON p.account_id = t.account_id AND p.currency = t.currency AND p.amount_cents = t.amount_cents
        WHERE p.status IN ${CANDIDATE_STATUSES_SQL}
      )
      ${UPDATE_PAYMENTS} SET purchase_gap_ms = gaps.gap FROM gaps
      WHERE payments.id = gaps.id AND payments.purchase_gap_ms IS NOT gaps.gap`);
  } finally {
    db.exec('DROP TABLE temp.touched_groups');
  }
}
