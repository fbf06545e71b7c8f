// Ordinary customers: a promo grant, credit packs every few weeks, usage in between, the odd decline and refund.
// Built so that ordinary data never raises a flag: see the comments on the constants below.
import type { AccountBook } from './account-book.js';
import type { Random } from './random.js';
import { DAY, HOUR, MINUTE } from './time.js';

export interface DemoWindow {
  start: number;
  /** `endAt`: the newest timestamp in the data. */
  end: number;
}

export const FREE_GRANT_CENTS = 500;

/** A first purchase is always a whole pack of at least $5.00, and it is never refunded: no ordinary account is Limited. */
export const PACKS: readonly (readonly [number, number])[] = [
  [500, 25],
  [1000, 35],
  [2000, 20],
  [5000, 12],
  [10000, 5],
];
const TOP_UPS: readonly (readonly [number, number])[] = [...PACKS, [499, 2], [999, 2], [1499, 1], [2499, 1]];

/** Consecutive purchases are at least this far apart, well beyond the 60-minute duplicate window. */
const MIN_PURCHASE_GAP = 2 * HOUR;
const MEAN_PURCHASE_GAP = 20 * DAY;
/** Purchases are made at least this long before `end`, so each is approved and credited (1–50 s) by then. */
const SETTLED_BEFORE_END = 20 * MINUTE;
/** In-flight payments are younger than the 15-minute stuck threshold. */
const MAX_IN_FLIGHT_AGE = 10 * MINUTE;

export interface NormalHistoryOptions {
  /** A pending payment made in the last few minutes (canonical export only). */
  inFlight: boolean;
  /** Checkouts canceled before a retry (the Stripe export has no such rows). */
  canceled: boolean;
}

export function simulateNormalAccount(
  book: AccountBook,
  rng: Random,
  window: DemoWindow,
  options: NormalHistoryOptions,
): void {
  const signup = rng.int(window.start, window.end - 2 * DAY);
  const lastPurchase = window.end - SETTLED_BEFORE_END;
  const grantedAt = signup + rng.int(1, 30);
  if (rng.chance(0.85)) book.grant(grantedAt, FREE_GRANT_CENTS);

  let at = Math.min(signup + rng.int(10 * MINUTE, 3 * DAY), lastPurchase);
  book.useBetween(grantedAt, at, rng.int(0, 3));
  let first = true;
  let lastCreated = at;
  while (at <= lastPurchase) {
    const cents = rng.weighted(first ? PACKS : TOP_UPS);
    const declined = rng.chance(0.06) ? book.charge(at - MINUTE, cents, 'failed') : undefined;
    if (!declined && options.canceled && rng.chance(0.01)) book.charge(at - rng.int(3, 9) * MINUTE, cents, 'canceled');
    // A retry confirms the same PaymentIntent: Stripe lists the declined and the paid charge under one pi_ id.
    const payment = book.charge(at, cents, 'succeeded', declined?.intentId || undefined);
    const creditedAt = at + rng.int(1, 50);
    book.credit(payment, creditedAt);
    lastCreated = at;

    const next = rng.chance(0.15) ? Infinity : at + Math.max(MIN_PURCHASE_GAP, exponential(rng, MEAN_PURCHASE_GAP));
    const until = Math.min(next, window.end);
    let spendFrom = creditedAt;
    const refundCents = first ? 0 : rng.chance(0.03) ? cents : rng.chance(0.01) ? Math.floor(cents / 2) : 0;
    // Refunded before any of the pack is spent, so the refund never takes the balance below zero.
    if (refundCents > 0 && until - creditedAt > 3 * HOUR) {
      spendFrom = creditedAt + rng.int(HOUR, Math.min(2 * DAY, Math.floor((until - creditedAt) / 2)));
      book.refund(payment, spendFrom, refundCents);
    }
    book.useBetween(spendFrom, until, rng.int(0, 4));
    first = false;
    at = next;
  }

  if (rng.chance(0.01)) book.grant(rng.int(signup, window.end - DAY), rng.int(1, 5) * 100, 'adjustment');
  const inFlightAt = window.end - rng.int(20, MAX_IN_FLIGHT_AGE);
  if (options.inFlight && rng.chance(0.003) && inFlightAt - lastCreated > MIN_PURCHASE_GAP) {
    book.charge(inFlightAt, rng.weighted(PACKS), rng.chance(0.3) ? 'processing' : 'pending');
  }
}

function exponential(rng: Random, mean: number): number {
  return Math.round(-Math.log(1 - rng.next()) * mean);
}
