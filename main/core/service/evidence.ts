// The evidence card of one flag: the rule with its inputs and threshold, the payments side by side, the
// linked ledger entries and a ready reply.
import type { Evidence, EvidenceInput, EvidenceLedgerEntry, EvidencePayment, Reconciliation } from '../../../shared/api.js';
import { keptNoMoney, type FlagKind, type FlagsResult, type LedgerType, type MismatchKind, type PaymentStatus, type Review } from '../../../shared/domain.js';
import { ageInWords, methodInWords } from '../../../shared/format.js';
import { formatMoney } from '../../../shared/money.js';
import type { SqlValue, Store } from '../store/store.js';
import { creditedAtSql } from '../flags/credit-links.js';
import { duplicateReply, limitedExplanation, mismatchNote, stuckReply, utcWords } from './replies.js';

export class NotFoundError extends Error {}

/** A status as words: partially_refunded → partially refunded. */
const words = (identifier: string) => identifier.replace(/_/g, ' ');
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

interface PaymentRow {
  id: string; alt_id: string | null; account_id: string | null; status: PaymentStatus; amount_cents: number; currency: string;
  created_at: number; updated_at: number; invoice_id: string | null; email: string | null; credited_at: number | null;
  method: string | null; amount_refunded_cents: number | null; refunded_at: number | null; disputed_amount_cents: number | null;
  dispute_status: string | null; disputed_at: number | null; credited_currency: string | null;
}

async function paymentsWhere(db: Store, where: string, params: Record<string, SqlValue>): Promise<EvidencePayment[]> {
  const rows = (await db.all(`SELECT p.*, ${creditedAtSql('p')} AS credited_at FROM payments p WHERE ${where} ORDER BY p.created_at, p.id`, params)) as PaymentRow[];
  return rows.map((p) => ({
    paymentId: p.id, altId: p.alt_id, accountId: p.account_id, status: p.status, amountCents: p.amount_cents, currency: p.currency,
    createdAt: iso(p.created_at) as string, updatedAt: iso(p.updated_at) as string, invoiceId: p.invoice_id, email: p.email,
    creditedAt: iso(p.credited_at), method: p.method, amountRefundedCents: p.amount_refunded_cents, refundedAt: iso(p.refunded_at),
    disputedAmountCents: p.disputed_amount_cents, disputeStatus: p.dispute_status, disputedAt: iso(p.disputed_at),
  }));
}

async function ledgerFor(db: Store, payments: EvidencePayment[], accountId: string | null, all: boolean): Promise<EvidenceLedgerEntry[]> {
  const ids = payments.flatMap((p) => [p.paymentId, p.altId]).filter((id): id is string => id !== null);
  const rows = (
    all && accountId !== null
      ? (await db.all('SELECT * FROM ledger_entries WHERE account_id = ? ORDER BY created_at, id', [accountId]))
      : ids.length === 0
        ? []
        : (await db.all(`SELECT * FROM ledger_entries WHERE payment_id IN (${ids.map(() => '?').join(',')}) ORDER BY created_at, id`, ids))
  ) as LedgerRow[];
  return rows.map(toEntry);
}

interface LedgerRow {
  id: string; type: LedgerType; amount_cents: number; currency: string; created_at: number; payment_id: string | null;
}
const toEntry = (l: LedgerRow): EvidenceLedgerEntry => ({
  entryId: l.id, type: l.type, amountCents: l.amount_cents, currency: l.currency, createdAt: iso(l.created_at) as string, paymentId: l.payment_id,
});

