// Payments back in a rowid table (0003 made it WITHOUT ROWID), and payments and ledger entries keyed by their id
// through a unique index of their own (db/key-indexes.ts) instead of a PRIMARY KEY. Real processor ids are random
// (`ch_3TKW…`): keyed by id, every insert of a first sync landed on a random page of the whole, wide table; in a
// rowid table rows are appended and only the narrow key index takes random inserts (a 1,000,000-payment Stripe
// export: 37 s → 25 s), and a first sync into an empty table can build that index after the rows. Derived-column
// updates walk payments by rowid, in table order.
export const sql = `
CREATE TABLE payments_with_rowid (
  id TEXT NOT NULL,
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
  import_id INTEGER NOT NULL,
  credited_at INTEGER,
  purchase_gap_ms INTEGER,
  row_hash_hi INTEGER,
  row_hash_lo INTEGER,
  method TEXT,
  amount_refunded_cents INTEGER,
  refunded_at INTEGER,
  disputed_amount_cents INTEGER,
  dispute_status TEXT,
  disputed_at INTEGER,
  credit_count INTEGER NOT NULL DEFAULT 0,
  credited_cents INTEGER NOT NULL DEFAULT 0,
  credited_currency TEXT,
  reversed_cents INTEGER NOT NULL DEFAULT 0,
  returned_cents INTEGER GENERATED ALWAYS AS (
    CASE WHEN status = 'refunded' AND coalesce(amount_refunded_cents, 0) = 0 THEN amount_cents ELSE coalesce(amount_refunded_cents, 0) END
    + CASE WHEN dispute_status = 'lost' THEN coalesce(disputed_amount_cents, amount_cents) ELSE 0 END
  ) VIRTUAL
);
INSERT INTO payments_with_rowid (id, alt_id, account_id, amount_cents, currency, status, created_at, updated_at, invoice_id, email,
  description, import_id, credited_at, purchase_gap_ms, row_hash_hi, row_hash_lo, method, amount_refunded_cents, refunded_at,
  disputed_amount_cents, dispute_status, disputed_at, credit_count, credited_cents, credited_currency, reversed_cents)
SELECT id, alt_id, account_id, amount_cents, currency, status, created_at, updated_at, invoice_id, email,
  description, import_id, credited_at, purchase_gap_ms, row_hash_hi, row_hash_lo, method, amount_refunded_cents, refunded_at,
  disputed_amount_cents, dispute_status, disputed_at, credit_count, credited_cents, credited_currency, reversed_cents
FROM payments;
DROP TABLE payments;
ALTER TABLE payments_with_rowid RENAME TO payments;
CREATE UNIQUE INDEX payments_key ON payments (id);

CREATE INDEX payments_by_created ON payments (created_at);
CREATE INDEX payments_by_purchase ON payments (account_id, currency, amount_cents, created_at, id, status);
CREATE INDEX payments_by_alt_id ON payments (alt_id) WHERE alt_id IS NOT NULL;
CREATE INDEX payments_by_email ON payments (email COLLATE NOCASE) WHERE email IS NOT NULL;
CREATE INDEX payments_awaiting ON payments (created_at)
  WHERE status IN ('pending', 'processing') OR (status IN ('succeeded', 'partially_refunded') AND credited_at IS NULL);
CREATE INDEX payments_by_purchase_gap ON payments (purchase_gap_ms) WHERE purchase_gap_ms IS NOT NULL;
CREATE INDEX payments_reconcile ON payments (created_at) WHERE credit_count >= 2
  OR (credit_count = 1 AND (credited_cents <> amount_cents OR credited_currency <> currency))
  OR (credit_count >= 1 AND status IN ('failed', 'canceled', 'incomplete'))
  OR (returned_cents > 0 AND credited_cents > 0 AND reversed_cents < min(returned_cents, credited_cents));

CREATE TABLE ledger_keyed (
  id TEXT NOT NULL,
  account_id TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('credit_free', 'credit_purchased', 'usage', 'refund', 'adjustment')),
  amount_cents INTEGER NOT NULL,
  currency TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  payment_id TEXT,
  import_id INTEGER NOT NULL
);
INSERT INTO ledger_keyed (rowid, id, account_id, type, amount_cents, currency, created_at, payment_id, import_id)
SELECT rowid, id, account_id, type, amount_cents, currency, created_at, payment_id, import_id FROM ledger_entries;
DROP TABLE ledger_entries;
ALTER TABLE ledger_keyed RENAME TO ledger_entries;
CREATE UNIQUE INDEX ledger_key ON ledger_entries (id);
CREATE INDEX ledger_by_payment ON ledger_entries (payment_id, type, created_at) WHERE payment_id IS NOT NULL;
CREATE INDEX ledger_by_account ON ledger_entries (account_id, created_at);
`;
