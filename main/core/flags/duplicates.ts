// Rule 2: a customer who paid the same amount again within the window, often while the first was pending.
import type { DuplicateCluster, FlagSettings, PaymentStatus } from '../../../shared/domain.js';
import { sqliteDialect } from '../store/sqlite-store.js';
import type { Dialect, Store } from '../store/store.js';
import { CANDIDATE_STATUSES_SQL, creditedAtSql } from './credit-links.js';

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
 * Every candidate of each (account, currency, amount) group that holds a repeat purchase within the window,
 * in group order. payments.purchase_gap_ms (kept by the import) is the time since the group's previous
 * candidate, so the groups come from an index of short gaps instead of a scan of every payment; clusters are
 * then cut in code where the gap exceeds the window. `accountScoped` limits it to `@accountId`.
 */
export function duplicateCandidatesSql(accountScoped: boolean, dialect: Dialect = sqliteDialect): string {
  // INDEXED BY: without statistics the planner prefers an ordered scan of all payments for the DISTINCT.
  return `WITH repeat_groups AS (
      SELECT DISTINCT account_id, currency, amount_cents
      FROM payments ${dialect.indexedBy(accountScoped ? 'payments_by_purchase' : 'payments_by_purchase_gap')}
      WHERE purchase_gap_ms <= @windowMs ${accountScoped ? 'AND account_id = @accountId' : ''}
    )
    SELECT p.id, p.account_id, p.currency, p.amount_cents, p.created_at, p.status, ${creditedAtSql('p')} AS credited_at
    FROM repeat_groups g JOIN payments p
      ON p.account_id = g.account_id AND p.currency = g.currency AND p.amount_cents = g.amount_cents
    WHERE p.status IN ${CANDIDATE_STATUSES_SQL}
    ORDER BY p.account_id, p.currency, p.amount_cents, p.created_at, p.id`;
}

export async function listDuplicateClusters(db: Store, settings: FlagSettings, accountId?: string): Promise<DuplicateCluster[]> {
  const rows = (await db.all(duplicateCandidatesSql(accountId !== undefined, db.dialect), { windowMs: settings.duplicateWindowMinutes * MINUTE, ...(accountId === undefined ? {} : { accountId }) })) as CandidateRow[];

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
