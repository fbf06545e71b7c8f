// How payments and ledger credits are linked: an entry's payment_id is the payment's id or its alternate id
// (Stripe's PaymentIntent id). payments.credited_at holds the earliest linked credit_purchased time; the
// import keeps it current (main/core/import/derived-columns.ts). Shared so every rule agrees on "credited".
import type { PaymentStatus } from '../../../shared/domain.js';
import { chargeWithoutIntentWhere } from '../db/migrations/0009_charges_without_intent.js';

/** The statuses of a purchase that can be part of a duplicate cluster (and so has a purchase gap). */
const CANDIDATE_STATUSES: readonly PaymentStatus[] = ['pending', 'processing', 'succeeded', 'partially_refunded'];

export const CANDIDATE_STATUSES_SQL = `(${CANDIDATE_STATUSES.map((status) => `'${status}'`).join(', ')})`;

/** A payment with an account and a candidate status takes part in duplicate clusters, with a purchase gap. */
export const isPurchaseCandidate = (accountId: string | null, status: PaymentStatus): boolean =>
  accountId !== null && CANDIDATE_STATUSES.includes(status);

/** SQL for the earliest credit_purchased time of payment alias `p`, or NULL when it has none. */
export const creditedAtSql = (p: string) => `${p}.credited_at`;

/**
 * True for a payment still on its way: pending at the processor, or paid and not yet credited. Written exactly
 * as the partial index payments_awaiting is, so that queries containing it can use that index.
 */
export const awaitingSql = (p: string) =>
  `(${p}.status IN ('pending', 'processing') OR (${p}.status IN ('succeeded', 'partially_refunded') AND ${p}.credited_at IS NULL))`;

/**
 * Stripe charges whose export had no PaymentIntent ID column, so ledger entries naming pi_… cannot reach them.
 * Built from the WHERE of the partial index payments_charges_without_intent (migration 0009), so that counting them
 * reads only them.
 */
export const stripeChargeWithoutIntentSql = (p: string) => chargeWithoutIntentWhere(`${p}.`);
