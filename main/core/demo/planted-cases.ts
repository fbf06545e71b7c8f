// Accounts planted on purpose: each raises (or, for near misses, must not raise) exactly one known flag.
// Planted events happen in the last two days; the account's ordinary history ends three days before `end`.
import { formatMinor } from '../../../shared/money.js';
import type { AccountBook, Payment } from './account-book.js';
import { FREE_GRANT_CENTS, PACKS, simulateNormalAccount, type DemoWindow } from './normal-history.js';
import type { Random } from './random.js';
import { DAY, HOUR, MINUTE } from './time.js';

export type PlantedKind =
  | 'stuck-processor'
  | 'stuck-credit'
  | 'duplicate-while-pending'
  | 'duplicate'
  | 'limited'
  | 'limited-with-unlock'
  | 'near-miss-exactly-5'
  | 'near-miss-refunded-purchase'
  | 'near-miss-declined-retry'
  | 'near-miss-hours-apart'
  | 'near-miss-credited-in-time'
  // Reconciliation (rules.md §1 "Slow payment methods", §4, §5): see reconciliation-cases.ts.
  | 'stuck-bank-debit'
  | 'near-miss-bank-debit-pending'
  | 'mismatch-credited-twice'
  | 'mismatch-amount-differs'
  | 'mismatch-credited-not-paid'
  | 'mismatch-refund-not-reversed'
  | 'mismatch-lost-dispute'
  | 'mismatch-unknown-payment'
  | 'near-miss-refund-just-made'
  | 'near-miss-dispute-not-lost'
  | 'near-miss-credit-before-period'
  | 'near-miss-test-mode'
  | 'followup-refunded-not-reversed'
  | 'followup-waiting';

export interface PlantContext {
  rng: Random;
  window: DemoWindow;
}

export interface PlantOutcome {
  /** The payments that make the case, in created order. */
  payments: Payment[];
  note: string;
  /** Payment ids that the case's ledger entries name although no export has them. */
  ledgerRefs?: string[];
  /** A finance reviewer's decision on the case, shipped with the demo as a shared reviews CSV. */
  decision?: PlantedDecision;
}

/** A `refund_needed` decision on the duplicate cluster made of the case's payments. */
export interface PlantedDecision {
  decision: 'refund_needed';
  at: number;
  reviewer: string;
  note: string;
}

export interface PlantSpec {
  kind: PlantedKind;
  build(book: AccountBook, context: PlantContext): PlantOutcome;
}

export type Builder = (book: AccountBook, context: PlantContext, index: number) => PlantOutcome;

/** Limited accounts keep at least this much balance, so that they stay flagged. */
const KEEP_CENTS = 100;

const CANONICAL_PLANTS: readonly (readonly [PlantedKind, number, Builder])[] = [
  ['stuck-processor', 5, stuckAtProcessor],
  ['stuck-credit', 5, stuckBeforeCredit],
  ['duplicate-while-pending', 5, duplicateWhilePending],
  ['duplicate', 5, duplicate],
  ['limited', 5, limited],
  // A refunded purchase does not count as purchased, so this is a Limited account, not a near miss.
  ['limited', 3, limitedAfterRefund],
  ['limited-with-unlock', 5, limitedWithUnlock],
  ['near-miss-exactly-5', 5, exactlyFive],
  ['near-miss-declined-retry', 5, declinedRetry],
  ['near-miss-hours-apart', 5, hoursApart],
  ['near-miss-credited-in-time', 5, creditedInTime],
];

const STRIPE_PLANTS: readonly (readonly [PlantedKind, number, Builder])[] = [
  ['duplicate-while-pending', 1, stripeDuplicateWhilePending],
  ['stuck-processor', 1, stripeStuckPending],
  ['near-miss-credited-in-time', 1, stripeCreditedInTime],
];

export const canonicalPlantSpecs = (): PlantSpec[] => expand(CANONICAL_PLANTS);
export const stripePlantSpecs = (): PlantSpec[] => expand(STRIPE_PLANTS);

export function expand(plants: readonly (readonly [PlantedKind, number, Builder])[]): PlantSpec[] {
  return plants.flatMap(([kind, count, build]) =>
    Array.from({ length: count }, (_, index) => ({
      kind,
      build: (book: AccountBook, context: PlantContext) => build(book, context, index),
    })),
  );
}

function stuckAtProcessor(book: AccountBook, { rng, window }: PlantContext, index: number): PlantOutcome {
  established(book, rng, window);
  const status = index === 0 ? 'processing' : 'pending';
  const cents = rng.weighted(PACKS);
  const createdAt = window.end - rng.int(2 * HOUR, 20 * HOUR);
  const payment = book.charge(createdAt, cents, status);
  let note = `${money(cents)} ${status} at the processor for ${age(window.end - createdAt)}`;
  if (index === 1) {
    const otherCents = cents === 1000 ? 2000 : 1000;
    paid(book, rng, createdAt + rng.int(20, 40) * MINUTE, otherCents);
    note += `; the customer then bought a ${money(otherCents)} pack that went through (a different amount)`;
  }
  return { payments: [payment], note };
}

