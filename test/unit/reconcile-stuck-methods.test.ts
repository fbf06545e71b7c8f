// rules.md §1 "Slow payment methods": the processor-stage threshold per method; the credit stage always uses
// stuckAfterMinutes. As of 2026-03-15T12:00:00Z throughout; ages are worked out by hand from the created_at values.
import { describe, expect, it } from 'vitest';
import type { FlagSettings } from '../../shared/domain.js';
import { csv, flags, importText, LEDGER_HEADER } from '../support/db.js';
import { describeStores, emptyStores, type StoreKind } from '../support/stores.js';

const AS_OF = '2026-03-15T12:00:00Z';
const HEADER = 'payment_id,account_id,amount,currency,status,created_at,payment_method';
const BANK_DEBITS = ['us_bank_account', 'ach_debit', 'sepa_debit', 'bacs_debit', 'acss_debit', 'au_becs_debit'];

const MINUTE = 60_000;
const before = (minutes: number) => new Date(Date.parse(AS_OF) - minutes * MINUTE).toISOString();
const DAY_MINUTES = 24 * 60;

const emptyStore = emptyStores();

async function load(kind: StoreKind, payments: string[], ledger: string[] = ['le_last,acct_x,usage,-1.00,usd,2026-03-15T12:00:00Z,']) {
  const db = await emptyStore(kind);
  await importText(db, 'payments.csv', csv(HEADER, ...payments));
  await importText(db, 'ledger.csv', csv(LEDGER_HEADER, ...ledger));
  return db;
}

const stuckOf = async (kind: StoreKind, payments: string[], settings: Partial<FlagSettings> = {}, ledger?: string[]) =>
  (await flags(await load(kind, payments, ledger), AS_OF, settings)).stuck!.map((s) => ({ id: s.paymentId, stage: s.stage, method: s.method, after: s.stuckAfterMinutes }));

