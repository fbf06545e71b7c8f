// The evidence card of one flag: the rule with its inputs and threshold, the payments side by side, the
// linked ledger entries and a ready reply.
import type { Evidence, EvidenceLedgerEntry, EvidencePayment } from '../../../shared/api.js';
import type { FlagKind, FlagsResult, LedgerType, PaymentStatus, Review } from '../../../shared/domain.js';
import { ageInWords } from '../../../shared/format.js';
import { formatMoney } from '../../../shared/money.js';
import type { Db } from '../db/open.js';
import { creditedAtSql } from '../flags/credit-links.js';
import { duplicateReply, limitedExplanation, stuckReply, utcWords } from './replies.js';

export class NotFoundError extends Error {}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

interface PaymentRow {
  id: string; alt_id: string | null; account_id: string | null; status: PaymentStatus; amount_cents: number; currency: string;
  created_at: number; updated_at: number; invoice_id: string | null; email: string | null; credited_at: number | null;
}

function paymentsWhere(db: Db, where: string, params: Record<string, unknown>): EvidencePayment[] {
  const rows = db
    .prepare(`SELECT p.*, ${creditedAtSql('p')} AS credited_at FROM payments p WHERE ${where} ORDER BY p.created_at, p.id`)
    .all(params) as PaymentRow[];
  return rows.map((p) => ({
    paymentId: p.id, altId: p.alt_id, accountId: p.account_id, status: p.status, amountCents: p.amount_cents, currency: p.currency,
    createdAt: iso(p.created_at) as string, updatedAt: iso(p.updated_at) as string, invoiceId: p.invoice_id, email: p.email,
    creditedAt: iso(p.credited_at),
  }));
}

function ledgerFor(db: Db, payments: EvidencePayment[], accountId: string | null, all: boolean): EvidenceLedgerEntry[] {
  const ids = payments.flatMap((p) => [p.paymentId, p.altId]).filter((id): id is string => id !== null);
  const rows = (
    all && accountId !== null
      ? db.prepare('SELECT * FROM ledger_entries WHERE account_id = ? ORDER BY created_at, id').all(accountId)
      : ids.length === 0
        ? []
        : db.prepare(`SELECT * FROM ledger_entries WHERE payment_id IN (${ids.map(() => '?').join(',')}) ORDER BY created_at, id`).all(...ids)
  ) as { id: string; type: LedgerType; amount_cents: number; currency: string; created_at: number; payment_id: string | null }[];
  return rows.map((l) => ({
    entryId: l.id, type: l.type, amountCents: l.amount_cents, currency: l.currency, createdAt: iso(l.created_at) as string, paymentId: l.payment_id,
  }));
}

export function buildEvidence(db: Db, flags: FlagsResult, kind: FlagKind, key: string, review: Review | null): Evidence {
  const settings = flags.settings;
  if (kind === 'stuck') {
    const stuck = flags.stuck?.find((s) => s.paymentId === key);
    if (!stuck) throw new NotFoundError(`payment ${key} is not flagged as stuck (any more)`);
    const payments = paymentsWhere(db, stuck.accountId === null ? 'p.id = @id' : 'p.id = @id OR (p.account_id = @account AND p.created_at > @since)', {
      id: key, account: stuck.accountId, since: Date.parse(stuck.createdAt),
    });
    return {
      kind, key, accountId: stuck.accountId, asOf: flags.asOf, review,
      title: stuck.stage === 'processor' ? 'Payment still pending at the processor' : 'Paid, but no credits added',
      rule:
        stuck.stage === 'processor'
          ? `The payment's status is "${stuck.status}" and it is older than the stuck threshold.`
          : `The payment succeeded but no credit_purchased ledger entry is linked to it, and it is older than the stuck threshold (measured against the newest ledger entry when the ledger export is older).`,
      inputs: [
        { label: 'Stage', value: stuck.stage },
        { label: 'Status', value: stuck.status },
        { label: 'Age', value: ageInWords(stuck.ageSeconds) },
        { label: 'Created', value: utcWords(stuck.createdAt) },
        { label: 'As of', value: utcWords(flags.asOf) },
        { label: 'Later payments by the account', value: String(stuck.laterPayments) },
      ],
      threshold: { label: 'Stuck after', value: `${settings.stuckAfterMinutes} min (looking back ${settings.lookbackDays} days)` },
      payments,
      ledger: ledgerFor(db, payments, stuck.accountId, false),
      reply: stuckReply(stuck),
    };
  }
  if (kind === 'duplicates') {
    const cluster = flags.duplicates?.find((d) => d.key === key);
    if (!cluster) throw new NotFoundError(`no duplicate cluster ${key} (any more)`);
    const ids = Object.fromEntries(cluster.paymentIds.map((id, i) => [`p${i}`, id]));
    const payments = paymentsWhere(db, `p.id IN (${Object.keys(ids).map((k) => '@' + k).join(',')})`, ids);
    const spanSeconds = (Date.parse(cluster.lastCreatedAt) - Date.parse(cluster.firstCreatedAt)) / 1000;
    return {
      kind, key, accountId: cluster.accountId, asOf: flags.asOf, review,
      title: cluster.whilePending ? 'Paid again while the first payment was pending' : 'Same amount paid again within the window',
      rule: `The account made ${cluster.paymentIds.length} payments of the same amount and currency, each within the duplicate window of the previous one.${cluster.whilePending ? ' At least one was made while an earlier one was not yet credited (the stronger signal).' : ''}`,
      inputs: [
        { label: 'Payments', value: String(cluster.paymentIds.length) },
        { label: 'Amount each', value: formatMoney(cluster.amountCents, cluster.currency) },
        { label: 'Paid beyond the first', value: formatMoney(cluster.extraCents, cluster.currency) },
        { label: 'First to last', value: ageInWords(spanSeconds) },
        { label: 'Paid while pending', value: cluster.whilePending ? 'yes' : 'no' },
      ],
      threshold: { label: 'Duplicate window', value: `${settings.duplicateWindowMinutes} min` },
      payments,
      ledger: ledgerFor(db, payments, cluster.accountId, false),
      reply: duplicateReply(cluster, new Map(payments.map((p) => [p.paymentId, p.createdAt]))),
    };
  }
  const limited = flags.limited?.find((l) => l.accountId === key);
  if (!limited) throw new NotFoundError(`account ${key} is not on the limited list (any more)`);
  const money = (cents: number) => formatMoney(cents, limited.currency);
  const payments = paymentsWhere(db, 'p.account_id = @account', { account: key });
  return {
    kind, key, accountId: key, asOf: flags.asOf, review,
    title: 'Credits, but still on the Limited tier',
    rule: 'The account has a positive balance, but its purchased credits (purchases minus refunds) are below the Build Tier 1 threshold. Free credits do not count.',
    inputs: [
      { label: 'Balance', value: money(limited.balanceCents) },
      { label: 'Free credits', value: money(limited.freeCents) },
      { label: 'Purchased (net of refunds)', value: money(limited.purchasedCents) },
      { label: 'Missing', value: money(limited.missingCents) },
      { label: 'Would unlock once it completes', value: limited.unlockPaymentId ?? 'no pending payment covers the gap' },
    ],
    threshold: { label: 'Build Tier 1 after', value: `${money(settings.tierThresholdCents)} purchased` },
    payments,
    ledger: ledgerFor(db, payments, key, true),
    reply: limitedExplanation(limited, settings.tierThresholdCents),
  };
}