function stuckBeforeCredit(book: AccountBook, { rng, window }: PlantContext): PlantOutcome {
  established(book, rng, window);
  const cents = rng.weighted(PACKS);
  const createdAt = window.end - rng.int(HOUR, 30 * HOUR);
  const payment = book.charge(createdAt, cents, 'succeeded');
  return { payments: [payment], note: `${money(cents)} succeeded and invoiced ${age(window.end - createdAt)} ago, never credited` };
}

function duplicateWhilePending(book: AccountBook, { rng, window }: PlantContext, index: number): PlantOutcome {
  established(book, rng, window);
  const cents = rng.weighted(PACKS);
  if (index % 3 === 2) {
    // Still pending but younger than the stuck threshold: a duplicate, not a stuck payment.
    const first = book.charge(window.end - rng.int(11 * MINUTE, 13 * MINUTE), cents, 'pending');
    const second = paid(book, rng, first.createdAt + rng.int(3 * MINUTE, 6 * MINUTE), cents);
    return {
      payments: [first, second],
      note:
        `paid ${money(cents)} again ${age(second.createdAt - first.createdAt)} after a payment that is still ` +
        'pending (under 15 min, so not stuck)',
    };
  }
  const first = book.charge(window.end - rng.int(2 * HOUR, 40 * HOUR), cents, 'succeeded');
  const later = [paid(book, rng, first.createdAt + rng.int(2 * MINUTE, 5 * MINUTE), cents)];
  if (index % 3 === 1) later.push(paid(book, rng, later[0].createdAt + rng.int(2 * MINUTE, 5 * MINUTE), cents));
  const last = later[later.length - 1];
  const creditedAt = last.createdAt + rng.int(MINUTE, 15 * MINUTE);
  book.credit(first, creditedAt);
  return {
    payments: [first, ...later],
    note:
      `${later.length + 1} payments of ${money(cents)} within ${age(last.createdAt - first.createdAt)}; ` +
      `the first was credited only ${age(creditedAt - first.createdAt)} after it was made`,
  };
}

function duplicate(book: AccountBook, { rng, window }: PlantContext): PlantOutcome {
  established(book, rng, window);
  const cents = rng.weighted(PACKS);
  const first = paid(book, rng, window.end - rng.int(2 * HOUR, 40 * HOUR), cents);
  const second = paid(book, rng, first.createdAt + rng.int(20 * MINUTE, 50 * MINUTE), cents);
  return {
    payments: [first, second],
    note: `paid ${money(cents)} twice ${age(second.createdAt - first.createdAt)} apart, both credited within a minute`,
  };
}

function limited(book: AccountBook, { rng, window }: PlantContext, index: number): PlantOutcome {
  const grantedAt = newcomer(book, rng, window);
  const cents = [0, 200, 499][index % 3];
  const payments = cents > 0 ? [paid(book, rng, grantedAt + rng.int(HOUR, 3 * DAY), cents)] : [];
  book.useBetween(latestEntry(book), window.end, rng.int(1, 4), KEEP_CENTS);
  let note = `free ${money(FREE_GRANT_CENTS)} and ${money(cents)} purchased, balance above zero`;
  if (index === 0) {
    book.use(window.end, rng.int(1, KEEP_CENTS / 2));
    note += '; its last usage is the newest timestamp in the data (endAt)';
  }
  return { payments, note };
}

function limitedAfterRefund(book: AccountBook, { rng, window }: PlantContext): PlantOutcome {
  const grantedAt = newcomer(book, rng, window);
  const payment = paid(book, rng, grantedAt + rng.int(HOUR, 3 * DAY), 1000);
  const refundedAt = payment.createdAt + rng.int(HOUR, 2 * DAY);
  book.refund(payment, refundedAt, payment.cents);
  book.useBetween(refundedAt, window.end, rng.int(1, 4), KEEP_CENTS);
  return {
    payments: [payment],
    note: 'near-miss-refunded-purchase: bought $10.00 and was refunded in full, so purchased is $0.00 and the account IS Limited',
  };
}

function limitedWithUnlock(book: AccountBook, { rng, window }: PlantContext, index: number): PlantOutcome {
  const grantedAt = newcomer(book, rng, window);
  const cents = [0, 200][index % 2];
  if (cents > 0) paid(book, rng, grantedAt + rng.int(HOUR, 3 * DAY), cents);
  book.useBetween(latestEntry(book), window.end - 2 * HOUR, rng.int(1, 4), KEEP_CENTS);
  const pending = book.charge(window.end - rng.int(30 * MINUTE, 60 * MINUTE), 1000, 'pending');
  return {
    payments: [pending],
    note:
      `${money(cents)} purchased, ${money(500 - cents)} short of Tier 1; a $10.00 payment pending for ` +
      `${age(window.end - pending.createdAt)} would unlock it (it is also stuck at the processor)`,
  };
}

