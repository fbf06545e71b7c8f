// Paging, sorting and filtering of the flag lists (see flag-cache.ts), with each row's review decision.
import type {
  DuplicateRow,
  DuplicateSort,
  LimitedRow,
  LimitedSort,
  ListFilter,
  Page,
  PageQuery,
  StuckRow,
  StuckSort,
} from '../../../shared/api.js';
import type { DuplicateCluster, FlagsResult, LimitedAccount, Review, StuckPayment } from '../../../shared/domain.js';
import { limitedExplanation } from './replies.js';

type Compare<T> = (a: T, b: T) => number;
// Code-point order: fast on 100,000 rows, and ids and ISO times sort correctly by it.
const byText = (a: string | null, b: string | null) => {
  const x = a ?? '';
  const y = b ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
};
const reviewRank = (r: Review | null) => (r ? r.decision : '');

function page<T>(all: T[], rows: T[], query: PageQuery<string>, flags: FlagsResult): Page<T> {
  return {
    rows: rows.slice(query.offset, query.offset + query.limit),
    total: rows.length,
    unfiltered: all.length,
    offset: query.offset,
    asOf: flags.asOf,
    notices: flags.notices,
  };
}

/** The last filtered and sorted list per kind, so that scrolling through pages does not sort again. */
export class ListMemo {
  private entries = new Map<string, { key: string; rows: unknown[] }>();
  constructor(private readonly version: () => string) {}
  get<T>(list: string, query: PageQuery<string>, flags: FlagsResult, build: () => T[]): T[] {
    const key = JSON.stringify([this.version(), flags.asOf, flags.settings, query.filter ?? null, query.sort ?? null]);
    const hit = this.entries.get(list);
    if (hit && hit.key === key) return hit.rows as T[];
    const rows = build();
    this.entries.set(list, { key, rows });
    return rows;
  }
}

function sorted<T>(rows: T[], compare: Compare<T>, dir: 'asc' | 'desc' | undefined): T[] {
  const sign = dir === 'desc' ? -1 : 1;
  return [...rows].sort((a, b) => sign * compare(a, b));
}

function matches(filter: ListFilter | undefined, review: Review | null, texts: (string | null)[]): boolean {
  if (filter?.review === 'open' && review) return false;
  if (filter?.review === 'decided' && !review) return false;
  const needle = filter?.text?.trim().toLowerCase();
  if (!needle) return true;
  return texts.some((t) => t !== null && t.toLowerCase().includes(needle));
}

export function stuckRows(memo: ListMemo, flags: FlagsResult, reviews: Map<string, Review>, query: PageQuery<StuckSort>): Page<StuckRow> {
  const all: StuckRow[] = (flags.stuck ?? []).map((s: StuckPayment) => ({ ...s, review: reviews.get(s.paymentId) ?? null }));
  const filter = () => all.filter(
    (r) =>
      (query.filter?.stage === undefined || r.stage === query.filter.stage) &&
      matches(query.filter, r.review, [r.paymentId, r.accountId, r.email, r.invoiceId]),
  );
  const compares: Record<StuckSort, Compare<StuckRow>> = {
    age: (a, b) => a.ageSeconds - b.ageSeconds || byText(a.paymentId, b.paymentId),
    amount: (a, b) => a.amountCents - b.amountCents || byText(a.paymentId, b.paymentId),
    account: (a, b) => byText(a.accountId, b.accountId) || byText(a.paymentId, b.paymentId),
    stage: (a, b) => byText(a.stage, b.stage) || b.ageSeconds - a.ageSeconds,
    later: (a, b) => a.laterPayments - b.laterPayments || b.ageSeconds - a.ageSeconds,
    review: (a, b) => byText(reviewRank(a.review), reviewRank(b.review)) || b.ageSeconds - a.ageSeconds,
  };
  const sort = query.sort ?? { column: 'age', dir: 'desc' };
  return page(all, memo.get('stuck', query, flags, () => sorted(filter(), compares[sort.column], sort.dir)), query, flags);
}

export function duplicateRows(
  memo: ListMemo,
  flags: FlagsResult,
  reviews: Map<string, Review>,
  emails: (accountId: string) => string | null,
  query: PageQuery<DuplicateSort>,
): Page<DuplicateRow> {
  const all = flags.duplicates ?? [];
  const filter = () => all.filter(
    (d) =>
      (query.filter?.whilePending === undefined || d.whilePending === query.filter.whilePending) &&
      matches(query.filter, reviews.get(d.key) ?? null, [d.accountId, d.key]),
  );
  // The core's order is the "strength" order: whilePending first, then oldest first.
  const strength = new Map(all.map((d, i) => [d.key, i]));
  const compares: Record<DuplicateSort, Compare<DuplicateCluster>> = {
    strength: (a, b) => (strength.get(a.key) ?? 0) - (strength.get(b.key) ?? 0),
    account: (a, b) => byText(a.accountId, b.accountId) || byText(a.key, b.key),
    amount: (a, b) => a.amountCents - b.amountCents || byText(a.key, b.key),
    payments: (a, b) => a.paymentIds.length - b.paymentIds.length || byText(a.key, b.key),
    extra: (a, b) => a.extraCents - b.extraCents || byText(a.key, b.key),
    first: (a, b) => byText(a.firstCreatedAt, b.firstCreatedAt) || byText(a.key, b.key),
    review: (a, b) => byText(reviewRank(reviews.get(a.key) ?? null), reviewRank(reviews.get(b.key) ?? null)) || byText(a.key, b.key),
  };
  const sort = query.sort ?? { column: 'strength', dir: 'asc' };
  const result = page(all, memo.get('duplicates', query, flags, () => sorted(filter(), compares[sort.column], sort.dir)), query, flags);
  return { ...result, rows: result.rows.map((d) => ({ ...d, review: reviews.get(d.key) ?? null, email: emails(d.accountId) })) };
}

export function limitedRows(
  memo: ListMemo,
  flags: FlagsResult,
  reviews: Map<string, Review>,
  emails: (accountId: string) => string | null,
  query: PageQuery<LimitedSort>,
): Page<LimitedRow> {
  const all = flags.limited ?? [];
  const filter = () => all.filter((l) => matches(query.filter, reviews.get(l.accountId) ?? null, [l.accountId, l.unlockPaymentId]));
  const compares: Record<LimitedSort, Compare<LimitedAccount>> = {
    missing: (a, b) => a.missingCents - b.missingCents || byText(a.accountId, b.accountId),
    account: (a, b) => byText(a.accountId, b.accountId),
    balance: (a, b) => a.balanceCents - b.balanceCents || byText(a.accountId, b.accountId),
    free: (a, b) => a.freeCents - b.freeCents || byText(a.accountId, b.accountId),
    purchased: (a, b) => a.purchasedCents - b.purchasedCents || byText(a.accountId, b.accountId),
    review: (a, b) => byText(reviewRank(reviews.get(a.accountId) ?? null), reviewRank(reviews.get(b.accountId) ?? null)) || byText(a.accountId, b.accountId),
  };
  const sort = query.sort ?? { column: 'missing', dir: 'desc' };
  const result = page(all, memo.get('limited', query, flags, () => sorted(filter(), compares[sort.column], sort.dir)), query, flags);
  return {
    ...result,
    rows: result.rows.map((l) => ({
      ...l,
      review: reviews.get(l.accountId) ?? null,
      email: emails(l.accountId),
      explanation: limitedExplanation(l, flags.settings.tierThresholdCents),
    })),
  };
}
