// Rebuilds the flag list tables (migration 0004) when the data or the thresholds changed since they were built.
// The sync runs this at its end, off the UI thread; the service runs it before reading lists that are stale.
import type { FlagsResult, ImportFileReport } from '../../../shared/domain.js';
import { accountEmails } from '../account.js';
import type { Db } from '../db/open.js';
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
const lastImportId = (db: Db) =>
  (db.prepare(`SELECT id FROM imports WHERE status = 'imported' ORDER BY id DESC LIMIT 1`).pluck().get() as number | undefined) ?? 0;

export function flagListsWanted(db: Db): string {
  const lastImport = lastImportId(db);
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
    const rows = {
      stuck: flags.stuck?.length ?? 0, duplicates: flags.duplicates?.length ?? 0, limited: flags.limited?.length ?? 0, mismatches: flags.mismatches?.length ?? 0,
    };
    db.prepare(
      `INSERT OR REPLACE INTO flag_lists (id, built_for, as_of, settings, notices, stuck, duplicates, duplicates_while_pending, limited, mismatches)
       VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(wanted, flags.asOf, JSON.stringify(flags.settings), JSON.stringify(flags.notices), rows.stuck, rows.duplicates,
      flags.duplicates?.filter((d) => d.whilePending).length ?? 0, rows.limited, rows.mismatches);
    // The lists are rebuilt when the data changed: that is when a decision's action may have come to show.
    const followupsDone = recordFollowupsDone(db, flagSettingsOf(settings), lastImportId(db) || null);
    return { rebuilt: true, ms: performance.now() - started, rows, followupsDone };
  }).immediate();
}

/** After a sync: only when it applied a file, so that a sync of bad or already-imported files changes nothing. */
export function refreshFlagListsAfter(db: Db, reports: readonly ImportFileReport[]): FlagListsRefresh | undefined {
  return reports.some((r) => r.status === 'imported') ? refreshFlagLists(db) : undefined;
}

function flagListCounts(db: Db): FlagListsRefresh['rows'] {
  return db.prepare('SELECT stuck, duplicates, limited, mismatches FROM flag_lists WHERE id = 1').get() as FlagListsRefresh['rows'];
}

function writeLists(db: Db, flags: FlagsResult): void {
  for (const table of ['flag_stuck', 'flag_duplicates', 'flag_limited', 'flag_mismatches']) db.prepare(`DELETE FROM ${table}`).run();
  const email = accountEmails(db);

  const stuck = db.prepare(`INSERT INTO flag_stuck (payment_id, account_id, stage, status, amount_cents, currency, created_at, age_seconds,
    email, invoice_id, later_payments, method, stuck_after_minutes, search) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  for (const s of flags.stuck ?? []) {
    stuck.run(s.paymentId, s.accountId, s.stage, s.status, s.amountCents, s.currency, s.createdAt, s.ageSeconds, s.email, s.invoiceId,
      s.laterPayments, s.method, s.stuckAfterMinutes, searchText(s.paymentId, s.accountId, s.email, s.invoiceId));
  }

  const mismatch = db.prepare(`INSERT INTO flag_mismatches (key, kind, payment_id, account_id, currency, amount_cents, credited_cents,
    reversed_cents, returned_cents, delta_cents, stake_cents, entry_ids, status, created_at, returned_at, email, search)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  for (const m of flags.mismatches ?? []) {
    mismatch.run(m.key, m.kind, m.paymentId, m.accountId, m.currency, m.amountCents, m.creditedCents, m.reversedCents, m.returnedCents,
      m.deltaCents, stakeCents(m), JSON.stringify(m.entryIds), m.status, m.createdAt, m.returnedAt, m.email,
      searchText(m.paymentId, m.accountId, m.email, ...m.entryIds));
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
