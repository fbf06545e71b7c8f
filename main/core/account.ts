// One account, as a support agent needs it: payments, ledger, tier status, and every flag and review on it.
import type { AccountDetails } from '../../shared/api.js';
import type { FlagSettings, LedgerType, PaymentStatus } from '../../shared/domain.js';
import type { Db } from './db/open.js';
import { computeFlags } from './flags/index.js';
import { listFollowups } from './followups.js';
import { listReviews } from './reviews.js';

/** The account view is the API contract's AccountDetails: the CLI prints it, the app shows it. */
export type AccountView = AccountDetails;

/** The account a search term names: an account id, a customer email, or a payment id (or PaymentIntent id). */
export function resolveAccountId(db: Db, term: string): string | undefined {
  const value = term.trim();
  if (value === '') return undefined;
  const direct = db.prepare(
    `SELECT account_id AS id FROM payments WHERE account_id = @v UNION ALL SELECT account_id FROM ledger_entries WHERE account_id = @v LIMIT 1`,
  ).get({ v: value }) as { id: string } | undefined;
  if (direct) return direct.id;
  const viaPayment = db.prepare(
    `SELECT account_id AS id FROM payments WHERE (id = @v OR alt_id = @v) AND account_id IS NOT NULL
     UNION ALL SELECT account_id FROM payments WHERE email = @v COLLATE NOCASE AND account_id IS NOT NULL LIMIT 1`,
  ).get({ v: value }) as { id: string } | undefined;
  return viaPayment?.id;
}

/** An account's email (from the first of its payments that carries one), looked up by a statement prepared once. */
export function accountEmails(db: Db): (accountId: string) => string | null {
  const first = db.prepare('SELECT email FROM payments WHERE account_id = ? AND email IS NOT NULL LIMIT 1').pluck();
  return (accountId) => (first.get(accountId) as string | undefined) ?? null;
}

export function accountView(db: Db, accountId: string, settings: FlagSettings, asOf?: string | null): AccountView {
  const payments = (
    db.prepare(`SELECT * FROM payments WHERE account_id = ? ORDER BY created_at, id`).all(accountId) as {
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
    db.prepare(`SELECT * FROM ledger_entries WHERE account_id = ? ORDER BY created_at, id`).all(accountId) as {
      id: string; type: LedgerType; amount_cents: number; currency: string; created_at: number; payment_id: string | null;
    }[]
  ).map((l) => ({ entryId: l.id, type: l.type, amountCents: l.amount_cents, currency: l.currency, createdAt: iso(l.created_at), paymentId: l.payment_id }));
  const tiers = (
    db.prepare(`SELECT * FROM account_totals WHERE account_id = ? ORDER BY currency`).all(accountId) as {
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
  const flags = computeFlags(db, { settings, asOf, accountId });
  const accountFlags = { stuck: flags.stuck ?? [], duplicates: flags.duplicates ?? [], limited: flags.limited ?? [], mismatches: flags.mismatches ?? [] };
  const keys = [accountId, ...payments.map((p) => p.paymentId), ...accountFlags.duplicates.map((d) => d.key), ...accountFlags.mismatches.map((m) => m.key)];
  return {
    accountId,
    emails: [...new Set(payments.map((p) => p.email).filter((e): e is string => e !== null))],
    payments,
    ledger,
    tiers,
    flags: accountFlags,
    reviews: listReviews(db, { keys }),
    followups: listFollowups(db, settings, { accountId, includeDone: true }),
    asOf: flags.asOf,
  };
}

const iso = (ms: number) => new Date(ms).toISOString();
