// Rule 3: credits but under the Build Tier 1 threshold of purchased spend (free credits do not count).
import type { FlagSettings, LimitedAccount } from '../../../shared/domain.js';
import type { Store } from '../store/store.js';
import { awaitingSql } from './credit-links.js';

interface TotalsRow {
  account_id: string;
  currency: string;
  balance_cents: number;
  free_cents: number;
  purchased_cents: number;
}

export const limitedSql = (accountScoped: boolean) =>
  `SELECT account_id, currency, balance_cents, free_cents, purchased_cents FROM account_totals
   WHERE ${accountScoped ? 'account_id = @accountId AND' : ''} balance_cents > 0 AND purchased_cents < @threshold
   ORDER BY account_id, currency`;

// A payment still on its way (pending at the processor, or paid but not yet credited) that covers the gap.
export const unlockingPaymentSql = `SELECT p.id FROM payments p
  WHERE p.account_id = @accountId AND p.currency = @currency AND p.amount_cents >= @missing
    AND ${awaitingSql('p')}
  ORDER BY p.created_at, p.id LIMIT 1`;

export async function listLimitedAccounts(db: Store, settings: FlagSettings, accountId?: string): Promise<LimitedAccount[]> {
  const rows = (await db.all(limitedSql(accountId !== undefined), { threshold: settings.tierThresholdCents, ...(accountId === undefined ? {} : { accountId }) })) as TotalsRow[];
  const accounts: LimitedAccount[] = [];
  for (const row of rows) {
    const missing = settings.tierThresholdCents - row.purchased_cents;
    const unlock = await db.get<{ id: string }>(unlockingPaymentSql, { accountId: row.account_id, currency: row.currency, missing });
    accounts.push({
      accountId: row.account_id,
      currency: row.currency,
      balanceCents: row.balance_cents,
      freeCents: row.free_cents,
      purchasedCents: row.purchased_cents,
      missingCents: missing,
      unlockPaymentId: unlock?.id ?? null,
    });
  }
  return accounts;
}
