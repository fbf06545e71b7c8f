// One account, as a support agent needs it: payments, ledger, tier status, and every flag and review on it.
import type { AccountDetails } from '../../shared/api.js';
import type { FlagSettings, LedgerType, PaymentStatus } from '../../shared/domain.js';
import type { Store } from './store/store.js';
import { computeFlags } from './flags/index.js';
import { listFollowups } from './followups.js';
import { listReviews } from './reviews.js';

/** The account view is the API contract's AccountDetails: the CLI prints it, the app shows it. */
export type AccountView = AccountDetails;

/** The account a search term names: an account id, a customer email, or a payment id (or PaymentIntent id). */
export async function resolveAccountId(db: Store, term: string): Promise<string | undefined> {
  const value = term.trim();
  if (value === '') return undefined;
  const direct = (await db.get(`SELECT account_id AS id FROM payments WHERE account_id = @v UNION ALL SELECT account_id FROM ledger_entries WHERE account_id = @v LIMIT 1`, { v: value })) as { id: string } | undefined;
  if (direct) return direct.id;
  const viaPayment = (await db.get(`SELECT account_id AS id FROM payments WHERE (id = @v OR alt_id = @v) AND account_id IS NOT NULL
     UNION ALL SELECT account_id FROM payments WHERE ${db.dialect.caseless('email')} = ${db.dialect.caseless('@v')} AND account_id IS NOT NULL LIMIT 1`, { v: value })) as { id: string } | undefined;
  return viaPayment?.id;
}

/** An account's email: the least of those its payments carry (nearly always just one), the same on every store. */
export async function accountEmail(db: Store, accountId: string): Promise<string | null> {
  return (await db.value<string>('SELECT email FROM payments WHERE account_id = ? AND email IS NOT NULL LIMIT 1', [accountId])) ?? null;
}

/** The emails of these accounts (those that have one), in one query. */
export async function accountEmails(db: Store, accountIds: Iterable<string>): Promise<Map<string, string>> {
  const wanted = [...new Set(accountIds)];
  const emails = new Map<string, string>();
  for (let i = 0; i < wanted.length; i += 500) {
    const chunk = wanted.slice(i, i + 500);
    const rows = await db.all<{ account_id: string; email: string }>(
      `SELECT account_id, min(email) AS email FROM payments
       WHERE account_id IN (${chunk.map(() => '?').join(', ')}) AND email IS NOT NULL GROUP BY account_id`,
      chunk,
    );
    for (const row of rows) emails.set(row.account_id, row.email);
  }
  return emails;
}

export async function accountView(db: Store, accountId: string, settings: FlagSettings, asOf?: string | null): Promise<AccountView> {
  const payments = (
    (await db.all(`SELECT * FROM payments WHERE account_id = ? ORDER BY created_at, id`, [accountId])) as {
      id: string; alt_id: string | null; amount_cents: number; currency: string; status: PaymentStatus; created_at: number;
      updated_at: number; invoice_id: string | null; email: string | null; description: string | null; method: string | null;
      amount_refunded_cents: number | null; dispute_status: string | null;
    }[]
  ).map((p) => ({
    paymentId: p.id,
    altId: p.alt_id,
    amountCents: p.amount_cents,
    currency: p.currency,
    status: p.status,
    createdAt: iso(p.created_at),
    updatedAt: iso(p.updated_at),
    invoiceId: p.invoice_id,
    email: p.email,
    description: p.description,
    method: p.method,
    amountRefundedCents: p.amount_refunded_cents,
    disputeStatus: p.dispute_status,
  }));
  const ledger = (
    (await db.all(`SELECT * FROM ledger_entries WHERE account_id = ? ORDER BY created_at, id`, [accountId])) as {
      id: string; type: LedgerType; amount_cents: number; currency: string; created_at: number; payment_id: string | null;
    }[]
  ).map((l) => ({ entryId: l.id, type: l.type, amountCents: l.amount_cents, currency: l.currency, createdAt: iso(l.created_at), paymentId: l.payment_id }));
  const tiers = (
    (await db.all(`SELECT * FROM account_totals WHERE account_id = ? ORDER BY currency`, [accountId])) as {
      currency: string; balance_cents: number; free_cents: number; purchased_cents: number;
    }[]
  ).map((t) => ({
    currency: t.currency,
    balanceCents: t.balance_cents,
    freeCents: t.free_cents,
    purchasedCents: t.purchased_cents,
    tier: t.purchased_cents >= settings.tierThresholdCents ? ('build_tier_1' as const) : ('limited' as const),
    missingCents: Math.max(0, settings.tierThresholdCents - t.purchased_cents),
  }));
  const flags = await computeFlags(db, { settings, asOf, accountId });
  const accountFlags = { stuck: flags.stuck ?? [], duplicates: flags.duplicates ?? [], limited: flags.limited ?? [], mismatches: flags.mismatches ?? [] };
  const keys = [accountId, ...payments.map((p) => p.paymentId), ...accountFlags.duplicates.map((d) => d.key), ...accountFlags.mismatches.map((m) => m.key)];
  return {
    accountId,
    emails: [...new Set(payments.map((p) => p.email).filter((e): e is string => e !== null))],
    payments,
    ledger,
    tiers,
    flags: accountFlags,
    reviews: await listReviews(db, { keys }),
    followups: await listFollowups(db, settings, { accountId, includeDone: true }),
    asOf: flags.asOf,
  };
}

const iso = (ms: number) => new Date(ms).toISOString();
