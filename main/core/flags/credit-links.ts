// How payments and ledger credits are linked: an entry's payment_id is the payment's id or its alternate id
// (Stripe's PaymentIntent id). Shared by the stuck and duplicate rules so they agree on "credited".

/** SQL for the earliest credit_purchased time of payment alias `p`, or NULL when it has none. */
export const creditedAtSql = (p: string) => `(SELECT min(l.created_at) FROM ledger_entries l
  WHERE l.payment_id IN (${p}.id, ${p}.alt_id) AND l.type = 'credit_purchased')`;

/** SQL that is true when payment alias `p` has no linked credit_purchased entry. */
export const uncreditedSql = (p: string) => `NOT EXISTS (SELECT 1 FROM ledger_entries l
  WHERE l.payment_id IN (${p}.id, ${p}.alt_id) AND l.type = 'credit_purchased')`;

/** Stripe charges whose export had no PaymentIntent ID column, so ledger entries naming pi_… cannot reach them. */
export const stripeChargeWithoutIntentSql = (p: string) =>
  `(${p}.alt_id IS NULL AND (${p}.id LIKE 'ch\\_%' ESCAPE '\\' OR ${p}.id LIKE 'py\\_%' ESCAPE '\\'))`;
