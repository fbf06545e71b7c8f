// rules.md §4 "Processor and ledger disagree": every kind with its delta, and the edges the spec names. Each expected
// number is worked out by hand from the rule: creditedCents = linked credit_purchased, reversedCents = −linked refunds,
// returnedCents = amount_refunded (refunded without one: the whole amount; partially_refunded without one: 0) plus a
// lost dispute's amount.
import { describe, expect, it } from 'vitest';
import { DEFAULT_FLAG_SETTINGS, type FlagSettings, type Mismatch } from '../../shared/domain.js';
import { computeFlags } from '../../main/core/flags/index.js';
import type { Store } from '../../main/core/store/store.js';
import { csv, importText, LEDGER_HEADER } from '../support/db.js';
import { describeStores, emptyStores, type StoreKind } from '../support/stores.js';

const AS_OF = '2026-03-15T12:00:00Z';
const HEADER = 'payment_id,account_id,amount,currency,status,created_at,updated_at,amount_refunded,refunded_at,disputed_amount,dispute_status,disputed_at,email';
/** The ledger export was taken at 12:00 on 15 March: its newest entry. */
const LEDGER_END = 'le_end,acct_z,usage,-1.00,usd,2026-03-15T12:00:00Z,';

const emptyStore = emptyStores();

async function load(kind: StoreKind, payments: string[], ledger: string[] | null) {
  const db = await emptyStore(kind);
  if (payments.length) await importText(db, 'payments.csv', csv(HEADER, ...payments));
  if (ledger) await importText(db, 'ledger.csv', csv(LEDGER_HEADER, ...ledger));
  return db;
}

const mismatchesOf = (db: Store, settings: Partial<FlagSettings> = {}, asOf = AS_OF) =>
  computeFlags(db, { settings: { ...DEFAULT_FLAG_SETTINGS, ...settings }, asOf, only: 'mismatches' });

/** Key → [deltaCents, creditedCents, reversedCents, returnedCents]. */
const numbers = (mismatches: readonly Mismatch[]) =>
  Object.fromEntries(mismatches.map((m) => [m.key, [m.deltaCents, m.creditedCents, m.reversedCents, m.returnedCents]]));

