// Rule 2: a customer who paid the same amount again within the window, often while the first was pending.
import type { DuplicateCluster, FlagSettings, PaymentStatus } from '../../../shared/domain.js';
import type { Db } from '../db/open.js';
import { creditedAtSql } from './credit-links.js';

const MINUTE = 60_000;

interface CandidateRow {
  id: string;
  account_id: string;
  currency: string;
  amount_cents: number;
  created_at: number;
  status: PaymentStatus;
  credited_at: number | null;
}

/**
 * Candidates with a neighbour in their (account, currency, amount) group within the window, in group order,
 * from a scan of the covering index; clusters are then cut where the gap exceeds the window.
 * `accountScoped` limits it to `@accountId` (the account view).
 */
export function duplicateCandidatesSql(accountScoped: boolean): string {
  return `WITH candidates AS (
      SELECT id, account_id, currency, amount_cents, created_at, status,
        lag(created_at) OVER purchase AS previous_at, lead(created_at) OVER purchase AS next_at
      FROM payments
      WHERE ${accountScoped ? 'account_id = @accountId' : 'account_id IS NOT NULL'}
        AND status IN ('pending', 'processing', 'succeeded', 'partially_refunded')
      WINDOW purchase AS (PARTITION BY account_id, currency, amount_cents ORDER BY created_at, id)
    )
    SELECT c.id, c.account_id, c.currency, c.amount_cents, c.created_at, c.status, ${creditedAtSql('p')} AS credited_at
    FROM candidates c JOIN payments p ON p.id = c.id
    WHERE c.created_at - c.previous_at <= @windowMs OR c.next_at - c.created_at <= @windowMs
    ORDER BY c.account_id, c.currency, c.amount_cents, c.created_at, c.id`;
}

export function listDuplicateClusters(db: Db, settings: FlagSettings, accountId?: string): DuplicateCluster[] {
  const rows = db
    .prepare(duplicateCandidatesSql(accountId !== undefined))
    .all({ windowMs: settings.duplicateWindowMinutes * MINUTE, ...(accountId === undefined ? {} : { accountId }) }) as CandidateRow[];

  const clusters: DuplicateCluster[] = [];
  let members: CandidateRow[] = [];
  const close = () => {
    if (members.length >= 2) clusters.push(toCluster(members));
    members = [];
  };
  for (const row of rows) {
    const last = members[members.length - 1];
    const sameGroup =
      last && last.account_id === row.account_id && last.currency === row.currency && last.amount_cents === row.amount_cents;
    if (!sameGroup || row.created_at - last.created_at > settings.duplicateWindowMinutes * MINUTE) close();
    members.push(row);
  }
  close();
  return clusters.sort(
    (a, b) => Number(b.whilePending) - Number(a.whilePending) || a.firstCreatedAt.localeCompare(b.firstCreatedAt) || a.key.localeCompare(b.key),
  );
}

function toCluster(members: CandidateRow[]): DuplicateCluster {
  const first = members[0];
  return {
    key: members.map((m) => m.id).sort().join('|'),
    accountId: first.account_id,
    currency: first.currency,
    amountCents: first.amount_cents,
    paymentIds: members.map((m) => m.id),
    whilePending: paidWhilePending(members),
    firstCreatedAt: new Date(first.created_at).toISOString(),
    lastCreatedAt: new Date(members[members.length - 1].created_at).toISOString(),
    extraCents: first.amount_cents * (members.length - 1),
  };
}

/** True when some payment was made while an earlier one of the cluster was not yet credited. */
export function paidWhilePending(members: readonly Pick<CandidateRow, 'created_at' | 'status' | 'credited_at'>[]): boolean {
  let pendingUntil = -Infinity; // until when some earlier payment was still uncredited
  for (const member of members) {
    if (member.created_at < pendingUntil) return true;
    const stillPending = member.status === 'pending' || member.status === 'processing' || member.credited_at === null;
    const uncreditedUntil = stillPending ? Infinity : (member.credited_at as number);
    pendingUntil = Math.max(pendingUntil, uncreditedUntil);
  }
  return false;
}
