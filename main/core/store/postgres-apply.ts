// Applies one file's staged rows (postgres-staging.ts) to the tables, set-based, inside the file's transaction:
// what ImportStore (import/store.ts) does row by row on SQLite, with the same outcome and the same counts.
// - Payments: a newer snapshot replaces the stored row (formats.md "Re-imports"), decided as replacesStored
//   decides. A file may repeat a payment id, and each of its rows is then compared with what the row before it
//   left; so the rows are applied in rounds, the n-th row of every id in round n (a file repeats few ids, so
//   there are mostly one or two rounds).
// - Ledger entries: inserted once; a row whose id is stored with other values is recorded as a conflict.
import { CANDIDATE_STATUSES_SQL } from '../flags/credit-links.js';
import { DECIDED_DISPUTES, STATUS_RANK, type StoreCounts } from '../import/store.js';
import type { PostgresStore } from './postgres-store.js';
import { STAGE_TABLE } from './postgres-staging.js';
import { addToAccountTotalsSql, firstAccountTotalsSql } from '../import/account-totals.js';
import { leaveRoomForCreditSums, withPrimaryKeyAfter } from './postgres-indexes.js';
import type { ImportTable } from '../import/deferred-indexes.js';
import type { FirstLoadTable } from './postgres-first-load.js';

const VALUE_COLUMNS = ['alt_id', 'account_id', 'amount_cents', 'currency', 'status', 'created_at', 'updated_at', 'invoice_id', 'email', 'description',
  'method', 'amount_refunded_cents', 'refunded_at', 'disputed_amount_cents', 'dispute_status', 'disputed_at'];

/** ImportStore's STATUS_RANK: on equal updated_at the status further along its lifecycle wins. */
const statusRank = (status: string) =>
  `CASE ${status} ${Object.entries(STATUS_RANK).map(([name, rank]) => `WHEN '${name}' THEN ${rank}`).join(' ')} END`;
/** How far a dispute has got: none, open, decided (won or lost). */
const disputeRank = (status: string) =>
  `CASE WHEN ${status} IS NULL THEN 0 WHEN ${status} IN (${DECIDED_DISPUTES.map((d) => `'${d}'`).join(', ')}) THEN 2 ELSE 1 END`;
const refunded = (alias: string) => `coalesce(${alias}.amount_refunded_cents, 0)`;

/** The incoming row `r` holds exactly the stored values of `p`. */
const SAME_VALUES = VALUE_COLUMNS.map((c) => `r.${c} IS NOT DISTINCT FROM p.${c}`).join(' AND ');

/** ImportStore's replacesStored: whether incoming row `r` replaces stored row `p`. */
const REPLACES = `CASE
  WHEN r.updated_at <> p.updated_at THEN r.updated_at > p.updated_at
  WHEN ${statusRank('r.status')} <> ${statusRank('p.status')} THEN ${statusRank('r.status')} > ${statusRank('p.status')}
  WHEN ${refunded('r')} <> ${refunded('p')} THEN ${refunded('r')} > ${refunded('p')}
  WHEN ${disputeRank('r.dispute_status')} <> ${disputeRank('p.dispute_status')} THEN ${disputeRank('r.dispute_status')} > ${disputeRank('p.dispute_status')}
  ELSE NOT (${SAME_VALUES}) END`;

/**
 * The same values from other text (reformatted, or stored before row hashes): keep this text's hash, so that
 * the next snapshot repeating it is recognised without reading it.
 */
const REHASH = `r.hash_hi IS NOT NULL AND (p.row_hash_hi IS DISTINCT FROM r.hash_hi OR p.row_hash_lo IS DISTINCT FROM r.hash_lo) AND ${SAME_VALUES}`;

/** What the file changed, for the derived columns (postgres-derived.ts). */
export interface AppliedRows {
  counts: StoreCounts;
  /** The payments table was empty before the file. */
  paymentsWereEmpty: boolean;
  /** Payments inserted or replaced, listed in temp table file_payments (id) unless the table was empty before. */
  paymentsChanged: boolean;
  /** Entries inserted, listed in temp table new_entries. */
  ledgerInserted: boolean;
  /** Where the inserted entries are listed: temp table new_entries, or the staged rows when all were inserted. */
  newEntries: string;
  /** purchase_gap_ms was written with the rows (a first load into an empty table). */
  purchaseGapsWritten: boolean;
}

