// Rule 3: credits but under the Build Tier 1 threshold of purchased spend (free credits do not count).
import type { FlagSettings, LimitedAccount } from '../../../shared/domain.js';
import type { Store } from '../store/store.js';
import { awaitingSql } from './credit-links.js';

interface LimitedRow {
  account_id: string;
  currency: string;
  balance_cents: number;
  free_cents: number;
  purchased_cents: number;
  unlock_payment_id: string | null;
}

/**
 * A payment still on its way (pending at the processor, or paid but not yet credited) that covers the gap, for
 * the account, currency and missing amount these SQL expressions name.
 */
export const unlockingPaymentSql = (accountId: string, currency: string, missing: string) => `SELECT p.id FROM payments p
  WHERE p.account_id = ${accountId} AND p.currency = ${currency} AND p.amount_cents >= ${missing}
    AND ${awaitingSql('p')}
  ORDER BY p.created_at, p.id LIMIT 1`;

// The unlocking payment comes with each row, from one statement: a query per account would cost a round trip
// each on a team database.
export const limitedSql = (accountScoped: boolean) =>
  `SELECT account_id, currency, balance_cents, free_cents, purchased_cents,
     (${unlockingPaymentSql('account_totals.account_id', 'account_totals.currency', '@threshold - account_totals.purchased_cents')}) AS unlock_payment_id
   FROM account_totals
   WHERE ${accountScoped ? 'account_id = @accountId AND' : ''} balance_cents > 0 AND purchased_cents < @threshold
   ORDER BY account_id, currency`;

export async function listLimitedAccounts(db: Store, settings: FlagSettings, accountId?: string): Promise<LimitedAccount[]> {
  const rows = await db.all<LimitedRow>(limitedSql(accountId !== undefined), {
    threshold: settings.tierThresholdCents,
    ...(accountId === undefined ? {} : { accountId }),
  });
  return rows.map((row) => ({
    accountId: row.account_id,
    currency: row.currency,
    balanceCents: row.balance_cents,
    freeCents: row.free_cents,
    purchasedCents: row.purchased_cents,
    missingCents: settings.tierThresholdCents - row.purchased_cents,
    unlockPaymentId: row.unlock_payment_id,
  }));
}
