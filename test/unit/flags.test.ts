import { describe, expect, it } from 'vitest';
import { paidWhilePending } from '../../main/core/flags/duplicates.js';
import { csv, flags, importText, LEDGER_HEADER, PAYMENTS_HEADER } from '../support/db.js';
import { describeStores, emptyStores, type StoreKind } from '../support/stores.js';

const AS_OF = '2026-03-15T12:00:00Z';

const emptyStore = emptyStores();

async function load(kind: StoreKind, payments: string[], ledger?: string[]) {
  const db = await emptyStore(kind);
  if (payments.length) await importText(db, 'payments.csv', csv(PAYMENTS_HEADER, ...payments));
  if (ledger) await importText(db, 'ledger.csv', csv(LEDGER_HEADER, ...ledger));
  return db;
}

describeStores('flags', (kind) => {
  describe('stuck payments', () => {
    it('flags pending/processing older than 15 minutes at the processor stage, oldest first, with age', async () => {
      const db = await load(
        kind,
        [
          'pay_new,acct_1,10.00,usd,pending,2026-03-15T11:50:00Z,,,,',
          'pay_old,acct_1,10.00,usd,processing,2026-03-15T09:00:00Z,,,a@x.com,',
          'pay_edge,acct_2,10.00,usd,pending,2026-03-15T11:45:00Z,,,,',
          'pay_failed,acct_2,10.00,usd,failed,2026-03-15T08:00:00Z,,,,',
          'pay_incomplete,acct_2,10.00,usd,incomplete,2026-03-15T08:00:00Z,,,,',
        ],
        [],
      );
      const stuck = (await flags(db, AS_OF)).stuck!;
      expect(stuck.map((s) => [s.paymentId, s.stage, s.ageSeconds])).toEqual([['pay_old', 'processor', 10800]]);
      expect(stuck[0]).toMatchObject({ accountId: 'acct_1', amountCents: 1000, currency: 'usd', createdAt: '2026-03-15T09:00:00.000Z', email: 'a@x.com', laterPayments: 1 });
    });

    it('flags succeeded payments without a credit_purchased entry at the credit stage, measured against the ledger export', async () => {
      const db = await load(
        kind,
        [
          'pay_credited,acct_1,10.00,usd,succeeded,2026-03-15T09:00:00Z,,,,',
          'pay_uncredited,acct_1,10.00,usd,succeeded,2026-03-15T09:30:00Z,,in_9,,',
          'pay_partial,acct_2,10.00,usd,partially_refunded,2026-03-15T09:30:00Z,,,,',
          'pay_after_ledger,acct_3,10.00,usd,succeeded,2026-03-15T11:00:00Z,,,,',
          'pay_refunded,acct_3,10.00,usd,refunded,2026-03-15T09:00:00Z,,,,',
        ],
        ['le_1,acct_1,credit_purchased,10.00,usd,2026-03-15T09:00:30Z,pay_credited', 'le_2,acct_9,usage,-1.00,usd,2026-03-15T11:10:00Z,'],
      );
      const stuck = (await flags(db, AS_OF)).stuck!;
      // ages against min(asOf, newest ledger entry at 11:10): pay_after_ledger is 10 min old there, not stuck
      expect(stuck.map((s) => [s.paymentId, s.stage, s.ageSeconds])).toEqual([
        ['pay_partial', 'credit', 6000],
        ['pay_uncredited', 'credit', 6000],
      ]);
    });

    it('links credits through the alternate (PaymentIntent) id', async () => {
      const db = await emptyStore(kind);
      await importText(db, 'stripe.csv', 'id,Created date (UTC),Amount,Currency,Status,PaymentIntent ID,Customer ID\nch_1,2026-03-15 09:00:00,10.00,usd,Paid,pi_1,cus_1\n');
      await importText(db, 'ledger.csv', csv(LEDGER_HEADER, 'le_1,cus_1,credit_purchased,10.00,usd,2026-03-15T09:00:30Z,pi_1', 'le_2,cus_2,usage,-1.00,usd,2026-03-15T12:00:00Z,'));
      expect((await flags(db)).stuck).toEqual([]);
    });

    it('without a ledger, raises no credit-stage flags and says a ledger export is needed', async () => {
      const db = await load(kind, ['pay_1,acct_1,10.00,usd,succeeded,2026-03-15T09:00:00Z,,,,']);
      const result = await flags(db, AS_OF);
      expect(result.stuck).toEqual([]);
      expect(result.notices.map((n) => n.code)).toContain('no-ledger');
    });

    it('only considers payments within the lookback', async () => {
      const db = await load(kind, ['pay_1,acct_1,10.00,usd,pending,2026-02-01T09:00:00Z,,,,', 'pay_2,acct_1,10.00,usd,pending,2026-03-01T09:00:00Z,,,,'], []);
      expect((await flags(db, AS_OF)).stuck!.map((s) => s.paymentId)).toEqual(['pay_2']);
      expect((await flags(db, AS_OF, { lookbackDays: 60 })).stuck!.map((s) => s.paymentId)).toEqual(['pay_1', 'pay_2']);
    });

    it('defaults as-of to the newest timestamp in the data', async () => {
      const db = await load(kind, ['pay_1,acct_1,10.00,usd,pending,2026-03-15T09:00:00Z,2026-03-15T09:20:00Z,,,'], ['le_1,acct_1,usage,-1.00,usd,2026-03-15T09:10:00Z,']);
      const result = await flags(db);
      expect(result.asOf).toBe('2026-03-15T09:20:00.000Z');
      expect(result.stuck!.map((s) => s.ageSeconds)).toEqual([1200]);
    });

    it('says which Stripe column is missing when ledger credits name PaymentIntents that match nothing', async () => {
      const db = await emptyStore(kind);
      await importText(db, 'stripe.csv', 'id,Created date (UTC),Amount,Currency,Status,Customer ID\nch_1,2026-03-15 09:00:00,10.00,usd,Paid,cus_1\n');
      await importText(db, 'ledger.csv', csv(LEDGER_HEADER, 'le_1,cus_1,credit_purchased,10.00,usd,2026-03-15T12:00:00Z,pi_1'));
      const result = await flags(db);
      expect(result.notices.find((n) => n.code === 'payment-intent-ids-missing')?.message).toContain('PaymentIntent ID');
      expect(result.stuck).toEqual([]);
    });
  });

  describe('possible duplicate purchases', () => {
    it('clusters the same account, currency and amount within the window, with a stable key', async () => {
      const db = await load(
        kind,
        ['pay_a,acct_1,25.00,usd,succeeded,2026-03-15T10:00:00Z,,,,', 'pay_b,acct_1,25.00,usd,succeeded,2026-03-15T10:40:00Z,,,,', 'pay_c,acct_1,25.00,usd,pending,2026-03-15T11:35:00Z,,,,'],
        ['le_a,acct_1,credit_purchased,25.00,usd,2026-03-15T10:00:20Z,pay_a', 'le_b,acct_1,credit_purchased,25.00,usd,2026-03-15T10:40:20Z,pay_b'],
      );
      expect((await flags(db, AS_OF)).duplicates).toEqual([
        expect.objectContaining({ key: 'pay_a|pay_b|pay_c', accountId: 'acct_1', currency: 'usd', amountCents: 2500, paymentIds: ['pay_a', 'pay_b', 'pay_c'], whilePending: false }),
      ]);
    });

    it('a payment made while the first was pending is the stronger signal, listed first', async () => {
      const db = await load(
        kind,
        [
          'pay_1,acct_1,10.00,usd,succeeded,2026-03-15T10:00:00Z,,,,',
          'pay_2,acct_1,10.00,usd,succeeded,2026-03-15T10:03:00Z,,,,',
          'pay_3,acct_2,10.00,usd,succeeded,2026-03-15T09:00:00Z,,,,',
          'pay_4,acct_2,10.00,usd,succeeded,2026-03-15T09:30:00Z,,,,',
        ],
        [
          'le_1,acct_1,credit_purchased,10.00,usd,2026-03-15T10:05:00Z,pay_1',
          'le_2,acct_1,credit_purchased,10.00,usd,2026-03-15T10:05:10Z,pay_2',
          'le_3,acct_2,credit_purchased,10.00,usd,2026-03-15T09:00:10Z,pay_3',
          'le_4,acct_2,credit_purchased,10.00,usd,2026-03-15T09:30:10Z,pay_4',
        ],
      );
      expect((await flags(db, AS_OF)).duplicates!.map((d) => [d.key, d.whilePending])).toEqual([
        ['pay_1|pay_2', true],
        ['pay_3|pay_4', false],
      ]);
    });

    it('near misses: a declined charge retried a minute later, the same amount 3 hours apart, different amounts or accounts', async () => {
      const db = await load(
        kind,
        [
          'pay_declined,acct_1,10.00,usd,failed,2026-03-15T10:00:00Z,,,,',
          'pay_retry,acct_1,10.00,usd,succeeded,2026-03-15T10:01:00Z,,,,',
          'pay_morning,acct_2,10.00,usd,succeeded,2026-03-15T07:00:00Z,,,,',
          'pay_noon,acct_2,10.00,usd,succeeded,2026-03-15T10:00:00Z,,,,',
          'pay_x,acct_3,10.00,usd,succeeded,2026-03-15T10:00:00Z,,,,',
          'pay_y,acct_3,20.00,usd,succeeded,2026-03-15T10:01:00Z,,,,',
          'pay_z,acct_3,10.00,eur,succeeded,2026-03-15T10:02:00Z,,,,',
          'pay_refunded,acct_4,10.00,usd,refunded,2026-03-15T10:00:00Z,,,,',
          'pay_kept,acct_4,10.00,usd,succeeded,2026-03-15T10:02:00Z,,,,',
        ],
        [],
      );
      expect((await flags(db, AS_OF)).duplicates).toEqual([]);
      expect((await flags(db, AS_OF, { duplicateWindowMinutes: 200 })).duplicates!.map((d) => d.key)).toEqual(['pay_morning|pay_noon']);
    });

    it('never groups payments without an account', async () => {
      const db = await emptyStore(kind);
      await importText(db, 'stripe.csv', 'id,Created date (UTC),Amount,Currency,Status\nch_1,2026-03-15 10:00:00,40.00,usd,Paid\nch_2,2026-03-15 10:01:00,40.00,usd,Paid\n');
      expect((await flags(db)).duplicates).toEqual([]);
      expect((await flags(db)).stuck).toEqual([]);
    });
  });

  describe('credits but still Limited', () => {
    const ledger = (account: string, ...rows: string[]) => rows.map((r, i) => `le_${account}_${i},${account},${r}`);

    it('flags a balance with under $5.00 purchased, with the missing amount; exactly $5.00 is not limited', async () => {
      const db = await load(
        kind,
        ['pay_5,acct_five,5.00,usd,succeeded,2026-03-01T00:00:00Z,,,,'],
        [
          ...ledger('acct_free', 'credit_free,5.00,usd,2026-03-01T00:00:00Z,', 'usage,-0.80,usd,2026-03-02T00:00:00Z,'),
          ...ledger('acct_five', 'credit_free,5.00,usd,2026-03-01T00:00:00Z,', 'credit_purchased,5.00,usd,2026-03-01T00:00:10Z,pay_5'),
          ...ledger('acct_empty', 'credit_free,5.00,usd,2026-03-01T00:00:00Z,', 'usage,-5.00,usd,2026-03-02T00:00:00Z,'),
        ],
      );
      expect((await flags(db, AS_OF)).limited).toEqual([
        { accountId: 'acct_free', currency: 'usd', balanceCents: 420, freeCents: 500, purchasedCents: 0, missingCents: 500, unlockPaymentId: null },
      ]);
    });

    it('a refunded purchase does not count as purchased spend', async () => {
      const db = await load(
        kind,
        ['pay_r,acct_r,10.00,usd,refunded,2026-03-01T00:00:00Z,,,,'],
        ledger('acct_r', 'credit_free,5.00,usd,2026-03-01T00:00:00Z,', 'credit_purchased,10.00,usd,2026-03-01T00:00:10Z,pay_r', 'refund,-10.00,usd,2026-03-02T00:00:00Z,pay_r'),
      );
      expect((await flags(db, AS_OF)).limited).toMatchObject([{ accountId: 'acct_r', purchasedCents: 0, missingCents: 500, balanceCents: 500 }]);
    });

    it('says which pending payment would unlock the tier', async () => {
      const db = await load(
        kind,
        ['pay_small,acct_1,2.00,usd,pending,2026-03-15T11:00:00Z,,,,', 'pay_big,acct_1,10.00,usd,pending,2026-03-15T11:30:00Z,,,,'],
        ledger('acct_1', 'credit_free,5.00,usd,2026-03-01T00:00:00Z,'),
      );
      expect((await flags(db, AS_OF)).limited).toMatchObject([{ accountId: 'acct_1', missingCents: 500, unlockPaymentId: 'pay_big' }]);
    });

    it('uses the tier threshold setting', async () => {
      const db = await load(kind, [], ledger('acct_1', 'credit_free,5.00,usd,2026-03-01T00:00:00Z,'));
      expect((await flags(db, AS_OF, { tierThresholdCents: 0 })).limited).toEqual([]);
      expect((await flags(db, AS_OF, { tierThresholdCents: 1000 })).limited).toMatchObject([{ missingCents: 1000 }]);
    });
  });
});

// A pure function over rows already read: no store to run it against.
describe('paidWhilePending', () => {
  it('whilePending follows the credit time of every earlier payment', () => {
    const p = (created_at: number, credited_at: number | null, status = 'succeeded' as const) => ({ created_at, credited_at, status });
    expect(paidWhilePending([p(0, 5), p(10, 12)])).toBe(false);
    expect(paidWhilePending([p(0, 15), p(10, 16)])).toBe(true);
    expect(paidWhilePending([p(0, null), p(10, 11)])).toBe(true);
    expect(paidWhilePending([p(0, 10), p(10, 11)])).toBe(false);
  });
});