/** Temp tables the apply leaves for the derived columns; they end with the transaction. */
const WORK_TABLES = `
  CREATE TEMP TABLE file_payments (id TEXT COLLATE "C" PRIMARY KEY) ON COMMIT DROP;
  CREATE TEMP TABLE touched_groups (account_id TEXT COLLATE "C", currency TEXT COLLATE "C", amount_cents BIGINT,
    PRIMARY KEY (account_id, currency, amount_cents)) ON COMMIT DROP;
  CREATE TEMP TABLE new_entries (id TEXT COLLATE "C" NOT NULL, account_id TEXT COLLATE "C" NOT NULL,
    type TEXT COLLATE "C" NOT NULL, amount_cents BIGINT NOT NULL, currency TEXT COLLATE "C" NOT NULL, created_at BIGINT NOT NULL,
    payment_id TEXT COLLATE "C") ON COMMIT DROP;`;

const SORT_MEMORY = '64MB';

/** What a load fails with when the file repeats an id that a table's primary key holds once. */
const UNIQUE_VIOLATION = '23505';

/** What the reader staged, counted as the rows went by: each saves a pass over the staged rows. */
export interface StagedSummary {
  payments: number;
  ledger: number;
  rejected: number;
  /** The newest of the staged payments' created_at and updated_at, and of the staged entries' created_at (data_bounds). */
  newestPaymentAt: number | null;
  newestLedgerAt: number | null;
}

/** The rows a first load put straight into their empty table (postgres-first-load.ts); the stage holds the rest. */
export interface LoadedStraight {
  table: FirstLoadTable;
  rows: number;
}

export async function applyStagedRows(
  store: PostgresStore,
  importId: number,
  paymentsWereEmpty: boolean,
  staged: StagedSummary,
  loaded?: LoadedStraight,
): Promise<AppliedRows> {
  // Sorts of a whole file's rows (repeated ids, line order, the purchase-gap windows) in memory rather than on disk; one import
  // runs at a time (the write lock), and the setting ends with the transaction.
  await store.exec(`SET LOCAL work_mem = '${SORT_MEMORY}';
    ${WORK_TABLES}
    ANALYZE ${STAGE_TABLE};`);
  const counts: StoreCounts = { inserted: 0, updated: 0, unchanged: 0, conflicts: 0 };
  const loadedPayments = loaded?.table === 'payments' ? loaded.rows : 0;
  const loadedEntries = loaded?.table === 'ledger_entries' ? loaded.rows : 0;
  const payments = staged.payments > 0
    ? await applyPayments(store, importId, counts, { paymentsWereEmpty, loaded: loadedPayments, held: staged.payments - loadedPayments })
    : { changed: false, gapsWritten: false };
  const newEntries = staged.ledger > 0 ? await applyLedger(store, importId, counts, { loaded: loadedEntries, held: staged.ledger - loadedEntries }) : undefined;
  if (staged.rejected > 0) {
    await store.run(`INSERT INTO rejected_rows (import_id, line, reason, raw)
      SELECT ?, line, reason, raw FROM ${STAGE_TABLE} WHERE kind = 'e' ORDER BY line`, [importId]);
  }
  await raiseBounds(store, staged);
  return { counts, paymentsWereEmpty, paymentsChanged: payments.changed, ledgerInserted: newEntries !== undefined,
    newEntries: newEntries ?? NEW_ENTRIES, purchaseGapsWritten: payments.gapsWritten };
}

const IS_CANDIDATE = `r.account_id IS NOT NULL AND r.status IN ${CANDIDATE_STATUSES_SQL}`;
/**
 * Into an empty table, a file that gives each id once is the whole table: the time since the previous candidate of
 * the same purchase group (postgres-derived.ts computeAllPurchaseGaps) is known before the rows go in, which saves
 * rewriting most of them right after. Only repeat purchases have one.
 */