export async function buildEvidence(db: Store, flags: FlagsResult, kind: FlagKind, key: string, review: Review | null): Promise<Evidence> {
  const settings = flags.settings;
  if (kind === 'stuck') {
    const stuck = flags.stuck?.find((s) => s.paymentId === key);
    if (!stuck) throw new NotFoundError(`payment ${key} is not flagged as stuck (any more)`);
    const payments = await paymentsWhere(db, stuck.accountId === null ? 'p.id = @id' : 'p.id = @id OR (p.account_id = @account AND p.created_at > @since)', {
      id: key, account: stuck.accountId, since: Date.parse(stuck.createdAt),
    });
    return {
      kind, key, accountId: stuck.accountId, asOf: flags.asOf, review,
      title: stuck.stage === 'processor' ? 'Payment still pending at the processor' : 'Paid, but no credits added',
      rule:
        stuck.stage === 'processor'
          ? `The payment is still "${words(stuck.status)}" at the processor, and has waited longer than the "Stuck after" time for its payment method.`
          : `The payment went through, but the ledger shows no credit purchase for it, and it has waited longer than the "Stuck after" time (counted up to the ledger's newest entry when the ledger export is older than the payments).`,
      inputs: [
        { label: 'Stage', value: stuck.stage === 'processor' ? 'pending at the processor' : 'paid, not credited' },
        { label: 'Status', value: words(stuck.status) },
        { label: 'Age', value: ageInWords(stuck.ageSeconds) },
        { label: 'Created', value: utcWords(stuck.createdAt) },
        { label: 'As of', value: utcWords(flags.asOf) },
        { label: 'Later payments by the account', value: String(stuck.laterPayments) },
        { label: 'Payment method', value: stuck.method === null ? 'not in the export' : methodInWords(stuck.method) },
      ],
      threshold: {
        label: 'Stuck after',
        value: `${minutesInWords(stuck.stuckAfterMinutes)}${stuck.stage === 'processor' && stuck.stuckAfterMinutes !== settings.stuckAfterMinutes ? ` (the time for ${methodInWords(stuck.method)} payments)` : ''} (looking back ${settings.lookbackDays} days)`,
      },
      payments,
      ledger: await ledgerFor(db, payments, stuck.accountId, false),
      reply: stuckReply(stuck),
    };
  }
  if (kind === 'duplicates') {
    const cluster = flags.duplicates?.find((d) => d.key === key);
    if (!cluster) throw new NotFoundError(`no duplicate cluster ${key} (any more)`);
    const ids = Object.fromEntries(cluster.paymentIds.map((id, i) => [`p${i}`, id]));
    const payments = await paymentsWhere(db, `p.id IN (${Object.keys(ids).map((k) => '@' + k).join(',')})`, ids);
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
      ledger: await ledgerFor(db, payments, cluster.accountId, false),
      reply: duplicateReply(cluster, new Map(payments.map((p) => [p.paymentId, p.createdAt]))),
    };
  }
  if (kind === 'mismatches') return mismatchEvidence(db, flags, key, review);
  const limited = flags.limited?.find((l) => l.accountId === key);
  if (!limited) throw new NotFoundError(`account ${key} is not on the limited list (any more)`);
  const money = (cents: number) => formatMoney(cents, limited.currency);
  const payments = await paymentsWhere(db, 'p.account_id = @account', { account: key });
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
    ledger: await ledgerFor(db, payments, key, true),
    reply: limitedExplanation(limited, settings.tierThresholdCents),
  };
}

/** "15 min", "7 d", "1 d 12 h" */
export function minutesInWords(minutes: number): string {
  return minutes < 60 ? `${minutes} min` : ageInWords(minutes * 60);
}

const MISMATCH_TITLES: Record<MismatchKind, string> = {
  credited_twice: 'Credited more than once',
  amount_differs: 'Credits differ from the amount paid',
  credited_not_paid: 'Credits granted, but no money kept',
  refund_not_reversed: 'Money returned, credits not taken back',
  unknown_payment: 'Credits for a payment no export has',
};

const MISMATCH_RULES: Record<MismatchKind, string> = {
  credited_twice: 'The ledger has two or more credit purchases for one payment.',
  amount_differs: 'The one credit purchase in the ledger for this payment differs from it in amount or currency.',
  credited_not_paid: 'Credits are linked to a payment that failed, was canceled or never completed: no money was kept.',
  refund_not_reversed:
    'Money went back to the customer (a refund or a lost dispute), but the refunds in the ledger take back less credit than was returned (or than was credited, when that is less), and the ledger export is recent enough to show the credits being taken back.',
  unknown_payment: 'A credit purchase in the ledger names a payment that no imported export has, from a time the payments export covers.',
};

