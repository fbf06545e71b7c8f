// Rebuilds the flag list tables (migration 0004) when the data or the thresholds changed since they were built.
// The sync runs this at its end, off the UI thread; the service runs it before reading lists that are stale.
import type { FlagsResult, ImportFileReport } from '../../../shared/domain.js';
import { accountEmails } from '../account.js';
import type { Store } from '../store/store.js';
import { computeFlags } from '../flags/index.js';
import { stakeCents } from '../flags/mismatches.js';
import { recordFollowupsDone } from '../followups.js';
import { flagSettingsOf, readSettings } from '../settings.js';

export interface FlagListsRefresh {
  rebuilt: boolean;
  ms: number;
  rows: { stuck: number; duplicates: number; limited: number; mismatches: number };
  /** Follow-ups the data showed done for the first time (recorded in the audit log). */
  followupsDone?: number;
}

/**
 * What the lists depend on: the last import that changed data (its row is written in the import's
 * transaction) and the settings the rules read. The default as-of is the newest data timestamp, so it is
 * covered by the import.
 */
const lastImportId = async (db: Store) =>
  (await db.value<number>(`SELECT id FROM imports WHERE status = 'imported' ORDER BY id DESC LIMIT 1`)) ?? 0;

export async function flagListsWanted(db: Store): Promise<string> {
  const lastImport = await lastImportId(db);
  const settings = await readSettings(db);
  return JSON.stringify({ lastImport, rules: flagSettingsOf(settings), asOf: settings.asOf });
}

export function flagListsBuiltFor(db: Store): Promise<string | undefined> {
  return db.value<string>('SELECT built_for FROM flag_lists WHERE id = 1');
}

export async function flagListsFresh(db: Store): Promise<boolean> {
  return db.read(async () => (await flagListsBuiltFor(db)) === (await flagListsWanted(db)));
}

const searchText = (...parts: (string | null)[]) => parts.filter((p) => p !== null && p !== '').join('\n').toLowerCase();

const LIST_TABLES = ['flag_stuck', 'flag_duplicates', 'flag_limited', 'flag_mismatches'];

export async function refreshFlagLists(db: Store): Promise<FlagListsRefresh> {
  const refresh = await rebuildFlagLists(db);
  if (refresh.rebuilt) await db.afterBulkWrite(LIST_TABLES);
  return refresh;
}

async function rebuildFlagLists(db: Store): Promise<FlagListsRefresh> {
  const started = performance.now();
  // A write transaction: the write lock is taken before reading, so no import can commit between the flags and the tables.
  return db.write(async (): Promise<FlagListsRefresh> => {
    const wanted = await flagListsWanted(db);
    if ((await flagListsBuiltFor(db)) === wanted) return { rebuilt: false, ms: performance.now() - started, rows: await flagListCounts(db) };
    const settings = await readSettings(db);
    const flags = await computeFlags(db, { settings: flagSettingsOf(settings), asOf: settings.asOf });
    await writeLists(db, flags);
    await db.commitDurably();
    const rows = {
      stuck: flags.stuck?.length ?? 0, duplicates: flags.duplicates?.length ?? 0, limited: flags.limited?.length ?? 0, mismatches: flags.mismatches?.length ?? 0,
    };
    await db.run('DELETE FROM flag_lists WHERE id = 1');
    await db.run(
      `INSERT INTO flag_lists (id, built_for, as_of, settings, notices, stuck, duplicates, duplicates_while_pending, limited, mismatches)
       VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [wanted, flags.asOf, JSON.stringify(flags.settings), JSON.stringify(flags.notices), rows.stuck, rows.duplicates,
        flags.duplicates?.filter((d) => d.whilePending).length ?? 0, rows.limited, rows.mismatches],
    );
    // The lists are rebuilt when the data changed: that is when a decision's action may have come to show.
    const followupsDone = await recordFollowupsDone(db, flagSettingsOf(settings), (await lastImportId(db)) || null);
    return { rebuilt: true, ms: performance.now() - started, rows, followupsDone };
  });
}

/** After a sync: only when it applied a file, so that a sync of bad or already-imported files changes nothing. */
export async function refreshFlagListsAfter(db: Store, reports: readonly ImportFileReport[]): Promise<FlagListsRefresh | undefined> {
  return reports.some((r) => r.status === 'imported') ? refreshFlagLists(db) : undefined;
}

async function flagListCounts(db: Store): Promise<FlagListsRefresh['rows']> {
  return (await db.get('SELECT stuck, duplicates, limited, mismatches FROM flag_lists WHERE id = 1')) as FlagListsRefresh['rows'];
}

async function writeLists(db: Store, flags: FlagsResult): Promise<void> {
  for (const table of LIST_TABLES) await db.run(`DELETE FROM ${table}`);
  const emails = await accountEmails(db, [...(flags.duplicates ?? []).map((d) => d.accountId), ...(flags.limited ?? []).map((l) => l.accountId)]);
  const email = (accountId: string) => emails.get(accountId) ?? null;

  await db.insertRows(
    'flag_stuck',
    ['payment_id', 'account_id', 'stage', 'status', 'amount_cents', 'currency', 'created_at', 'age_seconds', 'email', 'invoice_id', 'later_payments',
      'method', 'stuck_after_minutes', 'search'],
    (flags.stuck ?? []).map((s) => [s.paymentId, s.accountId, s.stage, s.status, s.amountCents, s.currency, s.createdAt, s.ageSeconds, s.email,
      s.invoiceId, s.laterPayments, s.method, s.stuckAfterMinutes, searchText(s.paymentId, s.accountId, s.email, s.invoiceId)]),
  );

  await db.insertRows(
    'flag_mismatches',
    ['key', 'kind', 'payment_id', 'account_id', 'currency', 'amount_cents', 'credited_cents', 'reversed_cents', 'returned_cents', 'delta_cents',
      'stake_cents', 'entry_ids', 'status', 'created_at', 'returned_at', 'email', 'search'],
    (flags.mismatches ?? []).map((m) => [m.key, m.kind, m.paymentId, m.accountId, m.currency, m.amountCents, m.creditedCents, m.reversedCents,
      m.returnedCents, m.deltaCents, stakeCents(m), JSON.stringify(m.entryIds), m.status, m.createdAt, m.returnedAt, m.email,
      searchText(m.paymentId, m.accountId, m.email, ...m.entryIds)]),
  );

  await db.insertRows(
    'flag_duplicates',
    ['strength', 'key', 'account_id', 'currency', 'amount_cents', 'payment_ids', 'payment_count', 'while_pending', 'first_created_at',
      'last_created_at', 'extra_cents', 'email', 'search'],
    (flags.duplicates ?? []).map((d, strength) => {
      const address = email(d.accountId);
      return [strength, d.key, d.accountId, d.currency, d.amountCents, JSON.stringify(d.paymentIds), d.paymentIds.length, d.whilePending ? 1 : 0,
        d.firstCreatedAt, d.lastCreatedAt, d.extraCents, address, searchText(d.accountId, ...d.paymentIds, address)];
    }),
  );

  await db.insertRows(
    'flag_limited',
    ['account_id', 'currency', 'balance_cents', 'free_cents', 'purchased_cents', 'missing_cents', 'unlock_payment_id', 'email', 'search'],
    (flags.limited ?? []).map((l) => {
      const address = email(l.accountId);
      return [l.accountId, l.currency, l.balanceCents, l.freeCents, l.purchasedCents, l.missingCents, l.unlockPaymentId, address,
        searchText(l.accountId, l.unlockPaymentId, address)];
    }),
  );
}
