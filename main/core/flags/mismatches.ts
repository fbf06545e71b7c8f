// Rule 4: the processor and the ledger disagree. The import keeps, on each payment, what its linked ledger
// entries add up to (credit_count, credited_cents, credited_currency, reversed_cents) and the processor's
// returned_cents is a generated column, so only the payments of the partial index payments_reconcile are read;
// credits that name no payment are kept in unlinked_credits.
import { keptNoMoney, type FlagSettings, type Mismatch, type MismatchKind, type PaymentStatus } from '../../../shared/domain.js';
import { accountEmails } from '../account.js';
import { sqliteDialect } from '../store/sqlite-store.js';
import type { Dialect, Store } from '../store/store.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** Written exactly as the partial index payments_reconcile (migration 0007), so that the planner uses it. */
export const reconcileCandidateSql = (dialect: Dialect) => `(credit_count >= 2
  OR (credit_count = 1 AND (credited_cents <> amount_cents OR credited_currency <> currency))
  OR (credit_count >= 1 AND status IN ('failed', 'canceled', 'incomplete'))
  OR (returned_cents > 0 AND credited_cents > 0 AND reversed_cents < ${dialect.least('returned_cents', 'credited_cents')}))`;
export const RECONCILE_CANDIDATE_SQL = reconcileCandidateSql(sqliteDialect);

export interface ReconciledPayment {
  id: string;
  account_id: string | null;
  amount_cents: number;
  currency: string;
  status: PaymentStatus;
  created_at: number;
  updated_at: number;
  email: string | null;
  credit_count: number;
  credited_cents: number;
  credited_currency: string | null;
  reversed_cents: number;
  returned_cents: number;
  refunded_at: number | null;
  amount_refunded_cents: number | null;
  dispute_status: string | null;
  disputed_at: number | null;
}

export const RECONCILED_COLUMNS = `p.id, p.account_id, p.amount_cents, p.currency, p.status, p.created_at, p.updated_at, p.email,
  p.credit_count, p.credited_cents, p.credited_currency, p.reversed_cents, p.returned_cents, p.refunded_at,
  p.amount_refunded_cents, p.dispute_status, p.disputed_at`;

/** When the money went back: the refund's date, else a lost dispute's date, else when the row last changed. */
export function returnedAt(p: Pick<ReconciledPayment, 'refunded_at' | 'dispute_status' | 'disputed_at' | 'updated_at'>): number {
  if (p.refunded_at !== null) return p.refunded_at;
  if (p.dispute_status === 'lost' && p.disputed_at !== null) return p.disputed_at;
  return p.updated_at;
}

/** The credits still to take back on a returned payment (0 when none): min(returned, credited) − reversed. */
export const unreversedCents = (p: Pick<ReconciledPayment, 'returned_cents' | 'credited_cents' | 'reversed_cents'>) =>
  Math.max(0, Math.min(p.returned_cents, p.credited_cents) - p.reversed_cents);

export interface MismatchInputs {
  /** The newest ledger entry's time, or null when no ledger was imported (then there are no mismatches). */
  newestLedgerAt: number | null;
  accountId?: string;
  /** Leave out credits naming PaymentIntents (pi_…) when charges were imported without them (the notice says so). */
  skipIntentCredits?: boolean;
}

/** The kinds a payment shows under, each with its delta (rules.md §4). */
export function paymentMismatches(p: ReconciledPayment, settings: FlagSettings, newestLedgerAt: number): { kind: MismatchKind; deltaCents: number | null }[] {
  const found: { kind: MismatchKind; deltaCents: number | null }[] = [];
  if (p.credit_count >= 2) found.push({ kind: 'credited_twice', deltaCents: p.credited_cents - p.amount_cents });
  if (p.credit_count === 1 && (p.credited_cents !== p.amount_cents || p.credited_currency !== p.currency)) {
    found.push({ kind: 'amount_differs', deltaCents: p.credited_currency === p.currency ? p.credited_cents - p.amount_cents : null });
  }
  if (p.credit_count >= 1 && keptNoMoney(p.status)) found.push({ kind: 'credited_not_paid', deltaCents: p.credited_cents });
  const unreversed = p.returned_cents > 0 && p.credited_cents > 0 ? unreversedCents(p) : 0;
  // A refund made just before the ledger export was taken may simply not show its reversal yet.
  if (unreversed > 0 && newestLedgerAt - returnedAt(p) > settings.stuckAfterMinutes * MINUTE) {
    found.push({ kind: 'refund_not_reversed', deltaCents: unreversed });
  }
  return found;
}

