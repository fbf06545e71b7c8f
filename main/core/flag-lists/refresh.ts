// Rebuilds the flag list tables (migration 0004) when the data or the thresholds changed since they were built.
// The sync runs this at its end, off the UI thread; the service runs it before reading lists that are stale.
import type { FlagsResult, ImportFileReport } from '../../../shared/domain.js';
import { accountEmails } from '../account.js';
import type { Db } from '../db/open.js';
import { computeFlags } from '../flags/index.js';
import { flagSettingsOf, readSettings } from '../settings.js';

export interface FlagListsRefresh {
  rebuilt: boolean;
  ms: number;
  rows: { stuck: number; duplicates: number; limited: number };
}

/**
 * What the lists depend on: the last import that changed data (its row is written in the import's
 * transaction) and the settings the rules read. The default as-of is the newest data timestamp, so it is
 * covered by the import.
 */
export function flagListsWanted(db: Db): string {
  const lastImport = (db.prepare(`SELECT id FROM imports WHERE status = 'imported' ORDER BY id DESC LIMIT 1`).pluck().get() as number | undefined) ?? 0;
  const settings = readSettings(db);
  return JSON.stringify({ lastImport, rules: flagSettingsOf(settings), asOf: settings.asOf });
}

export function flagListsBuiltFor(db: Db): string | undefined {
  return db.prepare('SELECT built_for FROM flag_lists WHERE id = 1').pluck().get() as string | undefined;
}

export function flagListsFresh(db: Db): boolean {
  return flagListsBuiltFor(db) === flagListsWanted(db);
}

const searchText = (...parts: (string | null)[]) => parts.filter((p) => p !== null && p !== '').join('\n').toLowerCase();

export function refreshFlagLists(db: Db): FlagListsRefresh {
  const started = performance.now();
  // IMMEDIATE: the write lock is taken before reading, so no import can commit between the flags and the tables.
  return db.transaction((): FlagListsRefresh => {
    const wanted = flagListsWanted(db);
    if (flagListsBuiltFor(db) === wanted) return { rebuilt: false, ms: performance.now() - started, rows: flagListCounts(db) };
    const settings = readSettings(db);
    const flags = computeFlags(db, { settings: flagSettingsOf(settings), asOf: settings.asOf });
    writeLists(db, flags);
    const rows = { stuck: flags.stuck?.length ?? 0, duplicates: flags.duplicates?.length ?? 0, limited: flags.limited?.length ?? 0 };
    db.prepare(
      `INSERT OR REPLACE INTO flag_lists (id, built_for, as_of, settings, notices, stuck, duplicates, duplicates_while_pending, limited)
       VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(wanted, flags.asOf, JSON.stringify(flags.settings), JSON.stringify(flags.notices), rows.stuck, rows.duplicates,
      flags.duplicates?.filter((d) => d.whilePending).length ?? 0, rows.limited);
    return { rebuilt: true, ms: performance.now() - started, rows };
  }).immediate();
}

/** After a sync: only when it applied a file, so that a sync of bad or already-imported files changes nothing. */
export function refreshFlagListsAfter(db: Db, reports: readonly ImportFileReport[]): FlagListsRefresh | undefined {
  return reports.some((r) => r.status === 'imported') ? refreshFlagLists(db) : undefined;
}

function flagListCounts(db: Db): FlagListsRefresh['rows'] {
  return db.prepare('SELECT stuck, duplicates, limited FROM flag_lists WHERE id = 1').get() as FlagListsRefresh['rows'];
}

function writeLists(db: Db, flags: FlagsResult): void {
  for (const table of ['flag_stuck', 'flag_duplicates', 'flag_limited']) db.prepare(`DELETE FROM ${table}`).run();
  const email = accountEmails(db);

  const stuck = db.prepare(`INSERT INTO flag_stuck (payment_id, account_id, stage, status, amount_cents, currency, created_at, age_seconds,
    email, invoice_id, later_payments, search) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  for (const s of flags.stuck ?? []) {
    stuck.run(s.paymentId, s.accountId, s.stage, s.status, s.amountCents, s.currency, s.createdAt, s.ageSeconds, s.email, s.invoiceId,
      s.laterPayments, searchText(s.paymentId, s.accountId, s.email, s.invoiceId));
  }

  const duplicate = db.prepare(`INSERT INTO flag_duplicates (strength, key, account_id, currency, amount_cents, payment_ids, payment_count,
    while_pending, first_created_at, last_created_at, extra_cents, email, search) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  (flags.duplicates ?? []).forEach((d, strength) => {
    const address = email(d.accountId);
    duplicate.run(strength, d.key, d.accountId, d.currency, d.amountCents, JSON.stringify(d.paymentIds), d.paymentIds.length,
      d.whilePending ? 1 : 0, d.firstCreatedAt, d.lastCreatedAt, d.extraCents, address, searchText(d.accountId, ...d.paymentIds, address));
  });

  const limited = db.prepare(`INSERT INTO flag_limited (account_id, currency, balance_cents, free_cents, purchased_cents, missing_cents,
    unlock_payment_id, email, search) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  for (const l of flags.limited ?? []) {
    const address = email(l.accountId);
    limited.run(l.accountId, l.currency, l.balanceCents, l.freeCents, l.purchasedCents, l.missingCents, l.unlockPaymentId, address,
      searchText(l.accountId, l.unlockPaymentId, address));
  }
}