function exactlyFive(book: AccountBook, { rng, window }: PlantContext, index: number): PlantOutcome {
  const grantedAt = newcomer(book, rng, window);
  const split = [[500], [200, 300], [100, 400]][index % 3];
  const payments: Payment[] = [];
  let at = grantedAt + rng.int(HOUR, 2 * DAY);
  for (const cents of split) {
    payments.push(paid(book, rng, at, cents));
    at += rng.int(DAY, 3 * DAY);
  }
  book.useBetween(latestEntry(book), window.end, rng.int(1, 4), KEEP_CENTS);
  return { payments, note: `free ${money(FREE_GRANT_CENTS)} plus exactly $5.00 purchased (${split.map(money).join(' + ')}): not Limited` };
}

function declinedRetry(book: AccountBook, { rng, window }: PlantContext): PlantOutcome {
  established(book, rng, window);
  const cents = rng.weighted(PACKS);
  const failed = book.charge(window.end - rng.int(HOUR, 40 * HOUR), cents, 'failed');
  const retried = paid(book, rng, failed.createdAt + MINUTE, cents);
  return { payments: [failed, retried], note: `card declined, the same ${money(cents)} retried a minute later: not a duplicate` };
}

function hoursApart(book: AccountBook, { rng, window }: PlantContext): PlantOutcome {
  established(book, rng, window);
  const cents = rng.weighted(PACKS);
  const first = paid(book, rng, window.end - rng.int(4 * HOUR, 40 * HOUR), cents);
  const second = paid(book, rng, first.createdAt + 3 * HOUR, cents);
  return { payments: [first, second], note: `${money(cents)} twice, 3 h apart: outside the 60-minute duplicate window` };
}

function creditedInTime(book: AccountBook, { rng, window }: PlantContext): PlantOutcome {
  established(book, rng, window);
  const cents = rng.weighted(PACKS);
  const payment = book.charge(window.end - 5 * MINUTE + rng.int(-30, 30), cents, 'succeeded');
  const note = `${money(cents)} succeeded ${age(window.end - payment.createdAt)} before endAt, not credited yet: not stuck`;
  return { payments: [payment], note };
}

function stripeDuplicateWhilePending(book: AccountBook, { rng, window }: PlantContext): PlantOutcome {
  established(book, rng, window);
  const cents = rng.weighted(PACKS);
  const first = book.charge(window.end - rng.int(2 * HOUR, 30 * HOUR), cents, 'succeeded');
  const second = paid(book, rng, first.createdAt + 4 * MINUTE, cents);
  book.credit(first, second.createdAt + rng.int(MINUTE, 3 * MINUTE));
  const note = `Stripe: two Paid ${money(cents)} charges 4 min apart, the second made before the first was credited`;
  return { payments: [first, second], note };
}

function stripeStuckPending(book: AccountBook, { rng, window }: PlantContext): PlantOutcome {
  established(book, rng, window);
  const cents = rng.weighted(PACKS);
  const payment = book.charge(window.end - 3 * HOUR - rng.int(0, 10 * MINUTE), cents, 'pending');
  return { payments: [payment], note: `Stripe: ${money(cents)} charge Pending for ${age(window.end - payment.createdAt)}` };
}

function stripeCreditedInTime(book: AccountBook, { rng, window }: PlantContext): PlantOutcome {
  established(book, rng, window);
  const cents = rng.weighted(PACKS);
  const payment = book.charge(window.end - 4 * MINUTE - rng.int(0, 30), cents, 'succeeded');
  const note = `Stripe: ${money(cents)} Paid ${age(window.end - payment.createdAt)} before endAt, not credited yet: not stuck`;
  return { payments: [payment], note };
}

/**
 * An ordinary customer whose history ends three days before `end` (or at `until`), so it cannot interfere with
 * the planted events.
 */
export function established(book: AccountBook, rng: Random, window: DemoWindow, until = window.end - 3 * DAY): void {
  const options = { inFlight: false, canceled: book.processor === 'canonical' };
  simulateNormalAccount(book, rng, { start: window.start, end: until }, options);
}

/** A recent sign-up with the promo grant and no ordinary purchases; returns when the grant was made. */
function newcomer(book: AccountBook, rng: Random, window: DemoWindow): number {
  const grantedAt = window.end - rng.int(7 * DAY, Math.min(90 * DAY, window.end - window.start));
  book.grant(grantedAt, FREE_GRANT_CENTS);
  return grantedAt;
}

/** Usage starts after the last credit or refund, so the balance it spends from is the real one at that time. */
function latestEntry(book: AccountBook): number {
  return Math.max(...book.entries.map((entry) => entry.at));
}

export function paid(book: AccountBook, rng: Random, at: number, cents: number): Payment {
  const payment = book.charge(at, cents, 'succeeded');
  book.credit(payment, at + rng.int(1, 50));
  return payment;
}

export function money(cents: number): string {
  return `$${formatMinor(cents, 2)}`;
}

export function age(seconds: number): string {
  const minutes = Math.round(seconds / MINUTE);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** Chooses a distinct account number in [first, last] for each planted case, scattered among ordinary accounts. */
export function placePlants(rng: Random, count: number, first: number, last: number): Map<number, number> {
  const placed = new Map<number, number>();
  while (placed.size < count) {
    const number = rng.int(first, last);
    if (!placed.has(number)) placed.set(number, placed.size);
  }
  return placed;
}