const FIRST_LOAD_GAPS = `CREATE TEMP TABLE first_load_gaps ON COMMIT DROP AS
  SELECT line, gap FROM (
    SELECT r.line, CASE WHEN ${IS_CANDIDATE} THEN r.created_at - lag(r.created_at) OVER (
      PARTITION BY r.account_id, r.currency, r.amount_cents, ${IS_CANDIDATE} ORDER BY r.created_at, r.id) END AS gap
    FROM ${STAGE_TABLE} r WHERE r.kind = 'p') AS per_row
  WHERE gap IS NOT NULL;
  ANALYZE first_load_gaps;`;

/**
 * Runs `load`, a load of the staged rows into `table` while it is empty, inside a savepoint and with the table's
 * primary key built after it. A file that repeats an id fails on the key: then nothing is inserted (undefined),
 * the savepoint's rollback restores the key, and the caller goes the long way. Trying first costs such a file one
 * load more, and spares every other one a pass over its rows for repeated ids.
 */
async function insertUnlessAnIdRepeats(store: PostgresStore, table: ImportTable, load: () => Promise<{ changes: number }>): Promise<number | undefined> {
  const savepoint = `${table}_load`;
  await store.exec(`SAVEPOINT ${savepoint}`);
  try {
    const { changes } = await withPrimaryKeyAfter(store, table, load);
    await store.exec(`RELEASE SAVEPOINT ${savepoint}`);
    return changes;
  } catch (error) {
    if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
    await store.exec(`ROLLBACK TO SAVEPOINT ${savepoint}`);
    return undefined;
  }
}

/**
 * Into an empty table, a file that gives each id once has every row new: inserted as read, without the rounds'
 * bookkeeping (file_payments is not filled, as the derived columns take every payment for the file's). One that
 * repeats an id inserts nothing (undefined), and goes the rounds.
 *
 * The purchase gaps are worked out over the few columns their window needs and joined back by line: a window
 * over the whole rows, then a sort back into file order, spilled both sorts to disk (1,000,000 payments: 8.2 s
 * against 2.6 + 3.8 s). No sort into file order: where a row lies in the table decides no result (and with the
 * few gaps hashed, the staged rows go in in the order they were staged anyway).
 */
function insertEveryPayment(store: PostgresStore, importId: number): Promise<number | undefined> {
  return insertUnlessAnIdRepeats(store, 'payments', async () => {
    await store.exec(FIRST_LOAD_GAPS);
    return store.run(
      `INSERT INTO payments (${VALUE_COLUMNS.join(', ')}, row_hash_hi, row_hash_lo, import_id, id, purchase_gap_ms)
       SELECT ${VALUE_COLUMNS.map((c) => `r.${c}`).join(', ')}, r.hash_hi, r.hash_lo, ?, r.id, g.gap
       FROM ${STAGE_TABLE} r LEFT JOIN first_load_gaps g ON g.line = r.line WHERE r.kind = 'p'`,
      [importId],
    );
  });
}

async function applyPayments(
  store: PostgresStore,
  importId: number,
  counts: StoreCounts,
  { paymentsWereEmpty, loaded, held }: { paymentsWereEmpty: boolean; loaded: number; held: number },
): Promise<{ changed: boolean; gapsWritten: boolean }> {
  if (loaded > 0) {
    // Loaded straight into the empty table: the purchase gaps are worked out over it after (postgres-derived.ts),
    // and the rows held back go the rounds, each compared with what the rows before it left.
    counts.inserted += loaded;
    if (held > 0) await applyPaymentRounds(store, importId, counts);
    return { changed: true, gapsWritten: false };
  }
  if (paymentsWereEmpty) {
    await leaveRoomForCreditSums(store);
    const inserted = await insertEveryPayment(store, importId);
    if (inserted !== undefined) {
      counts.inserted += inserted;
      return { changed: inserted > 0, gapsWritten: true };
    }
  }
  return { changed: await applyPaymentRounds(store, importId, counts), gapsWritten: false };
}