export async function listMismatches(db: Store, settings: FlagSettings, inputs: MismatchInputs): Promise<Mismatch[]> {
  if (inputs.newestLedgerAt === null) return [];
  const scoped = inputs.accountId !== undefined;
  const params = inputs.accountId !== undefined ? { accountId: inputs.accountId } : {};
  // The linked entries' ids come with each candidate, from one statement: a query per row from JavaScript cost
  // more than SQLite's seeks. One account's candidates are found by its index of purchases instead.
  const payments = (await db.all(`SELECT ${RECONCILED_COLUMNS}, ${linkedEntryIdsSql(db.dialect)} AS entry_ids
       FROM payments p ${scoped ? '' : db.dialect.indexedBy('payments_reconcile')}
       WHERE ${reconcileCandidateSql(db.dialect)} ${scoped ? 'AND p.account_id = @accountId' : ''}`, params)) as (ReconciledPayment & { entry_ids: string })[];
  const mismatches: Mismatch[] = [];
  for (const p of payments) {
    const kinds = paymentMismatches(p, settings, inputs.newestLedgerAt);
    if (kinds.length === 0) continue;
    const entries = JSON.parse(p.entry_ids) as string[];
    const at = returnedAt(p);
    for (const { kind, deltaCents } of kinds) {
      mismatches.push({
        key: `${kind}:${p.id}`, kind, paymentId: p.id, accountId: p.account_id, currency: p.currency, amountCents: p.amount_cents,
        creditedCents: p.credited_cents, reversedCents: p.reversed_cents, returnedCents: p.returned_cents, deltaCents, entryIds: entries,
        status: p.status, createdAt: new Date(p.created_at).toISOString(),
        returnedAt: p.returned_cents > 0 ? new Date(at).toISOString() : null,
        email: p.email,
      });
    }
  }
  mismatches.push(...await unknownPayments(db, { accountId: inputs.accountId, skipIntentCredits: inputs.skipIntentCredits ?? false }));
  // An email for the rows whose own payment carried none: the account's, from its other payments.
  const emails = await accountEmails(db, mismatches.filter((m) => m.email === null && m.accountId !== null).map((m) => m.accountId as string));
  for (const m of mismatches) if (m.email === null && m.accountId !== null) m.email = emails.get(m.accountId) ?? null;
  return mismatches.sort((a, b) => stakeCents(b) - stakeCents(a) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** What is at stake: abs(deltaCents), or the credited amount when the currencies differ. */
export const stakeCents = (m: Pick<Mismatch, 'deltaCents' | 'creditedCents'>) => Math.abs(m.deltaCents ?? m.creditedCents);

/**
 * Credits naming a payment no export has, inside the period the payments export covers: from 24 h after the
 * oldest payment (the credit of a payment made just before the export began is no mismatch) to the newest.
 */
async function unknownPayments(
  db: Store,
  { accountId, skipIntentCredits }: { accountId?: string; skipIntentCredits: boolean },
): Promise<Mismatch[]> {
  // Two subqueries: one SELECT of both min and max would scan the whole index instead of reading its two ends.
  const span = (await db.get('SELECT (SELECT min(created_at) FROM payments) AS oldest, (SELECT max(created_at) FROM payments) AS newest')) as { oldest: number | null; newest: number | null };
  if (span.oldest === null || span.newest === null) return [];
  const rows = (await db.all(`SELECT l.id, l.payment_id, l.account_id, l.amount_cents, l.currency, l.created_at
       FROM unlinked_credits u JOIN ledger_entries l ON l.id = u.entry_id
       WHERE u.created_at > @from AND u.created_at <= @to ${accountId === undefined ? '' : 'AND l.account_id = @accountId'}
         AND NOT (@skipIntents = 1 AND u.payment_id >= 'pi_' AND u.payment_id < 'pi\`')`, { from: span.oldest + DAY, to: span.newest, skipIntents: skipIntentCredits ? 1 : 0, ...(accountId === undefined ? {} : { accountId }) })) as {
    id: string; payment_id: string; account_id: string; amount_cents: number; currency: string; created_at: number;
  }[];
  return rows.map((l) => ({
    key: `unknown_payment:${l.id}`, kind: 'unknown_payment', paymentId: l.payment_id, accountId: l.account_id, currency: l.currency,
    amountCents: l.amount_cents, creditedCents: l.amount_cents, reversedCents: 0, returnedCents: 0, deltaCents: l.amount_cents, entryIds: [l.id],
    status: null, createdAt: new Date(l.created_at).toISOString(), returnedAt: null, email: null,
  }));
}

/** The ids of the credit_purchased and refund entries linked to payment `p` by its id or alt id, oldest first, as JSON. */
const linkedEntryIdsSql = (dialect: Dialect) => `(SELECT ${dialect.jsonArray('l.id', 'l.created_at, l.id')} FROM ledger_entries l
  WHERE l.payment_id IN (p.id, p.alt_id) AND l.type IN ('credit_purchased', 'refund'))`;
