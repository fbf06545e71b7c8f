// Reconciliation (rules.md §1 "Slow payment methods", §4, §5): what the processor says about a payment's method,
// refunds and disputes; what its linked ledger entries add up to, kept by the import like credited_at; the
// mismatches list as a table; decisions on mismatches; and when a follow-up was seen done.
export const sql = `
ALTER TABLE payments ADD COLUMN method TEXT;
ALTER TABLE payments ADD COLUMN amount_refunded_cents INTEGER;
ALTER TABLE payments ADD COLUMN refunded_at INTEGER;
ALTER TABLE payments ADD COLUMN disputed_amount_cents INTEGER;
ALTER TABLE payments ADD COLUMN dispute_status TEXT;
ALTER TABLE payments ADD COLUMN disputed_at INTEGER;

-- The linked ledger entries (by id or alt_id), summed: credit_purchased count, sum and (lowest) currency, and the
-- credits taken back by refund entries (positive). main/core/import/derived-columns.ts keeps them current.
ALTER TABLE payments ADD COLUMN credit_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE payments ADD COLUMN credited_cents INTEGER NOT NULL DEFAULT 0;
ALTER TABLE payments ADD COLUMN credited_currency TEXT;
ALTER TABLE payments ADD COLUMN reversed_cents INTEGER NOT NULL DEFAULT 0;

-- Money given back to the customer at the processor (rules.md §4 returnedCents), from the payment's own columns.
ALTER TABLE payments ADD COLUMN returned_cents INTEGER GENERATED ALWAYS AS (
  CASE WHEN status = 'refunded' AND coalesce(amount_refunded_cents, 0) = 0 THEN amount_cents ELSE coalesce(amount_refunded_cents, 0) END
  + CASE WHEN dispute_status = 'lost' THEN coalesce(disputed_amount_cents, amount_cents) ELSE 0 END
) VIRTUAL;

WITH linked AS (
  SELECT p.id, l.type, l.amount_cents, l.currency FROM payments p JOIN ledger_entries l ON l.payment_id = p.id
  WHERE l.type IN ('credit_purchased', 'refund')
  UNION ALL
  SELECT p.id, l.type, l.amount_cents, l.currency FROM payments p JOIN ledger_entries l ON l.payment_id = p.alt_id
  WHERE p.alt_id IS NOT NULL AND p.alt_id <> p.id AND l.type IN ('credit_purchased', 'refund')
), sums AS (
  SELECT id,
    count(*) FILTER (WHERE type = 'credit_purchased') AS n,
    coalesce(sum(amount_cents) FILTER (WHERE type = 'credit_purchased'), 0) AS credited,
    min(currency) FILTER (WHERE type = 'credit_purchased') AS credited_currency,
    -coalesce(sum(amount_cents) FILTER (WHERE type = 'refund'), 0) AS reversed
  FROM linked GROUP BY id
)
UPDATE payments SET credit_count = sums.n, credited_cents = sums.credited, credited_currency = sums.credited_currency,
  reversed_cents = sums.reversed
FROM sums WHERE payments.id = sums.id;

-- Payments that show under some mismatch kind whatever the as-of: the mismatches query reads only these.
-- Written exactly as main/core/flags/mismatches.ts writes it, so that the planner can use it.
CREATE INDEX payments_reconcile ON payments (created_at) WHERE credit_count >= 2
  OR (credit_count = 1 AND (credited_cents <> amount_cents OR credited_currency <> currency))
  OR (credit_count >= 1 AND status IN ('failed', 'canceled', 'incomplete'))
  OR (returned_cents > 0 AND credited_cents > 0 AND reversed_cents < min(returned_cents, credited_cents));

-- credit_purchased entries whose payment_id names no imported payment (by id or alt_id), for unknown_payment.
CREATE TABLE unlinked_credits (
  entry_id TEXT NOT NULL PRIMARY KEY,
  payment_id TEXT NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX unlinked_credits_by_payment ON unlinked_credits (payment_id);
CREATE INDEX unlinked_credits_by_created ON unlinked_credits (created_at);
INSERT INTO unlinked_credits (entry_id, payment_id, created_at)
  SELECT l.id, l.payment_id, l.created_at FROM ledger_entries l
  WHERE l.type = 'credit_purchased' AND l.payment_id IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.id = l.payment_id)
    AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.alt_id = l.payment_id);

-- Decisions on mismatches; followup_done_at: when the data first showed the decision's action done (rules.md §5),
-- import_id: the sync that showed it. A new decision on the same flag starts its follow-up again.
CREATE TABLE reviews_v7 (
  kind TEXT NOT NULL CHECK (kind IN ('stuck', 'duplicates', 'limited', 'mismatches')),
  key TEXT NOT NULL,
  decision TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  reviewer TEXT NOT NULL,
  decided_at INTEGER NOT NULL,
  followup_done_at INTEGER,
  followup_import_id INTEGER,
  PRIMARY KEY (kind, key)
) WITHOUT ROWID;
INSERT INTO reviews_v7 (kind, key, decision, note, reviewer, decided_at) SELECT kind, key, decision, note, reviewer, decided_at FROM reviews;
DROP TABLE reviews;
ALTER TABLE reviews_v7 RENAME TO reviews;

ALTER TABLE imports ADD COLUMN test_mode_rows INTEGER NOT NULL DEFAULT 0;

CREATE TABLE flag_mismatches (
  key TEXT NOT NULL PRIMARY KEY,
  kind TEXT NOT NULL,
  payment_id TEXT NOT NULL,
  account_id TEXT,
  currency TEXT NOT NULL,
  amount_cents INTEGER NOT NULL,
  credited_cents INTEGER NOT NULL,
  reversed_cents INTEGER NOT NULL,
  returned_cents INTEGER NOT NULL,
  delta_cents INTEGER,
  -- abs(delta_cents), or the credited amount when the currencies differ: the list's default order
  stake_cents INTEGER NOT NULL,
  entry_ids TEXT NOT NULL,
  status TEXT,
  created_at TEXT NOT NULL,
  returned_at TEXT,
  email TEXT,
  search TEXT NOT NULL
);
CREATE INDEX flag_mismatches_by_stake ON flag_mismatches (stake_cents, key DESC);
CREATE INDEX flag_mismatches_by_kind ON flag_mismatches (kind, stake_cents DESC, key);
CREATE INDEX flag_mismatches_by_account ON flag_mismatches (account_id, key);
CREATE INDEX flag_mismatches_by_amount ON flag_mismatches (amount_cents, key);
CREATE INDEX flag_mismatches_by_created ON flag_mismatches (created_at, key);

ALTER TABLE flag_stuck ADD COLUMN method TEXT;
ALTER TABLE flag_stuck ADD COLUMN stuck_after_minutes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE flag_lists ADD COLUMN mismatches INTEGER NOT NULL DEFAULT 0;
-- Lists built before know nothing of mismatches or methods: the next read rebuilds them.
DELETE FROM flag_lists;
`;
