import { describe, expect, it } from 'vitest';
import { applyReviewDecision, inferReviewKind, listReviews, reviewLog } from '../../main/core/reviews.js';
import { csv, importText, PAYMENTS_HEADER } from '../support/db.js';
import { describeStores, emptyStores } from '../support/stores.js';

const decision = (over: Partial<Parameters<typeof applyReviewDecision>[1]> = {}) => ({
  kind: 'duplicates' as const,
  key: 'pay_1|pay_2',
  decision: 'refund_needed',
  note: 'asked twice',
  reviewer: 'ana',
  decidedAt: Date.parse('2026-03-15T12:00:00Z'),
  ...over,
});

const emptyStore = emptyStores();

describeStores('reviews', (kind) => {
  it('keep one current decision per flag and log every change', async () => {
    const db = await emptyStore(kind);
    expect(await applyReviewDecision(db, decision(), 'user')).toBe('inserted');
    expect(await applyReviewDecision(db, decision({ decision: 'refunded', decidedAt: Date.parse('2026-03-16T12:00:00Z') }), 'user')).toBe('updated');
    expect(await listReviews(db)).toEqual([
      { kind: 'duplicates', key: 'pay_1|pay_2', decision: 'refunded', note: 'asked twice', reviewer: 'ana', decidedAt: '2026-03-16T12:00:00.000Z' },
    ]);
    expect((await reviewLog(db)).map((e) => e.decision)).toEqual(['refund_needed', 'refunded']);
  });

  it('a shared decision from another reviewer applies only when newer than the stored one', async () => {
    const db = await emptyStore(kind);
    await applyReviewDecision(db, decision({ decidedAt: 2000 }), 'user');
    expect(await applyReviewDecision(db, decision({ decision: 'dismissed', decidedAt: 1000, reviewer: 'bo' }), 'import')).toBe('unchanged');
    expect(await applyReviewDecision(db, decision({ decision: 'intentional', decidedAt: 3000, reviewer: 'bo' }), 'import')).toBe('updated');
    expect((await listReviews(db))[0]).toMatchObject({ decision: 'intentional', reviewer: 'bo' });
  });

  it('survive re-imports of the payments they are about', async () => {
    const db = await emptyStore(kind);
    await importText(db, 'a.csv', csv(PAYMENTS_HEADER, 'pay_1,acct_1,5.00,usd,pending,2026-03-15T10:00:00Z,,,,', 'pay_2,acct_1,5.00,usd,pending,2026-03-15T10:01:00Z,,,,'));
    await applyReviewDecision(db, decision(), 'user');
    await importText(db, 'b.csv', csv(PAYMENTS_HEADER, 'pay_1,acct_1,5.00,usd,succeeded,2026-03-15T10:00:00Z,,,,', 'pay_2,acct_1,5.00,usd,succeeded,2026-03-15T10:01:00Z,,,,'));
    expect(await listReviews(db)).toHaveLength(1);
  });
});

// A pure function of the key and decision: no store to run it against.
describe('reviews', () => {
  it('tell which flag a bare key names', () => {
    expect(inferReviewKind('pay_1|pay_2', 'dismissed')).toBe('duplicates');
    expect(inferReviewKind('pay_1', 'escalated')).toBe('stuck');
    expect(inferReviewKind('acct_1', 'contacted')).toBe('limited');
    expect(inferReviewKind('acct_1', 'dismissed')).toBe('limited');
    expect(inferReviewKind('acct_1', 'refunded')).toBeUndefined();
  });
});