/** Applies the staged payments in rounds (see the top of this file); whether any payment was inserted or replaced. */
async function applyPaymentRounds(store: PostgresStore, importId: number, counts: StoreCounts): Promise<boolean> {
  const roundCount = (await store.value<number>(`SELECT max(n) FROM (SELECT count(*) AS n FROM ${STAGE_TABLE} WHERE kind = 'p' GROUP BY id) AS per_id`)) ?? 0;
  if (roundCount === 0) return false;
  await store.exec(`
    CREATE TEMP TABLE incoming_payments ON COMMIT DROP AS
      SELECT line, id, ${VALUE_COLUMNS.join(', ')}, hash_hi, hash_lo, row_number() OVER (PARTITION BY id ORDER BY line) AS nth
      FROM ${STAGE_TABLE} WHERE kind = 'p';
    CREATE INDEX ON incoming_payments (nth, id);
    ANALYZE incoming_payments;
    CREATE TEMP TABLE payment_round (id TEXT COLLATE "C" PRIMARY KEY, decision TEXT NOT NULL, stored_account_id TEXT COLLATE "C",
      stored_currency TEXT COLLATE "C", stored_amount_cents BIGINT) ON COMMIT DROP;`);
  for (let nth = 1; nth <= roundCount; nth++) {
    await store.run(`INSERT INTO payment_round
      SELECT r.id, CASE WHEN p.id IS NULL THEN 'insert' WHEN ${REPLACES} THEN 'update' WHEN ${REHASH} THEN 'rehash' ELSE 'keep' END,
        p.account_id, p.currency, p.amount_cents
      FROM incoming_payments r LEFT JOIN payments p ON p.id = r.id WHERE r.nth = ?`, [nth]);
    await store.run(`INSERT INTO payments (${VALUE_COLUMNS.join(', ')}, row_hash_hi, row_hash_lo, import_id, id)
      SELECT ${VALUE_COLUMNS.map((c) => `r.${c}`).join(', ')}, r.hash_hi, r.hash_lo, ?, r.id
      FROM incoming_payments r JOIN payment_round d ON d.id = r.id AND d.decision = 'insert' WHERE r.nth = ? ORDER BY r.line`, [importId, nth]);
    // The groups replaced payments moved out of (account, currency or amount changed), for the purchase gaps.
    await store.run(`INSERT INTO touched_groups
      SELECT DISTINCT d.stored_account_id, d.stored_currency, d.stored_amount_cents
      FROM payment_round d JOIN incoming_payments r ON r.id = d.id AND r.nth = ?
      WHERE d.decision = 'update' AND d.stored_account_id IS NOT NULL AND (d.stored_account_id IS DISTINCT FROM r.account_id
        OR d.stored_currency <> r.currency OR d.stored_amount_cents <> r.amount_cents)
      ON CONFLICT DO NOTHING`, [nth]);
    await store.run(`UPDATE payments AS p SET ${VALUE_COLUMNS.map((c) => `${c} = r.${c}`).join(', ')},
        row_hash_hi = r.hash_hi, row_hash_lo = r.hash_lo, import_id = ?
      FROM incoming_payments r JOIN payment_round d ON d.id = r.id AND d.decision = 'update'
      WHERE r.nth = ? AND p.id = r.id`, [importId, nth]);
    await store.run(`UPDATE payments AS p SET row_hash_hi = r.hash_hi, row_hash_lo = r.hash_lo
      FROM incoming_payments r JOIN payment_round d ON d.id = r.id AND d.decision = 'rehash'
      WHERE r.nth = ? AND p.id = r.id`, [nth]);
    await store.run(`INSERT INTO file_payments SELECT id FROM payment_round WHERE decision IN ('insert', 'update') ON CONFLICT DO NOTHING`);
    const decided = await store.all<{ decision: string; n: number }>(`SELECT decision, count(*) AS n FROM payment_round GROUP BY decision`);
    for (const { decision, n } of decided) {
      if (decision === 'insert') counts.inserted += n;
      else if (decision === 'update') counts.updated += n;
      else counts.unchanged += n;
    }
    await store.run('DELETE FROM payment_round');
  }
  return (await store.value<number>('SELECT count(*) FROM file_payments'))! > 0;
}

