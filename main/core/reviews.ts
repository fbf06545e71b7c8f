// Review decisions on flags: one current decision per flag, every change appended to review_log.
import { MISMATCH_KINDS, REVIEW_DECISIONS, type FlagKind, type Review, type ReviewDecision } from '../../shared/domain.js';
import type { Store } from './store/store.js';
import type { ReviewRecord } from './import/records.js';

export interface ReviewRow {
  kind: FlagKind;
  key: string;
  decision: string;
  note: string;
  reviewer: string;
  decided_at: number;
}

export const toReview = (row: ReviewRow): Review => ({
  kind: row.kind,
  key: row.key,
  decision: row.decision as ReviewDecision,
  note: row.note,
  reviewer: row.reviewer,
  decidedAt: new Date(row.decided_at).toISOString(),
});

export function isDecisionFor(kind: FlagKind, decision: string): decision is ReviewDecision {
  return (REVIEW_DECISIONS[kind] as readonly string[]).includes(decision);
}

/**
 * Which flag a bare key names, for the CLI: cluster keys join payment ids with '|'; mismatch keys start with
 * their kind and a colon; stuck decisions name a payment; the rest name an account.
 */
export function inferReviewKind(key: string, decision: string): FlagKind | undefined {
  if (key.includes('|')) return 'duplicates';
  if (MISMATCH_KINDS.some((kind) => key.startsWith(`${kind}:`)) || (isDecisionFor('mismatches', decision) && !isDecisionFor('limited', decision))) {
    return 'mismatches';
  }
  if (isDecisionFor('stuck', decision)) return 'stuck';
  if (isDecisionFor('limited', decision)) return 'limited';
  return undefined;
}

/**
 * Records a decision. `source` is 'user' for a decision made now (always applied) or 'import' for one read
 * from a shared CSV (applied only when newer than the stored one, so exchanging files converges).
 */
export async function applyReviewDecision(db: Store, record: ReviewRecord, source: 'user' | 'import'): Promise<'inserted' | 'updated' | 'unchanged'> {
  const stored = (await db.get('SELECT * FROM reviews WHERE kind = ? AND key = ?', [record.kind, record.key])) as ReviewRow | undefined;
  if (stored && source === 'import') {
    const same = stored.decision === record.decision && stored.note === record.note && stored.reviewer === record.reviewer;
    if (same || stored.decided_at >= record.decidedAt) return 'unchanged';
  }
  (await db.run(`INSERT INTO reviews (kind, key, decision, note, reviewer, decided_at) VALUES (@kind, @key, @decision, @note, @reviewer, @decidedAt)
     ON CONFLICT (kind, key) DO UPDATE SET decision = excluded.decision, note = excluded.note, reviewer = excluded.reviewer,
     decided_at = excluded.decided_at, followup_done_at = NULL, followup_import_id = NULL`, { ...record }));
  (await db.run(`INSERT INTO review_log (kind, key, decision, note, reviewer, decided_at, recorded_at, source)
     VALUES (@kind, @key, @decision, @note, @reviewer, @decidedAt, @recordedAt, @source)`, { ...record, recordedAt: Date.now(), source }));
  return stored ? 'updated' : 'inserted';
}

export async function listReviews(db: Store, filter: { kind?: FlagKind; keys?: readonly string[] } = {}): Promise<Review[]> {
  const rows = filter.kind
    ? ((await db.all('SELECT * FROM reviews WHERE kind = ? ORDER BY decided_at, key', [filter.kind])) as ReviewRow[])
    : ((await db.all('SELECT * FROM reviews ORDER BY kind, decided_at, key')) as ReviewRow[]);
  const keys = filter.keys ? new Set(filter.keys) : undefined;
  return rows.filter((row) => !keys || keys.has(row.key)).map(toReview);
}

export async function reviewsByKey(db: Store, kind: FlagKind): Promise<Map<string, Review>> {
  return new Map((await listReviews(db, { kind })).map((review) => [review.key, review]));
}

export interface ReviewLogEntry extends Review {
  recordedAt: string;
  source: string;
}

export async function reviewLog(db: Store, filter: { kind?: FlagKind; key?: string } = {}): Promise<ReviewLogEntry[]> {
  const rows = (await db.all(`SELECT * FROM review_log WHERE (CAST(@kind AS TEXT) IS NULL OR kind = @kind) AND (CAST(@key AS TEXT) IS NULL OR key = @key) ORDER BY id`, { kind: filter.kind ?? null, key: filter.key ?? null })) as (ReviewRow & { recorded_at: number; source: string })[];
  return rows.map((row) => ({ ...toReview(row), recordedAt: new Date(row.recorded_at).toISOString(), source: row.source }));
}
