// The flag lists as tables, rebuilt after each sync and each change of thresholds (main/core/flag-lists/), so
// that a screen of 100,000 rows is sorted, filtered and paged by SQL over these indexes instead of recomputing
// the flags. They hold nothing that is not derived: dropping their rows only makes the next read rebuild them.
export const sql = `
-- What the lists were built for; one row. built_for is compared with the current data stamp and settings.
CREATE TABLE flag_lists (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  built_for TEXT NOT NULL,
  as_of TEXT NOT NULL,
  settings TEXT NOT NULL,
  notices TEXT NOT NULL
);

CREATE TABLE flag_stuck (
  payment_id TEXT NOT NULL PRIMARY KEY,
  account_id TEXT,
  stage TEXT NOT NULL,
  status TEXT NOT NULL,
  amount_cents INTEGER NOT NULL,
  currency TEXT NOT NULL,
  created_at TEXT NOT NULL,
  age_seconds INTEGER NOT NULL,
  email TEXT,
  invoice_id TEXT,
  later_payments INTEGER NOT NULL,
  -- lower-cased ids and email, for the list's text filter
  search TEXT NOT NULL
);
-- One index per sort column, each ending in the key, so every page is a walk of an index in either direction.
CREATE INDEX flag_stuck_by_age ON flag_stuck (age_seconds, payment_id);
CREATE INDEX flag_stuck_by_amount ON flag_stuck (amount_cents, payment_id);
CREATE INDEX flag_stuck_by_account ON flag_stuck (account_id, payment_id);
CREATE INDEX flag_stuck_by_stage ON flag_stuck (stage, age_seconds DESC, payment_id);
CREATE INDEX flag_stuck_by_later ON flag_stuck (later_payments, age_seconds DESC, payment_id);

CREATE TABLE flag_duplicates (
  -- the rules' order: paid while pending first, then oldest first
  strength INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  account_id TEXT NOT NULL,
  currency TEXT NOT NULL,
  amount_cents INTEGER NOT NULL,
  payment_ids TEXT NOT NULL,
  payment_count INTEGER NOT NULL,
  while_pending INTEGER NOT NULL,
  first_created_at TEXT NOT NULL,
  last_created_at TEXT NOT NULL,
  extra_cents INTEGER NOT NULL,
  email TEXT,
  search TEXT NOT NULL
);
CREATE INDEX flag_duplicates_by_account ON flag_duplicates (account_id, key);
CREATE INDEX flag_duplicates_by_amount ON flag_duplicates (amount_cents, key);
CREATE INDEX flag_duplicates_by_payments ON flag_duplicates (payment_count, key);
CREATE INDEX flag_duplicates_by_extra ON flag_duplicates (extra_cents, key);
CREATE INDEX flag_duplicates_by_first ON flag_duplicates (first_created_at, key);

CREATE TABLE flag_limited (
  account_id TEXT NOT NULL,
  currency TEXT NOT NULL,
  balance_cents INTEGER NOT NULL,
  free_cents INTEGER NOT NULL,
  purchased_cents INTEGER NOT NULL,
  missing_cents INTEGER NOT NULL,
  unlock_payment_id TEXT,
  email TEXT,
  search TEXT NOT NULL,
  PRIMARY KEY (account_id, currency)
);
CREATE INDEX flag_limited_by_missing ON flag_limited (missing_cents, account_id, currency);
CREATE INDEX flag_limited_by_balance ON flag_limited (balance_cents, account_id, currency);
CREATE INDEX flag_limited_by_free ON flag_limited (free_cents, account_id, currency);
CREATE INDEX flag_limited_by_purchased ON flag_limited (purchased_cents, account_id, currency);
`;
