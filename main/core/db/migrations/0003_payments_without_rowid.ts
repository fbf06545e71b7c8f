// Payments keyed by their own id, without a separate rowid: each insert and each lookup by id walks one
// B-tree instead of two (the table and its id index), which is most of the work of importing a snapshot.
export const sql = `
CREATE TABLE payments_by_id (
  id TEXT NOT NULL PRIMARY KEY,
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
  purchase_gap_ms INTEGER
) WITHOUT ROWID;
INSERT INTO payments_by_id SELECT id, alt_id, account_id, amount_cents, currency, status, created_at, updated_at,
  invoice_id, email, description, import_id, credited_at, purchase_gap_ms FROM payments;
DROP TABLE payments;
ALTER TABLE payments_by_id RENAME TO payments;

CREATE INDEX payments_by_created ON payments (created_at);
CREATE INDEX payments_by_purchase ON payments (account_id, currency, amount_cents, created_at, id, status);
CREATE INDEX payments_by_alt_id ON payments (alt_id) WHERE alt_id IS NOT NULL;
CREATE INDEX payments_by_email ON payments (email COLLATE NOCASE) WHERE email IS NOT NULL;
CREATE INDEX payments_awaiting ON payments (created_at)
  WHERE status IN ('pending', 'processing') OR (status IN ('succeeded', 'partially_refunded') AND credited_at IS NULL);
CREATE INDEX payments_by_purchase_gap ON payments (purchase_gap_ms) WHERE purchase_gap_ms IS NOT NULL;
`;
