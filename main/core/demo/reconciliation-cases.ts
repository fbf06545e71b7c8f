// Cases planted for reconciliation (rules.md §1 "Slow payment methods", §4 Mismatches, §5 Follow-ups), each on
// an account of its own after the canonical and Stripe ones, so that the cases planted before stay as they were.
// Like planted-cases.ts: each raises (or, for near misses, must not raise) exactly the flag its kind names.
import type { AccountBook, Payment } from './account-book.js';
import { PACKS, type DemoWindow } from './normal-history.js';
import { ACH_DEBIT } from './payment-methods.js';
import { age, established, expand, money, paid, type Builder, type PlantContext, type PlantedKind, type PlantOutcome, type PlantSpec } from './planted-cases.js';
import type { Random } from './random.js';
import { DAY, HOUR, MINUTE } from './time.js';

export interface ReconciliationSpec extends PlantSpec {
  processor: AccountBook['processor'];
}

const REVIEWER = 'ana';

const PLANTS: readonly (readonly [AccountBook['processor'], PlantedKind, number, Builder])[] = [
  ['canonical', 'near-miss-bank-debit-pending', 1, bankDebitPending],
  ['stripe', 'near-miss-bank-debit-pending', 1, bankDebitPending],
  ['canonical', 'stuck-bank-debit', 1, bankDebitStuck],
  ['canonical', 'mismatch-credited-twice', 2, creditedTwice],
  ['canonical', 'mismatch-amount-differs', 2, amountDiffers],
  ['canonical', 'mismatch-credited-not-paid', 1, creditedNotPaid],
  ['canonical', 'mismatch-refund-not-reversed', 2, refundNotReversed],
  ['stripe', 'mismatch-lost-dispute', 1, lostDispute],
  ['canonical', 'mismatch-unknown-payment', 1, unknownPayment],
  ['canonical', 'near-miss-refund-just-made', 1, refundJustMade],
  ['canonical', 'near-miss-dispute-not-lost', 2, disputeNotLost],
  ['canonical', 'near-miss-credit-before-period', 1, creditBeforePeriod],
  ['stripe', 'near-miss-test-mode', 1, testModeCharges],
  ['canonical', 'followup-refunded-not-reversed', 1, refundedNotReversed],
  ['canonical', 'followup-waiting', 1, refundWaiting],
];

export const reconciliationPlantSpecs = (): ReconciliationSpec[] =>
  PLANTS.flatMap(([processor, kind, count, build]) => expand([[kind, count, build]]).map((spec) => ({ ...spec, processor })));

function bankDebitPending(book: AccountBook, { rng, window }: PlantContext): PlantOutcome {
  established(book, rng, window);
  const cents = rng.weighted(PACKS);
  const days = book.processor === 'stripe' ? 1 : 2;
  const payment = book.charge(window.end - days * DAY + rng.int(-HOUR, HOUR), cents, 'pending');
  payment.method = ACH_DEBIT;
  return {
    payments: [payment],
    note: `${money(cents)} ACH debit (${ACH_DEBIT}) pending for ${days === 1 ? 'a day' : `${days} days`}: normal for a bank debit (7-day threshold), not stuck`,
  };
}

function bankDebitStuck(book: AccountBook, { rng, window }: PlantContext): PlantOutcome {
  const createdAt = window.end - 9 * DAY - rng.int(0, 6 * HOUR);
  established(book, rng, window, createdAt - 2 * DAY);
  const cents = rng.weighted(PACKS);
  const payment = book.charge(createdAt, cents, 'pending');
  payment.method = ACH_DEBIT;
  return { payments: [payment], note: `${money(cents)} ACH debit pending for 9 days: past the 7-day bank-debit threshold, stuck` };
}

function creditedTwice(book: AccountBook, { rng, window }: PlantContext): PlantOutcome {
  established(book, rng, window);
  const cents = rng.weighted(PACKS);
  const payment = paid(book, rng, window.end - rng.int(2 * HOUR, 40 * HOUR), cents);
  const again = rng.int(2 * MINUTE, 3 * HOUR);
  book.credit(payment, payment.createdAt + again);
  return { payments: [payment], note: `${money(cents)} paid once, credited twice (again ${age(again)} later): ${money(cents)} over-credited` };
}

function amountDiffers(book: AccountBook, { rng, window }: PlantContext, index: number): PlantOutcome {
  established(book, rng, window);
  const cents = rng.weighted(PACKS.filter(([pack]) => pack >= 1000));
  const payment = book.charge(window.end - rng.int(2 * HOUR, 40 * HOUR), cents, 'succeeded');
  const creditedAt = payment.createdAt + rng.int(1, 50);
  if (index % 2 === 0) {
    book.credit(payment, creditedAt, { cents: cents / 2 });
    return { payments: [payment], note: `paid ${money(cents)}, credited ${money(cents / 2)}: the customer is owed ${money(cents / 2)} of credits` };
  }
  book.credit(payment, creditedAt, { currency: 'eur' });
  return { payments: [payment], note: `paid ${money(cents)} in USD, credited ${money(cents).slice(1)} in EUR: currencies differ, no delta` };
}

function creditedNotPaid(book: AccountBook, { rng, window }: PlantContext): PlantOutcome {
  established(book, rng, window);
  const cents = rng.weighted(PACKS);
  const payment = book.charge(window.end - rng.int(2 * HOUR, 40 * HOUR), cents, 'failed');
  book.credit(payment, payment.createdAt + rng.int(1, 50));
  return { payments: [payment], note: `card declined for ${money(cents)}, yet ${money(cents)} of credits were granted` };
}