interface ConflictRow {
  line: number;
  id: string;
  /** The incoming row's values (the stored entry's are the unprefixed ones). */
  in_account_id: string;
  in_type: string;
  in_amount_cents: number;
  in_currency: string;
  in_created_at: number;
  in_payment_id: string | null;
  account_id: string;
  type: string;
  amount_cents: number;
  currency: string;
  created_at: number;
  payment_id: string | null;
}

const NEW_ENTRIES = 'new_entries';
const ENTRY_COLUMNS = 'id, account_id, type, amount_cents, currency, created_at, payment_id';
/** The staged ledger rows as new entries: what a load into an empty table inserts. */
const STAGED_ENTRIES = `(SELECT ${ENTRY_COLUMNS} FROM ${STAGE_TABLE} WHERE kind = 'l')`;
/** Every entry: after a first load into the empty table, each is the file's. */
const ALL_ENTRIES = `(SELECT ${ENTRY_COLUMNS} FROM ledger_entries)`;

/**
 * Inserts the file's new entries (the first row of each new id) and records conflicts; returns where the new
 * entries are listed (a relation of ledger_entries' columns), or undefined when none was new.
 */
async function applyLedger(store: PostgresStore, importId: number, counts: StoreCounts, { loaded, held }: { loaded: number; held: number }): Promise<string | undefined> {
  if (loaded > 0) {
    // Loaded straight into the empty table: the rows held back are inserted or compared the long way, and then
    // every entry in the table is new.
    counts.inserted += loaded;
    if (held > 0) await insertEntries(store, importId, counts, { addToTotals: false });
    await addFirstTotals(store, ALL_ENTRIES);
    return ALL_ENTRIES;
  }
  if ((await store.value('SELECT 1 FROM ledger_entries LIMIT 1')) === undefined) {
    // Into an empty table, a file that gives each id once has every row new and no conflict: a plain insert, and
    // the staged rows are the new entries. One that repeats an id inserts nothing, and goes the long way.
    const inserted = await insertUnlessAnIdRepeats(store, 'ledger_entries', () =>
      store.run(`INSERT INTO ledger_entries (${ENTRY_COLUMNS}, import_id) SELECT ${ENTRY_COLUMNS}, ? FROM ${STAGE_TABLE} WHERE kind = 'l'`, [importId]));
    if (inserted !== undefined) {
      counts.inserted += inserted;
      await addFirstTotals(store, STAGED_ENTRIES);
      return inserted > 0 ? STAGED_ENTRIES : undefined;
    }
  }
  return insertEntries(store, importId, counts, { addToTotals: true });
}

/**
 * The long way: inserts the staged entries whose ids are new (the first row of each), lists them in new_entries,
 * and compares every other staged row with the stored entry; returns NEW_ENTRIES, or undefined when none was new.
 */
