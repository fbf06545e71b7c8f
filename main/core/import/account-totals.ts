// The per-account sums over the whole ledger (account_totals), kept in step inside each import's transaction:
// one statement for both stores, over the entries the file inserted (and, into empty totals, one without the
// conflict handling, which PostgreSQL pays for on every row).

/** The totals per account and currency of `newEntries` (a relation with ledger_entries' columns). */
const totalsOf = (newEntries: string) => `SELECT account_id, currency, sum(amount_cents), coalesce(sum(amount_cents) FILTER (WHERE type = 'credit_free'), 0),
    coalesce(sum(amount_cents) FILTER (WHERE type IN ('credit_purchased', 'refund')), 0), count(*)
  FROM ${newEntries} AS l WHERE true GROUP BY account_id, currency`;

const INTO_TOTALS = 'INSERT INTO account_totals (account_id, currency, balance_cents, free_cents, purchased_cents, entries)';

/** Adds `newEntries` (a relation with ledger_entries' columns) to the account totals. */
export const addToAccountTotalsSql = (newEntries: string) => `${INTO_TOTALS}
  ${totalsOf(newEntries)}
  ON CONFLICT (account_id, currency) DO UPDATE SET balance_cents = account_totals.balance_cents + excluded.balance_cents,
    free_cents = account_totals.free_cents + excluded.free_cents, purchased_cents = account_totals.purchased_cents + excluded.purchased_cents,
    entries = account_totals.entries + excluded.entries`;

/** The totals of `newEntries` into an empty account_totals: every account is new, so there is nothing to add to. */
export const firstAccountTotalsSql = (newEntries: string) => `${INTO_TOTALS}
  ${totalsOf(newEntries)}`;