/** Refunded at the processor (in full, then half) a day or more before the ledger export; credits never taken back. */
function refundNotReversed(book: AccountBook, { rng, window }: PlantContext, index: number): PlantOutcome {
  established(book, rng, window);
  const cents = rng.weighted(PACKS);
  const payment = paid(book, rng, window.end - rng.int(30 * HOUR, 44 * HOUR), cents);
  const refundCents = index % 2 === 0 ? cents : cents / 2;
  book.refundAtProcessor(payment, payment.createdAt + rng.int(2 * HOUR, 6 * HOUR), refundCents);
  return { payments: [payment], note: `${money(refundCents)} of ${money(cents)} refunded to the customer, credits never reversed` };
}

/** A chargeback the customer won: the money went back through the dispute; the credits stayed. */
function lostDispute(book: AccountBook, { rng, window }: PlantContext): PlantOutcome {
  const payment = olderPayment(book, rng, window);
  book.dispute(payment, payment.createdAt + rng.int(4 * DAY, 7 * DAY), 'lost');
  return { payments: [payment], note: `Stripe: ${money(payment.cents)} charge disputed and the dispute lost, credits never reversed` };
}

function unknownPayment(book: AccountBook, { rng, window }: PlantContext): PlantOutcome {
  established(book, rng, window);
  const cents = rng.weighted(PACKS);
  const ref = `pi_${rng.token(24)}`;
  book.creditUnknown(window.end - rng.int(5 * HOUR, 30 * HOUR), cents, ref);
  return { payments: [], ledgerRefs: [ref], note: `${money(cents)} credited for payment ${ref}, which no payments export has` };
}

function refundJustMade(book: AccountBook, { rng, window }: PlantContext): PlantOutcome {
  established(book, rng, window);
  const cents = rng.weighted(PACKS);
  const payment = paid(book, rng, window.end - rng.int(3 * HOUR, 20 * HOUR), cents);
  const before = rng.int(3 * MINUTE, 10 * MINUTE);
  book.refundAtProcessor(payment, window.end - before, cents);
  return {
    payments: [payment],
    note: `${money(cents)} refunded ${age(before)} before the ledger export: its reversal cannot show yet, not judged`,
  };
}

function disputeNotLost(book: AccountBook, { rng, window }: PlantContext, index: number): PlantOutcome {
  const payment = olderPayment(book, rng, window);
  const status = index % 2 === 0 ? 'won' : 'needs_response';
  book.dispute(payment, payment.createdAt + rng.int(4 * DAY, 7 * DAY), status);
  return { payments: [payment], note: `${money(payment.cents)} disputed, dispute ${status}: no money returned, nothing to reverse` };
}

function creditBeforePeriod(book: AccountBook, { rng, window }: PlantContext): PlantOutcome {
  const ref = `pi_${rng.token(24)}`;
  const cents = rng.weighted(PACKS);
  book.creditUnknown(window.start - rng.int(10 * DAY, 20 * DAY), cents, ref);
  established(book, rng, window);
  return {
    payments: [],
    ledgerRefs: [ref],
    note: `${money(cents)} credited for ${ref} before the payments export begins: its payment is simply older, no mismatch`,
  };
}

/** Two Stripe test-mode charges (`Mode` = `Test`) that would be stuck if they were imported. */
function testModeCharges(book: AccountBook, { rng, window }: PlantContext): PlantOutcome {
  established(book, rng, window);
  const pending = book.charge(window.end - rng.int(2 * HOUR, 5 * HOUR), 500, 'pending');
  const paidUncredited = book.charge(window.end - rng.int(HOUR, 2 * HOUR), 1000, 'succeeded');
  for (const payment of [pending, paidUncredited]) payment.testMode = true;
  return { payments: [pending, paidUncredited], note: 'Stripe: two test-mode charges (Mode = Test), one Pending and one Paid but never credited: not imported' };
}

function refundedNotReversed(book: AccountBook, { rng, window }: PlantContext): PlantOutcome {
  established(book, rng, window);
  const cents = rng.weighted(PACKS);
  const first = paid(book, rng, window.end - rng.int(30 * HOUR, 40 * HOUR), cents);
  const second = paid(book, rng, first.createdAt + rng.int(3 * MINUTE, 8 * MINUTE), cents);
  const decidedAt = second.createdAt + rng.int(HOUR, 3 * HOUR);
  book.refundAtProcessor(second, decidedAt + rng.int(HOUR, 4 * HOUR), cents);
  return {
    payments: [first, second],
    decision: { decision: 'refund_needed', at: decidedAt, reviewer: REVIEWER, note: 'paid twice; refund the second payment' },
    note: `paid ${money(cents)} twice; refund_needed decided, the second refunded at the processor, its credits not yet reversed`,
  };
}

function refundWaiting(book: AccountBook, { rng, window }: PlantContext): PlantOutcome {
  established(book, rng, window);
  const cents = rng.weighted(PACKS);
  const first = paid(book, rng, window.end - rng.int(20 * HOUR, 30 * HOUR), cents);
  const second = paid(book, rng, first.createdAt + rng.int(10 * MINUTE, 40 * MINUTE), cents);
  return {
    payments: [first, second],
    decision: { decision: 'refund_needed', at: window.end - rng.int(HOUR, 5 * HOUR), reviewer: REVIEWER, note: 'customer asked for one refund' },
    note: `paid ${money(cents)} twice; refund_needed decided, no refund made yet`,
  };
}

/** A paid and credited purchase 10–14 days old (disputes come later), with the ordinary history well before it. */
function olderPayment(book: AccountBook, rng: Random, window: DemoWindow): Payment {
  const createdAt = window.end - rng.int(10 * DAY, 14 * DAY);
  established(book, rng, window, createdAt - 2 * DAY);
  return paid(book, rng, createdAt, rng.weighted(PACKS));
}