async function insertEntries(store: PostgresStore, importId: number, counts: StoreCounts, { addToTotals }: { addToTotals: boolean }): Promise<string | undefined> {
  // The ids the file gives more than once, with the line of their first row: of those rows, the first is the
  // one inserted (when the id is new), so the file's rows go in in line order. Without any, order is no matter.
  await store.exec(`CREATE TEMP TABLE repeated_ids ON COMMIT DROP AS
    SELECT id, min(line) AS first_line FROM ${STAGE_TABLE} WHERE kind = 'l' GROUP BY id HAVING count(*) > 1`);
  const repeats = (await store.value<number>('SELECT count(*) FROM repeated_ids'))!;
  await store.run(`WITH inserted AS (
      INSERT INTO ledger_entries (${ENTRY_COLUMNS}, import_id)
      SELECT ${ENTRY_COLUMNS}, ? FROM ${STAGE_TABLE} WHERE kind = 'l'${repeats > 0 ? ' ORDER BY line' : ''}
      ON CONFLICT (id) DO NOTHING RETURNING ${ENTRY_COLUMNS}
    )
    INSERT INTO new_entries SELECT * FROM inserted`, [importId]);
  await store.exec('ANALYZE new_entries');
  const inserted = (await store.value<number>('SELECT count(*) FROM new_entries'))!;
  counts.inserted += inserted;
  if (inserted > 0 && addToTotals) await addNewToTotals(store, NEW_ENTRIES);
  // Every other row of the file is compared with the stored entry: stored before, or inserted from an earlier line.
  const staged = (await store.value<number>(`SELECT count(*) FROM ${STAGE_TABLE} WHERE kind = 'l'`))!;
  const newEntries = inserted > 0 ? NEW_ENTRIES : undefined;
  if (staged === inserted) return newEntries;
  await store.exec(`CREATE TEMP TABLE repeated_entries ON COMMIT DROP AS
    SELECT r.line, r.id, r.account_id AS in_account_id, r.type AS in_type, r.amount_cents AS in_amount_cents, r.currency AS in_currency,
      r.created_at AS in_created_at, r.payment_id AS in_payment_id, l.account_id, l.type, l.amount_cents, l.currency, l.created_at, l.payment_id,
      l.account_id = r.account_id AND l.type = r.type AND l.amount_cents = r.amount_cents AND l.currency = r.currency
        AND l.created_at = r.created_at AND l.payment_id IS NOT DISTINCT FROM r.payment_id AS same
    FROM ${STAGE_TABLE} r JOIN ledger_entries l ON l.id = r.id
    WHERE r.kind = 'l' AND (NOT EXISTS (SELECT 1 FROM new_entries n WHERE n.id = r.id)
      OR r.line > (SELECT f.first_line FROM repeated_ids f WHERE f.id = r.id))`);
  counts.unchanged += (await store.value<number>('SELECT count(*) FROM repeated_entries WHERE same'))!;
  const conflicts = await store.all<ConflictRow>(`SELECT * FROM repeated_entries WHERE NOT same ORDER BY line`);
  if (conflicts.length > 0) {
    // Both entries as ImportStore records them: JSON.stringify of the entry stored and of the one read, whose keys
    // come in LedgerRecord's order.
    const stored = (c: ConflictRow) =>
      JSON.stringify({ id: c.id, accountId: c.account_id, type: c.type, amountCents: c.amount_cents, currency: c.currency, createdAt: c.created_at, paymentId: c.payment_id });
    const incoming = (c: ConflictRow) =>
      JSON.stringify({ id: c.id, accountId: c.in_account_id, type: c.in_type, amountCents: c.in_amount_cents, currency: c.in_currency,
        createdAt: c.in_created_at, paymentId: c.in_payment_id });
    await store.insertRows('ledger_conflicts', ['import_id', 'entry_id', 'line', 'stored', 'incoming'],
      conflicts.map((c) => [importId, c.id, c.line, stored(c), incoming(c)]));
    counts.conflicts += conflicts.length;
  }
  return newEntries;
}

/** Adds the new entries (a relation of ledger_entries' columns) to the account totals. */
async function addNewToTotals(store: PostgresStore, newEntries: string): Promise<void> {
  await store.run(addToAccountTotalsSql(newEntries));
}

/**
 * The totals of a first ledger: into empty totals, a plain insert with the key built after it (2,028,701 entries
 * into 200,211 accounts: 3.6 s with the key and ON CONFLICT, 2.5 + 0.1 s without).
 */
async function addFirstTotals(store: PostgresStore, newEntries: string): Promise<void> {
  if ((await store.value('SELECT 1 FROM account_totals LIMIT 1')) !== undefined) return addNewToTotals(store, newEntries);
  await withPrimaryKeyAfter(store, 'account_totals', () => store.run(firstAccountTotalsSql(newEntries)));
}

/** The newest time each kind of row brought, read or not applied (data_bounds). */
async function raiseBounds(store: PostgresStore, staged: StagedSummary): Promise<void> {
  for (const [name, newest] of [['payments', staged.newestPaymentAt], ['ledger', staged.newestLedgerAt]] as const) {
    if (newest === null) continue;
    await store.run(`INSERT INTO data_bounds (name, newest_at) VALUES (?, ?)
      ON CONFLICT (name) DO UPDATE SET newest_at = greatest(data_bounds.newest_at, excluded.newest_at)`, [name, newest]);
  }
}