async function mismatchEvidence(db: Store, flags: FlagsResult, key: string, review: Review | null): Promise<Evidence> {
  const mismatch = flags.mismatches?.find((m) => m.key === key);
  if (!mismatch) throw new NotFoundError(`no mismatch ${key} (any more)`);
  const settings = flags.settings;
  const money = (cents: number) => formatMoney(cents, mismatch.currency);
  const unknown = mismatch.kind === 'unknown_payment';
  const payments = unknown ? [] : await paymentsWhere(db, 'p.id = @id', { id: mismatch.paymentId });
  const ledger = unknown
    ? ((await db.all('SELECT * FROM ledger_entries WHERE id = ? OR payment_id = ? ORDER BY created_at, id', [mismatch.entryIds[0], mismatch.paymentId])) as LedgerRow[]).map(toEntry)
    : await ledgerFor(db, payments, mismatch.accountId, false);
  const creditedCurrency = unknown
    ? mismatch.currency
    : (((await db.value('SELECT credited_currency FROM payments WHERE id = ?', [mismatch.paymentId])) as string | null | undefined) ?? null);
  // Money kept at the processor: nothing for a payment no export has, or one that failed or never completed.
  const paid = unknown || keptNoMoney(mismatch.status) ? 0 : mismatch.amountCents;
  const reconciliation: Reconciliation = {
    currency: mismatch.currency,
    paidCents: paid,
    returnedCents: mismatch.returnedCents,
    keptCents: paid - mismatch.returnedCents,
    creditedCents: mismatch.creditedCents,
    creditedCurrency: creditedCurrency !== null && creditedCurrency !== mismatch.currency ? creditedCurrency : null,
    reversedCents: mismatch.reversedCents,
    netCreditedCents: mismatch.creditedCents - mismatch.reversedCents,
    deltaCents: mismatch.deltaCents,
  };
  const inputs: EvidenceInput[] = [
    { label: unknown ? 'Payment named by the entry' : 'Payment', value: mismatch.paymentId },
    ...(mismatch.status === null ? [] : [{ label: 'Status at the processor', value: words(mismatch.status) }]),
    { label: 'Paid', value: unknown ? 'not in any imported export' : paid === 0 && mismatch.amountCents > 0 ? `nothing kept (${words(mismatch.status ?? '')})` : money(paid) },
    { label: 'Returned to the customer', value: money(mismatch.returnedCents) },
    { label: 'Credited', value: formatMoney(mismatch.creditedCents, reconciliation.creditedCurrency ?? mismatch.currency) },
    { label: 'Credits taken back', value: money(mismatch.reversedCents) },
    {
      label: 'Delta',
      value:
        mismatch.deltaCents === null
          ? 'not computed: the credits are in another currency'
          : `${money(Math.abs(mismatch.deltaCents))} ${mismatch.deltaCents >= 0 ? 'over-credited' : 'owed to the customer'}`,
    },
  ];
  if (mismatch.returnedAt) inputs.push({ label: 'Returned at', value: utcWords(mismatch.returnedAt) });
  return {
    kind: 'mismatches', key, accountId: mismatch.accountId, asOf: flags.asOf, review,
    title: MISMATCH_TITLES[mismatch.kind],
    rule: MISMATCH_RULES[mismatch.kind],
    inputs,
    threshold:
      mismatch.kind === 'refund_not_reversed'
        ? { label: 'Judged once the ledger export is newer than the refund by', value: minutesInWords(settings.stuckAfterMinutes) }
        : mismatch.kind === 'unknown_payment'
          ? { label: 'Period the payments export covers', value: 'from 24 h after its oldest payment to its newest' }
          : { label: 'Credits must equal', value: 'the amount paid, once' },
    payments,
    ledger,
    reply: mismatchNote(mismatch, reconciliation.creditedCurrency) + (await sharedIntentHint(db, mismatch)),
    reconciliation,
  };
}

/**
 * Stripe keeps a declined charge and the paid retry under one PaymentIntent, and a ledger credit naming that
 * PaymentIntent links to both (rules.md §1). The rule still flags the declined charge; the note says which
 * charge of the same PaymentIntent kept the money, so finance can tell a retry from a real error.
 */
async function sharedIntentHint(db: Store, mismatch: { kind: MismatchKind; paymentId: string }): Promise<string> {
  if (mismatch.kind !== 'credited_not_paid') return '';
  const sibling = (await db.get(`SELECT s.id, s.alt_id FROM payments p JOIN payments s ON s.alt_id = p.alt_id AND s.id <> p.id
       WHERE p.id = ? AND s.status IN ('succeeded', 'partially_refunded', 'refunded')
         AND NOT EXISTS (SELECT 1 FROM ledger_entries l WHERE l.payment_id = p.id AND l.type = 'credit_purchased')
       ORDER BY s.created_at, s.id LIMIT 1`, [mismatch.paymentId])) as { id: string; alt_id: string } | undefined;
  if (!sibling) return '';
  return ` The credit names PaymentIntent ${sibling.alt_id}, and ${sibling.id} of the same PaymentIntent was paid: if that payment's credits are the ones meant (a declined attempt, then a paid retry), mark this mismatch expected.`;
}
