// An index of the Stripe charges whose export had no PaymentIntent ID column (flags/stuck.ts missingIntentNotice
// counts them on every flag computation, the account view's too). They are few or none, and without the index
// the count read every payment: 1,000,000 payments, ~100 ms. alt_id is in the index only so that the count reads
// no table row (it is NULL in every entry).

/**
 * Which payments the index holds, its columns prefixed by `p` ('' or 'alias.'). flags/credit-links.ts builds
 * stripeChargeWithoutIntentSql from it, so queries say it exactly as the index does and the planners use the
 * index (SQLite matches a partial index's WHERE term for term). Never edit: a change needs a new migration that
 * recreates the index.
 */
export const chargeWithoutIntentWhere = (p: string) =>
  `(${p}alt_id IS NULL AND (${p}id LIKE 'ch\\_%' ESCAPE '\\' OR ${p}id LIKE 'py\\_%' ESCAPE '\\'))`;

/** The same statement on SQLite and PostgreSQL (store/postgres-migrate.ts). */
export const sql = `
CREATE INDEX payments_charges_without_intent ON payments (id, alt_id) WHERE ${chargeWithoutIntentWhere('')};
`;
