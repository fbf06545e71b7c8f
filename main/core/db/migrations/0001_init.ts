export const sql = `
CREATE TABLE imports (
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL,
  content_hash TEXT,
  format TEXT,
  status TEXT NOT NULL CHECK (status IN ('imported', 'skipped', 'rejected', 'unrecognised', 'canceled')),
  reason TEXT,
  header TEXT,
  bytes INTEGER NOT NULL DEFAULT 0,
  rows INTEGER NOT NULL DEFAULT 0,
  inserted INTEGER NOT NULL DEFAULT 0,
  updated INTEGER NOT NULL DEFAULT 0,
  unchanged INTEGER NOT NULL DEFAULT 0,
  ignored INTEGER NOT NULL DEFAULT 0,
  rejected INTEGER NOT NULL DEFAULT 0,
  conflicts INTEGER NOT NULL DEFAULT 0,
  started_at INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX imports_by_hash ON imports (content_hash) WHERE status = 'imported';

CREATE TABLE rejected_rows (
  import_id INTEGER NOT NULL REFERENCES imports (id),
  line INTEGER NOT NULL,
  reason TEXT NOT NULL,
  raw TEXT NOT NULL
);
CREATE INDEX rejected_rows_by_import ON rejected_rows (import_id, line);

CREATE TABLE payments (
  id TEXT PRIMARY KEY,
  alt_id TEXT,
  account_id TEXT,
  amount_cents INTEGER NOT NULL,
  currency TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'processing', 'succeeded', 'failed', 'canceled', 'refunded', 'partially_refunded', 'incomplete')),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  invoice_id TEXT,
  email TEXT,
  description TEXT,
  import_id INTEGER NOT NULL
);
-- stuck payments: the lookback range on created_at
CREATE INDEX payments_by_created ON payments (created_at);
-- duplicate clusters (covering) and an account's payments
CREATE INDEX payments_by_purchase ON payments (account_id, currency, amount_cents, created_at, id, status);
CREATE INDEX payments_by_alt_id ON payments (alt_id) WHERE alt_id IS NOT NULL;
CREATE INDEX payments_by_email ON payments (email COLLATE NOCASE) WHERE email IS NOT NULL;

CREATE TABLE ledger_entries (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('credit_free', 'credit_purchased', 'usage', 'refund', 'adjustment')),
  amount_cents INTEGER NOT NULL,
  currency TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  payment_id TEXT,
  import_id INTEGER NOT NULL
);
-- "is this payment credited, and when": covering for MIN(created_at) per payment
CREATE INDEX ledger_by_payment ON ledger_entries (payment_id, type, created_at) WHERE payment_id IS NOT NULL;
CREATE INDEX ledger_by_account ON ledger_entries (account_id, created_at);

-- Per-account sums over the whole ledger, kept in step with ledger_entries inside each import's transaction
-- (entries are only ever inserted, never changed), so the limited-tier flag reads 1 row per account.
CREATE TABLE account_totals (
  account_id TEXT NOT NULL,
  currency TEXT NOT NULL,
  balance_cents INTEGER NOT NULL,
  free_cents INTEGER NOT NULL,
  purchased_cents INTEGER NOT NULL,
  entries INTEGER NOT NULL,
  PRIMARY KEY (account_id, currency)
) WITHOUT ROWID;

CREATE TABLE ledger_conflicts (
  id INTEGER PRIMARY KEY,
  import_id INTEGER NOT NULL REFERENCES imports (id),
  entry_id TEXT NOT NULL,
  line INTEGER NOT NULL,
  stored TEXT NOT NULL,
  incoming TEXT NOT NULL
);
CREATE INDEX ledger_conflicts_by_import ON ledger_conflicts (import_id);

-- The newest timestamps seen, for the default "as of"; they only grow, since nothing is deleted.
CREATE TABLE data_bounds (
  name TEXT PRIMARY KEY CHECK (name IN ('payments', 'ledger')),
  newest_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE reviews (
  kind TEXT NOT NULL CHECK (kind IN ('stuck', 'duplicates', 'limited')),
  key TEXT NOT NULL,
  decision TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  reviewer TEXT NOT NULL,
  decided_at INTEGER NOT NULL,
  PRIMARY KEY (kind, key)
) WITHOUT ROWID;

CREATE TABLE review_log (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  decision TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  reviewer TEXT NOT NULL,
  decided_at INTEGER NOT NULL,
  recorded_at INTEGER NOT NULL,
  source TEXT NOT NULL
);
CREATE TRIGGER review_log_no_update BEFORE UPDATE ON review_log
BEGIN SELECT RAISE(ABORT, 'review_log is append-only'); END;
CREATE TRIGGER review_log_no_delete BEFORE DELETE ON review_log
BEGIN SELECT RAISE(ABORT, 'review_log is append-only'); END;

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE column_mappings (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('payments', 'ledger')),
  header_signature TEXT NOT NULL UNIQUE,
  header TEXT NOT NULL,
  fields TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
`;