describeStores('processor and ledger disagree', (kind) => {
  describe('credited_twice', () => {
    it('two credits for one payment: the whole row, delta = credited − amount', async () => {
      const db = await load(
        kind,
        ['pay_tw,acct_1,10.00,usd,succeeded,2026-03-14T09:00:00Z,,,,,,,one@example.com'],
        ['le_2,acct_1,credit_purchased,10.00,usd,2026-03-14T09:05:00Z,pay_tw', 'le_1,acct_1,credit_purchased,10.00,usd,2026-03-14T09:00:30Z,pay_tw', LEDGER_END],
      );
      expect((await mismatchesOf(db)).mismatches).toEqual([
        {
          key: 'credited_twice:pay_tw', kind: 'credited_twice', paymentId: 'pay_tw', accountId: 'acct_1', currency: 'usd', amountCents: 1000,
          creditedCents: 2000, reversedCents: 0, returnedCents: 0, deltaCents: 1000, entryIds: ['le_1', 'le_2'], status: 'succeeded',
          createdAt: '2026-03-14T09:00:00.000Z', returnedAt: null, email: 'one@example.com',
        },
      ]);
    });

    it('three credits, one of them smaller', async () => {
      const db = await load(
        kind,
        ['pay_3x,acct_1,10.00,usd,succeeded,2026-03-14T09:00:00Z,,,,,,,'],
        [
          'le_1,acct_1,credit_purchased,10.00,usd,2026-03-14T09:00:30Z,pay_3x',
          'le_2,acct_1,credit_purchased,10.00,usd,2026-03-14T09:01:00Z,pay_3x',
          'le_3,acct_1,credit_purchased,2.50,usd,2026-03-14T09:02:00Z,pay_3x',
          LEDGER_END,
        ],
      );
      expect(numbers((await mismatchesOf(db)).mismatches!)).toEqual({ 'credited_twice:pay_3x': [1250, 2250, 0, 0] });
    });

    it('looks at every imported payment, however old (no lookback)', async () => {
      const db = await load(
        kind,
        ['pay_old,acct_1,10.00,usd,succeeded,2025-01-10T09:00:00Z,,,,,,,'],
        ['le_1,acct_1,credit_purchased,10.00,usd,2025-01-10T09:00:30Z,pay_old', 'le_2,acct_1,credit_purchased,10.00,usd,2025-01-10T09:01:00Z,pay_old', LEDGER_END],
      );
      expect((await mismatchesOf(db)).mismatches!.map((m) => m.key)).toEqual(['credited_twice:pay_old']);
    });
  });

  describe('amount_differs', () => {
    it('one credit of another amount: delta = credited − amount (negative: credits owed); in another currency: delta null', async () => {
      const db = await load(
        kind,
        [
          'pay_less,acct_1,25.00,usd,succeeded,2026-03-14T09:00:00Z,,,,,,,',
          'pay_more,acct_1,10.00,usd,succeeded,2026-03-14T09:10:00Z,,,,,,,',
          'pay_cur,acct_2,10.00,usd,succeeded,2026-03-14T09:20:00Z,,,,,,,',
          'pay_same,acct_2,10.00,usd,succeeded,2026-03-14T09:30:00Z,,,,,,,',
          'pay_jpy,acct_3,1500,jpy,succeeded,2026-03-14T09:40:00Z,,,,,,,',
        ],
        [
          'le_less,acct_1,credit_purchased,20.00,usd,2026-03-14T09:00:30Z,pay_less',
          'le_more,acct_1,credit_purchased,12.00,usd,2026-03-14T09:10:30Z,pay_more',
          'le_cur,acct_2,credit_purchased,10.00,eur,2026-03-14T09:20:30Z,pay_cur',
          'le_same,acct_2,credit_purchased,10.00,usd,2026-03-14T09:30:30Z,pay_same',
          'le_jpy,acct_3,credit_purchased,1500,jpy,2026-03-14T09:40:30Z,pay_jpy',
          LEDGER_END,
        ],
      );
      const result = (await mismatchesOf(db)).mismatches!;
      expect(numbers(result)).toEqual({
        'amount_differs:pay_less': [-500, 2000, 0, 0],
        'amount_differs:pay_more': [200, 1200, 0, 0],
        'amount_differs:pay_cur': [null, 1000, 0, 0],
      });
      expect(result.find((m) => m.key === 'amount_differs:pay_cur')).toMatchObject({ kind: 'amount_differs', paymentId: 'pay_cur', currency: 'usd', amountCents: 1000, entryIds: ['le_cur'] });
    });
  });

  describe('credited_not_paid', () => {
    it('credits for a failed, canceled or incomplete payment: delta = credited; with two credits it is credited_twice too', async () => {
      const db = await load(
        kind,
        [
          'pay_failed,acct_1,5.00,usd,failed,2026-03-14T09:00:00Z,,,,,,,',
          'pay_canceled,acct_1,6.00,usd,canceled,2026-03-14T09:10:00Z,,,,,,,',
          'pay_incomplete,acct_1,7.00,usd,incomplete,2026-03-14T09:20:00Z,,,,,,,',
          'pay_failed_twice,acct_2,5.00,usd,failed,2026-03-14T09:30:00Z,,,,,,,',
          'pay_failed_clean,acct_2,5.00,usd,failed,2026-03-14T09:40:00Z,,,,,,,',
        ],
        [
          'le_f,acct_1,credit_purchased,5.00,usd,2026-03-14T09:00:30Z,pay_failed',
          'le_c,acct_1,credit_purchased,6.00,usd,2026-03-14T09:10:30Z,pay_canceled',
          'le_i,acct_1,credit_purchased,7.00,usd,2026-03-14T09:20:30Z,pay_incomplete',
          'le_t1,acct_2,credit_purchased,5.00,usd,2026-03-14T09:30:30Z,pay_failed_twice',
          'le_t2,acct_2,credit_purchased,5.00,usd,2026-03-14T09:31:00Z,pay_failed_twice',
          LEDGER_END,
        ],
      );
      const result = (await mismatchesOf(db)).mismatches!;
      expect(numbers(result)).toEqual({
        'credited_not_paid:pay_failed': [500, 500, 0, 0],
        'credited_not_paid:pay_canceled': [600, 600, 0, 0],
        'credited_not_paid:pay_incomplete': [700, 700, 0, 0],
        'credited_not_paid:pay_failed_twice': [1000, 1000, 0, 0],
        'credited_twice:pay_failed_twice': [500, 1000, 0, 0],
      });
      expect(result.find((m) => m.key === 'credited_not_paid:pay_canceled')).toMatchObject({ status: 'canceled', entryIds: ['le_c'] });
    });
  });

  describe('refund_not_reversed', () => {
    const credit = (id: string, paymentId: string, amount = '10.00') => `${id},acct_1,credit_purchased,${amount},usd,2026-03-14T09:00:30Z,${paymentId}`;

    it('money returned at the processor whose credits were not taken back: delta = min(returned, credited) − reversed', async () => {
      const db = await load(
        kind,
        [
          'pay_r1,acct_1,10.00,usd,refunded,2026-03-14T09:00:00Z,,10.00,2026-03-14T10:00:00Z,,,,',
          'pay_r2,acct_1,10.00,usd,refunded,2026-03-14T09:00:00Z,,10.00,2026-03-14T10:00:00Z,,,,',
          'pay_r3,acct_1,10.00,usd,refunded,2026-03-14T09:00:00Z,,10.00,2026-03-14T10:00:00Z,,,,',
          'pay_r4,acct_1,10.00,usd,partially_refunded,2026-03-14T09:00:00Z,,4.00,2026-03-14T10:00:00Z,,,,',
          'pay_r11,acct_1,10.00,usd,refunded,2026-03-14T09:00:00Z,,10.00,2026-03-14T10:00:00Z,,,,',
          'pay_r12,acct_1,10.00,usd,refunded,2026-03-14T09:00:00Z,,10.00,2026-03-14T10:00:00Z,,,,',
        ],
        [
          credit('le_r1', 'pay_r1'),
          credit('le_r2a', 'pay_r2'),
          'le_r2b,acct_1,refund,-4.00,usd,2026-03-14T10:30:00Z,pay_r2',
          credit('le_r3a', 'pay_r3'),
          'le_r3b,acct_1,refund,-10.00,usd,2026-03-14T10:30:00Z,pay_r3',
          credit('le_r4', 'pay_r4'),
          credit('le_r11', 'pay_r11', '5.00'),
          LEDGER_END,
        ],
      );
      const result = (await mismatchesOf(db)).mismatches!;
      expect(numbers(result)).toEqual({
        'refund_not_reversed:pay_r1': [1000, 1000, 0, 1000],
        'refund_not_reversed:pay_r2': [600, 1000, 400, 1000],
        'refund_not_reversed:pay_r4': [400, 1000, 0, 400],
        // credited 5.00 for a 10.00 payment, then refunded in full: only the 5.00 of credits can be taken back
        'refund_not_reversed:pay_r11': [500, 500, 0, 1000],
        'amount_differs:pay_r11': [-500, 500, 0, 1000],
      });
      expect(result.find((m) => m.key === 'refund_not_reversed:pay_r2')).toMatchObject({
        kind: 'refund_not_reversed', status: 'refunded', returnedAt: '2026-03-14T10:00:00.000Z', entryIds: ['le_r2a', 'le_r2b'],
      });
    });

    it('refunded without a refunded amount: the whole amount, returned when the row last changed', async () => {
      const db = await load(
        kind,
        ['pay_whole,acct_1,10.00,usd,refunded,2026-03-14T09:00:00Z,2026-03-14T11:00:00Z,,,,,,'],
        [credit('le_1', 'pay_whole'), LEDGER_END],
      );
      expect((await mismatchesOf(db)).mismatches).toEqual([
        expect.objectContaining({ key: 'refund_not_reversed:pay_whole', returnedCents: 1000, deltaCents: 1000, returnedAt: '2026-03-14T11:00:00.000Z' }),
      ]);
    });

    it('partially_refunded without a refunded amount: unknown, taken as 0, so nothing to reverse', async () => {
      const db = await load(kind, ['pay_part,acct_1,10.00,usd,partially_refunded,2026-03-14T09:00:00Z,2026-03-14T11:00:00Z,,,,,,'], [credit('le_1', 'pay_part'), LEDGER_END]);
      expect((await mismatchesOf(db)).mismatches).toEqual([]);
    });

    it('a lost dispute returns its amount (dated by the dispute); won or still open returns nothing', async () => {
      const db = await load(
        kind,
        [
          'pay_lost,acct_1,10.00,usd,succeeded,2026-03-14T09:00:00Z,,,,10.00,lost,2026-03-14T08:00:00Z,',
          'pay_lost_part,acct_1,10.00,usd,succeeded,2026-03-14T09:00:00Z,,,,6.00,lost,2026-03-14T08:00:00Z,',
          'pay_won,acct_1,10.00,usd,succeeded,2026-03-14T09:00:00Z,,,,10.00,won,2026-03-14T08:00:00Z,',
          'pay_open,acct_1,10.00,usd,succeeded,2026-03-14T09:00:00Z,,,,10.00,needs_response,2026-03-14T08:00:00Z,',
          'pay_review,acct_1,10.00,usd,succeeded,2026-03-14T09:00:00Z,,,,10.00,under_review,2026-03-14T08:00:00Z,',
          'pay_both,acct_1,10.00,usd,partially_refunded,2026-03-14T09:00:00Z,,3.00,2026-03-14T10:00:00Z,7.00,lost,2026-03-14T11:00:00Z,',
        ],
        [
          credit('le_lost', 'pay_lost'),
          credit('le_lost_part', 'pay_lost_part'),
          credit('le_won', 'pay_won'),
          credit('le_open', 'pay_open'),
          credit('le_review', 'pay_review'),
          credit('le_both', 'pay_both'),
          LEDGER_END,
        ],
      );
      const result = (await mismatchesOf(db)).mismatches!;
      expect(numbers(result)).toEqual({
        'refund_not_reversed:pay_lost': [1000, 1000, 0, 1000],
        'refund_not_reversed:pay_lost_part': [600, 1000, 0, 600],
        'refund_not_reversed:pay_both': [1000, 1000, 0, 1000],
      });
      expect(result.find((m) => m.key === 'refund_not_reversed:pay_lost')!.returnedAt).toBe('2026-03-14T08:00:00.000Z');
      expect(result.find((m) => m.key === 'refund_not_reversed:pay_both')!.returnedAt).toBe('2026-03-14T10:00:00.000Z');
    });

    it('no credits, nothing to take back: no row', async () => {
      const db = await load(kind, ['pay_none,acct_1,10.00,usd,refunded,2026-03-14T09:00:00Z,,10.00,2026-03-14T10:00:00Z,,,,'], [LEDGER_END]);
      expect((await mismatchesOf(db)).mismatches).toEqual([]);
    });

    it('a refund made minutes before the ledger export is not judged yet (more than stuckAfterMinutes before its newest entry)', async () => {
      const refundedAt = (id: string, at: string) => `${id},acct_1,10.00,usd,refunded,2026-03-15T09:00:00Z,,10.00,${at},,,,`;
      const db = await load(
        kind,
        [refundedAt('pay_10min', '2026-03-15T11:50:00Z'), refundedAt('pay_15min', '2026-03-15T11:45:00Z'), refundedAt('pay_16min', '2026-03-15T11:44:00Z')],
        [credit('le_1', 'pay_10min'), credit('le_2', 'pay_15min'), credit('le_3', 'pay_16min'), LEDGER_END].map((l) => l.replace('2026-03-14T09:00:30Z', '2026-03-15T09:00:30Z')),
      );
      expect((await mismatchesOf(db)).mismatches!.map((m) => m.key)).toEqual(['refund_not_reversed:pay_16min']);
      // measured against the ledger export, not the as-of: a later as-of changes nothing
      expect((await mismatchesOf(db, {}, '2026-04-01T00:00:00Z')).mismatches!.map((m) => m.key)).toEqual(['refund_not_reversed:pay_16min']);
      // the threshold is stuckAfterMinutes
      expect((await mismatchesOf(db, { stuckAfterMinutes: 5 })).mismatches!.map((m) => m.key).sort()).toEqual([
        'refund_not_reversed:pay_10min', 'refund_not_reversed:pay_15min', 'refund_not_reversed:pay_16min',
      ]);
    });
  });

  describe('unknown_payment', () => {
    it('a credit naming no imported payment, inside the period the payments export covers; keyed by its entry', async () => {
      const db = await load(
        kind,
        ['pay_oldest,acct_1,5.00,usd,succeeded,2026-03-01T00:00:00Z,,,,,,,', 'pay_newest,acct_1,5.00,usd,succeeded,2026-03-14T00:00:00Z,,,,,,,'],
        [
          'le_a,acct_1,credit_purchased,5.00,usd,2026-03-01T00:00:30Z,pay_oldest',
          'le_b,acct_1,credit_purchased,5.00,usd,2026-03-14T00:00:30Z,pay_newest',
          'le_before,acct_g,credit_purchased,5.00,usd,2026-02-20T00:00:00Z,pay_ghost0',
          'le_first_day,acct_g,credit_purchased,5.00,usd,2026-03-01T23:00:00Z,pay_ghost1',
          'le_day_exact,acct_g,credit_purchased,5.00,usd,2026-03-02T00:00:00Z,pay_ghost1',
          'le_in,acct_g,credit_purchased,7.00,usd,2026-03-02T00:01:00Z,pay_ghost2',
          'le_in_again,acct_g,credit_purchased,6.00,usd,2026-03-03T00:00:00Z,pay_ghost2',
          'le_at_newest,acct_g,credit_purchased,9.00,usd,2026-03-14T00:00:00Z,pay_ghost3',
          'le_after,acct_g,credit_purchased,3.00,usd,2026-03-14T00:01:00Z,pay_ghost4',
          'le_refund,acct_g,refund,-2.00,usd,2026-03-05T00:00:00Z,pay_ghost5',
          'le_usage,acct_g,usage,-1.00,usd,2026-03-05T00:00:00Z,',
        ],
      );
      const result = (await mismatchesOf(db)).mismatches!;
      expect(result.map((m) => m.key)).toEqual(['unknown_payment:le_at_newest', 'unknown_payment:le_in', 'unknown_payment:le_in_again']);
      expect(result[1]).toEqual({
        key: 'unknown_payment:le_in', kind: 'unknown_payment', paymentId: 'pay_ghost2', accountId: 'acct_g', currency: 'usd', amountCents: 700,
        creditedCents: 700, reversedCents: 0, returnedCents: 0, deltaCents: 700, entryIds: ['le_in'], status: null,
        createdAt: '2026-03-02T00:01:00.000Z', returnedAt: null, email: null,
      });
    });
    it('credits naming PaymentIntents that charges imported without one cannot reach: the notice says which column to add, no row', async () => {
      const db = await load(
        kind,
        ['ch_0,acct_1,5.00,usd,succeeded,2026-03-01T00:00:00Z,,,,,,,', 'ch_1,acct_1,5.00,usd,succeeded,2026-03-10T00:00:00Z,,,,,,,', 'ch_2,acct_2,5.00,usd,succeeded,2026-03-12T00:00:00Z,,,,,,,'],
        ['le_1,acct_1,credit_purchased,5.00,usd,2026-03-10T00:00:30Z,pi_1', 'le_2,acct_2,credit_purchased,5.00,usd,2026-03-05T00:00:00Z,pay_ghost', LEDGER_END],
      );
      const result = await mismatchesOf(db);
      expect(result.mismatches!.map((m) => m.key)).toEqual(['unknown_payment:le_2']);
      expect(result.notices.map((n) => n.code)).toEqual(['payment-intent-ids-missing']);
      expect(result.notices[0].message).toContain('"PaymentIntent ID" column');
    });
  });

  describe('links, order and the ledger', () => {
    it.each(['payments first', 'ledger first'])('links credits through the PaymentIntent id of a Stripe export (%s)', async (order) => {
      const db = await emptyStore(kind);
      const payments = csv(
        'id,Created date (UTC),Amount,Amount Refunded,Currency,Status,Refunded date (UTC),PaymentIntent ID,Customer ID',
        'ch_0,2026-03-01 00:00:00,10.00,0.00,usd,Paid,,pi_0,cus_0',
        'ch_1,2026-03-14 09:00:00,10.00,0.00,usd,Paid,,pi_1,cus_1',
        'ch_2,2026-03-14 09:10:00,10.00,10.00,usd,Paid,2026-03-14 10:00:00,pi_2,cus_1',
        'ch_3,2026-03-14 09:20:00,10.00,0.00,usd,Paid,,pi_3,cus_1',
      );
      // every credit but le_4 falls inside the period the payments cover (2 Mar 00:00 to 14 Mar 09:20): linked by the
      // PaymentIntent id, none of them is an unknown payment
      const ledger = csv(
        LEDGER_HEADER,
        'le_0,cus_0,credit_purchased,10.00,usd,2026-03-01T00:00:30Z,pi_0',
        'le_1,cus_1,credit_purchased,10.00,usd,2026-03-14T09:00:30Z,ch_1',
        'le_2,cus_1,credit_purchased,10.00,usd,2026-03-14T09:01:00Z,pi_1',
        'le_3,cus_1,credit_purchased,10.00,usd,2026-03-14T09:10:30Z,pi_2',
        'le_4,cus_1,credit_purchased,10.00,usd,2026-03-14T09:20:30Z,pi_3',
        LEDGER_END,
      );
      const files: [string, string][] = [['unified_payments.csv', payments], ['ledger.csv', ledger]];
      if (order === 'ledger first') files.reverse();
      for (const [name, content] of files) await importText(db, name, content);
      const result = (await mismatchesOf(db)).mismatches!;
      expect(numbers(result)).toEqual({ 'credited_twice:ch_1': [1000, 2000, 0, 0], 'refund_not_reversed:ch_2': [1000, 1000, 0, 1000] });
      expect(result.find((m) => m.key === 'credited_twice:ch_1')!.entryIds).toEqual(['le_1', 'le_2']);
      expect(result.find((m) => m.key === 'refund_not_reversed:ch_2')!.entryIds).toEqual(['le_3']);
    });

    it('sorts by the amount at stake, abs(delta), largest first, whatever its sign or kind', async () => {
      const db = await load(
        kind,
        [
          'pay_oldest,acct_0,1.00,usd,succeeded,2026-03-01T00:00:00Z,,,,,,,',
          'pay_twice,acct_1,10.00,usd,succeeded,2026-03-14T09:00:00Z,,,,,,,',
          'pay_short,acct_2,30.00,usd,succeeded,2026-03-14T09:10:00Z,,,,,,,',
          'pay_failed,acct_3,3.00,usd,failed,2026-03-14T09:20:00Z,,,,,,,',
          'pay_refunded,acct_4,4.50,usd,refunded,2026-03-14T09:30:00Z,,4.50,2026-03-14T10:00:00Z,,,,',
        ],
        [
          'le_0,acct_0,credit_purchased,1.00,usd,2026-03-01T00:00:30Z,pay_oldest',
          'le_1,acct_1,credit_purchased,10.00,usd,2026-03-14T09:00:30Z,pay_twice',
          'le_2,acct_1,credit_purchased,10.00,usd,2026-03-14T09:01:00Z,pay_twice',
          'le_3,acct_2,credit_purchased,5.00,usd,2026-03-14T09:10:30Z,pay_short',
          'le_4,acct_3,credit_purchased,3.00,usd,2026-03-14T09:20:30Z,pay_failed',
          'le_5,acct_4,credit_purchased,4.50,usd,2026-03-14T09:30:30Z,pay_refunded',
          'le_6,acct_5,credit_purchased,7.00,usd,2026-03-10T00:00:00Z,pay_elsewhere',
          LEDGER_END,
        ],
      );
      expect((await mismatchesOf(db)).mismatches!.map((m) => [m.key, m.deltaCents])).toEqual([
        ['amount_differs:pay_short', -2500],
        ['credited_twice:pay_twice', 1000],
        ['unknown_payment:le_6', 700],
        ['refund_not_reversed:pay_refunded', 450],
        ['credited_not_paid:pay_failed', 300],
      ]);
    });

    it('reads the same whichever export is imported first (a folder sync reads ledger.csv before payments.csv)', async () => {
      const payments = csv(
        HEADER,
        'pay_oldest,acct_0,1.00,usd,succeeded,2026-03-01T00:00:00Z,,,,,,,',
        'pay_twice,acct_1,10.00,usd,succeeded,2026-03-14T09:00:00Z,,,,,,,',
        'pay_refunded,acct_4,4.50,usd,refunded,2026-03-14T09:30:00Z,,4.50,2026-03-14T10:00:00Z,,,,',
      );
      const ledger = csv(
        LEDGER_HEADER,
        'le_0,acct_0,credit_purchased,1.00,usd,2026-03-01T00:00:30Z,pay_oldest',
        'le_1,acct_1,credit_purchased,10.00,usd,2026-03-14T09:00:30Z,pay_twice',
        'le_2,acct_1,credit_purchased,10.00,usd,2026-03-14T09:01:00Z,pay_twice',
        'le_5,acct_4,credit_purchased,4.50,usd,2026-03-14T09:30:30Z,pay_refunded',
        LEDGER_END,
      );
      const expected = { 'credited_twice:pay_twice': [1000, 2000, 0, 0], 'refund_not_reversed:pay_refunded': [450, 450, 0, 450] };
      const paymentsFirst = await emptyStore(kind);
      await importText(paymentsFirst, 'payments.csv', payments);
      await importText(paymentsFirst, 'ledger.csv', ledger);
      expect(numbers((await mismatchesOf(paymentsFirst)).mismatches!)).toEqual(expected);
      const ledgerFirst = await emptyStore(kind);
      await importText(ledgerFirst, 'ledger.csv', ledger);
      await importText(ledgerFirst, 'payments.csv', payments);
      expect(numbers((await mismatchesOf(ledgerFirst)).mismatches!)).toEqual(expected);
    });

    it('without a ledger export the list is empty and says a ledger export is needed', async () => {
      const db = await load(kind, ['pay_1,acct_1,10.00,usd,refunded,2026-03-14T09:00:00Z,,10.00,2026-03-14T10:00:00Z,,,,'], null);
      const result = await mismatchesOf(db);
      expect(result.mismatches).toEqual([]);
      expect(result.notices.map((n) => n.code)).toContain('no-ledger');
    });

    it('a payment whose credits match the money kept shows nothing', async () => {
      const db = await load(
        kind,
        ['pay_ok,acct_1,10.00,usd,succeeded,2026-03-14T09:00:00Z,,,,,,,', 'pay_back,acct_1,10.00,usd,refunded,2026-03-14T09:10:00Z,,10.00,2026-03-14T10:00:00Z,,,,'],
        [
          'le_1,acct_1,credit_purchased,10.00,usd,2026-03-14T09:00:30Z,pay_ok',
          'le_2,acct_1,credit_purchased,10.00,usd,2026-03-14T09:10:30Z,pay_back',
          'le_3,acct_1,refund,-10.00,usd,2026-03-14T10:01:00Z,pay_back',
          LEDGER_END,
        ],
      );
      expect((await mismatchesOf(db)).mismatches).toEqual([]);
    });
  });
});
