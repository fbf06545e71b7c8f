// A small Stripe Dashboard "unified payments" export for a separate set of accounts, newest first as the
// Dashboard writes it. Its credits go to the same ledger, linked by PaymentIntent id.
import type { PaymentStatus } from '../../../shared/domain.js';
import { formatMinor } from '../../../shared/money.js';
import { AccountBook, type Payment } from './account-book.js';
import { demoAccount, type DemoAccount } from './accounts.js';
import { CURRENCY, writeLedger, type DemoIds, type PlantedDraft } from './canonical-export.js';
import type { LineSink } from './line-sink.js';
import { PACKS, simulateNormalAccount, type DemoWindow } from './normal-history.js';
import { CARD, type PaymentMethods } from './payment-methods.js';
import { placePlants, stripePlantSpecs } from './planted-cases.js';
import type { Random } from './random.js';
import { MINUTE, stripeUtc } from './time.js';

export const STRIPE_HEADER =
  'id,Created date (UTC),Amount,Amount Refunded,Refunded date (UTC),Currency,Captured,Description,Status,Mode,' +
  'Payment Source Type,Disputed Amount,Dispute Status,Dispute Date (UTC),Customer ID,Customer Email,Invoice ID,' +
  'PaymentIntent ID,account_id (metadata)';
export const STRIPE_ACCOUNTS = 80;
const ABANDONED_CHECKOUTS = 3;

const STRIPE_STATUS: Record<PaymentStatus, string> = {
  succeeded: 'Paid',
  partially_refunded: 'Paid',
  refunded: 'Refunded',
  pending: 'Pending',
  processing: 'processing',
  failed: 'Failed',
  canceled: 'Canceled',
  incomplete: 'requires_payment_method',
};
const CAPTURED: ReadonlySet<PaymentStatus> = new Set(['succeeded', 'partially_refunded', 'refunded', 'pending']);

/** A row of the Stripe export: written last, newest first, once every account has been built. */
export interface StripeCharge {
  account: DemoAccount;
  payment: Payment;
  usualMethod: string;
}

/**
 * Accounts `firstNumber`… (after the canonical ones), with the Stripe planted cases among them. Their ledger
 * entries are written now; their charges are added to `charges`.
 */
export async function writeStripeAccounts(
  ledger: LineSink,
  charges: StripeCharge[],
  ids: DemoIds,
  rng: Random,
  window: DemoWindow,
  firstNumber: number,
  methods: PaymentMethods,
): Promise<PlantedDraft[]> {
  const lastNumber = firstNumber + STRIPE_ACCOUNTS - 1;
  const specs = stripePlantSpecs();
  const placed = placePlants(rng, specs.length, firstNumber, lastNumber);
  const abandoned = new Set<number>();
  while (abandoned.size < ABANDONED_CHECKOUTS) {
    const number = rng.int(firstNumber, lastNumber);
    if (!placed.has(number)) abandoned.add(number);
  }

  const drafts: PlantedDraft[] = [];
  for (let number = firstNumber; number <= lastNumber; number++) {
    const book = new AccountBook(demoAccount(number, rng, true), 'stripe', rng);
    const specIndex = placed.get(number);
    const usualMethod = methods.usual();
    if (specIndex === undefined) {
      simulateNormalAccount(book, rng, window, { inFlight: false, canceled: false });
    } else {
      const spec = specs[specIndex];
      drafts[specIndex] = { kind: spec.kind, account: book.account, ...spec.build(book, { rng, window }) };
    }
    if (abandoned.has(number)) {
      const firstAttempt = Math.min(...book.payments.map((payment) => payment.createdAt));
      book.charge(firstAttempt - rng.int(2, 9) * MINUTE, rng.weighted(PACKS), 'incomplete');
    }
    await writeStripeBook(book, ledger, charges, ids, specIndex === undefined ? usualMethod : CARD);
  }
  return drafts;
}

/** One account's ledger entries, written now, and its charges, added to `charges`. */
export async function writeStripeBook(book: AccountBook, ledger: LineSink, charges: StripeCharge[], ids: DemoIds, usualMethod: string): Promise<void> {
  writeLedger(book, ledger, ids);
  await ledger.flushIfFull();
  for (const payment of book.payments) charges.push({ account: book.account, payment, usualMethod });
}

/** The Dashboard export, newest first as the Dashboard writes it. */
export function writeStripeCharges(sink: LineSink, charges: readonly StripeCharge[], methods: PaymentMethods): void {
  const newestFirst = [...charges].sort((a, b) => b.payment.createdAt - a.payment.createdAt);
  for (const charge of newestFirst) sink.add(stripeLine(charge, methods));
}

function stripeLine({ account, payment, usualMethod }: StripeCharge, methods: PaymentMethods): string {
  const { dispute } = payment;
  return [
    payment.id,
    stripeUtc(payment.createdAt),
    formatMinor(payment.cents, 2),
    formatMinor(payment.refundedCents, 2),
    payment.refundedAt === null ? '' : stripeUtc(payment.refundedAt),
    CURRENCY,
    CAPTURED.has(payment.status) ? 'true' : 'false',
    payment.description,
    STRIPE_STATUS[payment.status],
    payment.testMode ? 'Test' : 'Live',
    methods.stripeSourceType(payment.method ?? usualMethod),
    dispute ? formatMinor(dispute.cents, 2) : '',
    dispute?.status ?? '',
    dispute ? stripeUtc(dispute.at) : '',
    account.customerId,
    account.email,
    payment.invoiceId,
    payment.intentId,
    account.id,
  ].join(',');
}
