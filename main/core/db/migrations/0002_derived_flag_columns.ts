// Columns the flag queries read instead of recomputing over the whole tables on every call; the import keeps
// them current (main/core/import/derived-columns.ts) and this migration fills them for existing rows.
export const sql = `
ALTER TABLE payments ADD COLUMN credited_at INTEGER;
ALTER TABLE payments ADD COLUMN purchase_gap_ms INTEGER;

UPDATE payments SET credited_at = (SELECT min(l.created_at) FROM ledger_entries l
  WHERE l.payment_id IN (payments.id, payments.alt_id) AND l.type = 'credit_purchased');

WITH gaps AS (
  SELECT id, created_at - lag(created_at) OVER (PARTITION BY account_id, currency, amount_cents ORDER BY created_at, id) AS gap
  FROM payments
  WHERE account_id IS NOT NULL AND status IN ('pending', 'processing', 'succeeded', 'partially_refunded')
)
UPDATE payments SET purchase_gap_ms = gaps.gap FROM gaps WHERE payments.id = gaps.id;

-- Only payments that can be stuck: the stuck query reads this, not the whole lookback range.
CREATE INDEX payments_awaiting ON payments (created_at)
  WHERE status IN ('pending', 'processing') OR (status IN ('succeeded', 'partially_refunded') AND credited_at IS NULL);
-- Only repeat purchases: the duplicates query starts from the short gaps.
CREATE INDEX payments_by_purchase_gap ON payments (purchase_gap_ms) WHERE purchase_gap_ms IS NOT NULL;
`;