describeStores('slow payment methods', (kind) => {
  describe('stuck at the processor, by payment method', () => {
    it('a card pending 16 minutes is stuck; 15 minutes is not yet', async () => {
      const stuck = await stuckOf(kind, [`pay_16,acct_1,10.00,usd,pending,${before(16)},card`, `pay_15,acct_1,10.00,usd,pending,${before(15)},card`]);
      expect(stuck).toEqual([{ id: 'pay_16', stage: 'processor', method: 'card', after: 15 }]);
    });

    it('an ACH debit pending 2 days is not stuck; pending 8 days it is, against the 7-day bank-debit threshold', async () => {
      const stuck = await stuckOf(kind, [`pay_2d,acct_1,10.00,usd,pending,${before(2 * DAY_MINUTES)},us_bank_account`, `pay_8d,acct_1,10.00,usd,processing,${before(8 * DAY_MINUTES)},us_bank_account`]);
      expect(stuck).toEqual([{ id: 'pay_8d', stage: 'processor', method: 'us_bank_account', after: 10_080 }]);
    });

    it.each(BANK_DEBITS)('%s is a bank debit: not stuck at exactly 7 days, stuck a minute later', async (method) => {
      const stuck = await stuckOf(kind, [
        `pay_6d,acct_1,10.00,usd,pending,${before(6 * DAY_MINUTES)},${method}`,
        `pay_7d,acct_1,10.00,usd,pending,${before(7 * DAY_MINUTES)},${method}`,
        `pay_7d1m,acct_1,10.00,usd,pending,${before(7 * DAY_MINUTES + 1)},${method}`,
      ]);
      expect(stuck).toEqual([{ id: 'pay_7d1m', stage: 'processor', method, after: 10_080 }]);
    });

    it('cards, wallets and payments whose method is unknown use stuckAfterMinutes', async () => {
      const stuck = await stuckOf(kind, [
        `pay_wallet,acct_1,10.00,usd,pending,${before(20)},link`,
        `pay_unknown,acct_1,10.00,usd,pending,${before(19)},`,
        `pay_card,acct_1,10.00,usd,pending,${before(18)},card`,
      ]);
      expect(stuck).toEqual([
        { id: 'pay_wallet', stage: 'processor', method: 'link', after: 15 },
        { id: 'pay_unknown', stage: 'processor', method: null, after: 15 },
        { id: 'pay_card', stage: 'processor', method: 'card', after: 15 },
      ]);
    });

    it('bankDebitStuckAfterMinutes sets the bank-debit threshold and nothing else', async () => {
      const payments = [`pay_ach,acct_1,10.00,usd,pending,${before(2 * DAY_MINUTES)},ach_debit`, `pay_card,acct_1,10.00,usd,pending,${before(20)},card`];
      expect(await stuckOf(kind, payments, { bankDebitStuckAfterMinutes: 24 * 60 })).toEqual([
        { id: 'pay_ach', stage: 'processor', method: 'ach_debit', after: 1440 },
        { id: 'pay_card', stage: 'processor', method: 'card', after: 15 },
      ]);
      expect(await stuckOf(kind, payments, { bankDebitStuckAfterMinutes: 3 * DAY_MINUTES })).toEqual([{ id: 'pay_card', stage: 'processor', method: 'card', after: 15 }]);
    });

    it("the user's own threshold for a method wins over the bank-debit one, longer or shorter", async () => {
      const payments = [
        `pay_ach_2d,acct_1,10.00,usd,pending,${before(2 * DAY_MINUTES)},us_bank_account`,
        `pay_ach_4d,acct_1,10.00,usd,pending,${before(4 * DAY_MINUTES)},us_bank_account`,
        `pay_ach_8d,acct_1,10.00,usd,pending,${before(8 * DAY_MINUTES)},us_bank_account`,
        `pay_sepa_2h,acct_1,10.00,usd,pending,${before(120)},sepa_debit`,
        `pay_bacs_2d,acct_1,10.00,usd,pending,${before(2 * DAY_MINUTES)},bacs_debit`,
      ];
      const stuck = await stuckOf(kind, payments, { methodStuckAfterMinutes: { us_bank_account: 3 * DAY_MINUTES, sepa_debit: 60 } });
      expect(stuck).toEqual([
        { id: 'pay_ach_8d', stage: 'processor', method: 'us_bank_account', after: 4320 },
        { id: 'pay_ach_4d', stage: 'processor', method: 'us_bank_account', after: 4320 },
        { id: 'pay_sepa_2h', stage: 'processor', method: 'sepa_debit', after: 60 },
      ]);
      // Longer than the bank-debit default too: 10 days for ACH means the 8-day-old one is fine.
      expect(await stuckOf(kind, payments, { methodStuckAfterMinutes: { us_bank_account: 10 * DAY_MINUTES } })).toEqual([]);
    });

    it("the user's own threshold also applies to a card, and leaves other methods alone", async () => {
      const payments = [
        `pay_card_61,acct_1,10.00,usd,pending,${before(61)},card`,
        `pay_card_30,acct_1,10.00,usd,pending,${before(30)},card`,
        `pay_wallet_31,acct_1,10.00,usd,pending,${before(31)},paypal`,
        `pay_unknown_30,acct_1,10.00,usd,pending,${before(30)},`,
      ];
      expect(await stuckOf(kind, payments, { methodStuckAfterMinutes: { card: 60 } })).toEqual([
        { id: 'pay_card_61', stage: 'processor', method: 'card', after: 60 },
        { id: 'pay_wallet_31', stage: 'processor', method: 'paypal', after: 15 },
        { id: 'pay_unknown_30', stage: 'processor', method: null, after: 15 },
      ]);
      // and shorter than stuckAfterMinutes
      expect(await stuckOf(kind, [`pay_card_10,acct_1,10.00,usd,pending,${before(10)},card`], { methodStuckAfterMinutes: { card: 5 } })).toEqual([
        { id: 'pay_card_10', stage: 'processor', method: 'card', after: 5 },
      ]);
    });
  });

  describe('stuck at the credit stage', () => {
    it('always uses stuckAfterMinutes, even for a bank debit with its own threshold', async () => {
      // Paid but never credited, 20 minutes before the newest ledger entry (12:00): stuck after 15 whatever the method.
      const payments = [
        `pay_ach_paid,acct_1,10.00,usd,succeeded,${before(20)},us_bank_account`,
        `pay_card_paid,acct_2,10.00,usd,succeeded,${before(19)},card`,
        `pay_ach_paid_10,acct_3,10.00,usd,succeeded,${before(10)},us_bank_account`,
      ];
      const expected = [
        { id: 'pay_ach_paid', stage: 'credit', method: 'us_bank_account', after: 15 },
        { id: 'pay_card_paid', stage: 'credit', method: 'card', after: 15 },
      ];
      expect(await stuckOf(kind, payments)).toEqual(expected);
      expect(await stuckOf(kind, payments, { methodStuckAfterMinutes: { us_bank_account: 4320, card: 600 }, bankDebitStuckAfterMinutes: 99_999 })).toEqual(expected);
    });
  });

  describe('each stuck row carries the full record with method and threshold', () => {
    it('for the processor stage', async () => {
      const db = await load(kind, [`pay_1,acct_1,12.34,usd,pending,${before(8 * DAY_MINUTES)},sepa_debit`]);
      expect((await flags(db, AS_OF)).stuck).toEqual([
        {
          paymentId: 'pay_1', accountId: 'acct_1', stage: 'processor', status: 'pending', amountCents: 1234, currency: 'usd', createdAt: '2026-03-07T12:00:00.000Z',
          ageSeconds: 8 * 24 * 3600, email: null, invoiceId: null, laterPayments: 0, method: 'sepa_debit', stuckAfterMinutes: 10_080,
        },
      ]);
    });
  });
});
