// Rule 1: payments approved but not credited, or pending far past the normal minute (rules.md).
import { BANK_DEBIT_METHODS, processorStuckAfterMinutes, type FlagNotice, type FlagSettings, type PaymentStatus, type StuckPayment, type StuckStage } from '../../../shared/domain.js';
import type { Store } from '../store/store.js';
import { awaitingSql, stripeChargeWithoutIntentSql } from './credit-links.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

interface StuckRow {
  id: string;
  account_id: string | null;
  status: PaymentStatus;
  amount_cents: number;
  currency: string;
  created_at: number;
  email: string | null;
  invoice_id: string | null;
  stage: StuckStage;
  later_payments: number;
  method: string | null;
}

export interface StuckInputs {
  asOf: number;
  /** min(asOf, newest ledger entry), or null when no ledger was imported: no credit-stage flags then. */
  ledgerAsOf: number | null;
  /** Leave out Stripe charges that cannot be linked because their export lacked PaymentIntent ids. */
  skipChargesWithoutIntent: boolean;
  /** Only this account's payments (the account view). */
  accountId?: string;
}

const BANK_DEBITS_SQL = `(${BANK_DEBIT_METHODS.map((m) => `'${m}'`).join(', ')})`;

/**
 * The processor-stage threshold of payment `p`, in ms (rules.md §1 "Slow payment methods"): the user's own for
 * its method (parameters @method0…, @methodMs0…), else the bank-debit one, else the general one.
 */
function processorThresholdSql(methods: number): string {
  const own = Array.from({ length: methods }, (_, i) => `WHEN @method${i} THEN @methodMs${i} `).join('');
  const general = `CASE WHEN p.method IN ${BANK_DEBITS_SQL} THEN @bankDebitMs ELSE @stuckMs END`;
  return methods === 0 ? general : `CASE p.method ${own}ELSE ${general} END`;
}

/**
 * The stuck-payments query; `accountScoped` adds `p.account_id = @accountId` (the account view), `methods` is
 * how many methods have a threshold of the user's own.
 */
export function stuckSql(accountScoped: boolean, methods = 0): string {
  // Ages become bounds on created_at, so the lookback and the loosest threshold form one index range; each
  // processor-stage payment is then held to its method's threshold.
  return `SELECT p.id, p.account_id, p.status, p.amount_cents, p.currency, p.created_at, p.email, p.invoice_id, p.method,
      CASE WHEN p.status IN ('pending', 'processing') THEN 'processor' ELSE 'credit' END AS stage,
      CASE WHEN p.account_id IS NULL THEN 0 ELSE (SELECT count(*) FROM payments q
        WHERE q.account_id = p.account_id AND q.created_at > p.created_at) END AS later_payments
    FROM payments p
    WHERE ${awaitingSql('p')} AND p.created_at >= @since AND p.created_at < @earliestBefore
      ${accountScoped ? 'AND p.account_id = @accountId' : ''}
      AND (
        (p.status IN ('pending', 'processing') AND p.created_at < @asOf - ${processorThresholdSql(methods)})
        OR (p.status NOT IN ('pending', 'processing') AND CAST(@creditBefore AS BIGINT) IS NOT NULL AND p.created_at < @creditBefore
          AND NOT (@skipWithoutIntent = 1 AND ${stripeChargeWithoutIntentSql('p')})))
    ORDER BY p.created_at, p.id`;
}

export function stuckParams(settings: FlagSettings, inputs: StuckInputs): Record<string, number | string | null> {
  const stuckMs = settings.stuckAfterMinutes * MINUTE;
  const own = Object.entries(settings.methodStuckAfterMinutes);
  const loosest = Math.min(settings.stuckAfterMinutes, settings.bankDebitStuckAfterMinutes, ...own.map(([, minutes]) => minutes));
  return {
    asOf: inputs.asOf,
    since: inputs.asOf - settings.lookbackDays * DAY,
    earliestBefore: inputs.asOf - loosest * MINUTE,
    stuckMs,
    bankDebitMs: settings.bankDebitStuckAfterMinutes * MINUTE,
    ...Object.fromEntries(own.flatMap(([method, minutes], i) => [[`method${i}`, method], [`methodMs${i}`, minutes * MINUTE]])),
    creditBefore: inputs.ledgerAsOf === null ? null : inputs.ledgerAsOf - stuckMs,
    skipWithoutIntent: inputs.skipChargesWithoutIntent ? 1 : 0,
    ...(inputs.accountId === undefined ? {} : { accountId: inputs.accountId }),
  };
}

export async function listStuckPayments(db: Store, settings: FlagSettings, inputs: StuckInputs): Promise<StuckPayment[]> {
  const methods = Object.keys(settings.methodStuckAfterMinutes).length;
  const rows = (await db.all(stuckSql(inputs.accountId !== undefined, methods), stuckParams(settings, inputs))) as StuckRow[];
  return rows.map((row) => {
    const measuredAt = row.stage === 'credit' ? (inputs.ledgerAsOf as number) : inputs.asOf;
    return {
      paymentId: row.id,
      accountId: row.account_id,
      stage: row.stage,
      status: row.status,
      amountCents: row.amount_cents,
      currency: row.currency,
      createdAt: new Date(row.created_at).toISOString(),
      ageSeconds: Math.floor((measuredAt - row.created_at) / 1000),
      email: row.email,
      invoiceId: row.invoice_id,
      laterPayments: row.later_payments,
      method: row.method,
      stuckAfterMinutes: row.stage === 'processor' ? processorStuckAfterMinutes(settings, row.method) : settings.stuckAfterMinutes,
    };
  });
}

/**
 * When ledger credits name PaymentIntents (pi_…) that match no payment, and Stripe charges came without a
 * PaymentIntent ID column, say which column to add rather than flag every paid charge as uncredited.
 */
export async function missingIntentNotice(db: Store): Promise<FlagNotice | undefined> {
  // unlinked_credits holds exactly the credits that reach no payment by id or alt id (kept by the import).
  const unmatched = (await db.value(`SELECT count(*) FROM unlinked_credits WHERE payment_id >= 'pi_' AND payment_id < 'pi\`'`)) as number;
  if (unmatched === 0) return undefined;
  const charges = ((await db.get(`SELECT count(*) AS n FROM payments p WHERE ${stripeChargeWithoutIntentSql('p')}`)) as { n: number }).n;
  if (charges === 0) return undefined;
  return {
    code: 'payment-intent-ids-missing',
    message:
      `${unmatched} ledger credits name PaymentIntent ids (pi_…), but ${charges} Stripe charges were imported without one, ` +
      `so they cannot be matched. Add the "PaymentIntent ID" column to the Stripe payments export and import it again; ` +
      `until then those charges are not checked for crediting.`,
  };
}
