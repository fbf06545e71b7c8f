// The columns the flag queries read must follow every kind of change an import makes.
import { expect, it } from 'vitest';
import type { Store } from '../../main/core/store/store.js';
import { csv, flags, importText, LEDGER_HEADER, PAYMENTS_HEADER } from '../support/db.js';
import { storesPerTest } from '../support/stores.js';
import { describeStores } from '../support/stores.js';

const AS_OF = '2026-03-15T12:00:00Z';
const keys = async (db: Store) => (await flags(db, AS_OF)).duplicates!.map((d) => [d.key, d.whilePending]);

describeStores('derived flag columns across imports', (kind) => {
  const fresh = storesPerTest(kind);

  it('a payment imported after its ledger credit counts as credited', async () => {
    const db = await fresh();
    await importText(db, 'l.csv', csv(LEDGER_HEADER, 'le_1,acct_1,credit_purchased,10.00,usd,2026-03-15T10:00:30Z,pay_1'));
    await importText(db, 'p.csv', csv(PAYMENTS_HEADER, 'pay_1,acct_1,10.00,usd,succeeded,2026-03-15T10:00:00Z,,,,'));
    expect((await flags(db, AS_OF)).stuck).toEqual([]);
    expect(await db.value('SELECT credited_at FROM payments')).toBe(Date.parse('2026-03-15T10:00:30Z'));
  });

  it('a later, earlier credit entry moves credited_at back; a later one does not', async () => {
    const db = await fresh();
    await importText(db, 'p.csv', csv(PAYMENTS_HEADER, 'pay_1,acct_1,10.00,usd,succeeded,2026-03-15T10:00:00Z,,,,'));
    await importText(db, 'l1.csv', csv(LEDGER_HEADER, 'le_1,acct_1,credit_purchased,10.00,usd,2026-03-15T10:05:00Z,pay_1'));
    await importText(db, 'l2.csv', csv(LEDGER_HEADER, 'le_2,acct_1,credit_purchased,10.00,usd,2026-03-15T10:09:00Z,pay_1'));
    await importText(db, 'l3.csv', csv(LEDGER_HEADER, 'le_3,acct_1,credit_purchased,10.00,usd,2026-03-15T10:01:00Z,pay_1'));
    expect(await db.value('SELECT credited_at FROM payments')).toBe(Date.parse('2026-03-15T10:01:00Z'));
  });

  it('a cluster dissolves when a newer snapshot says one of its payments failed, and forms again when it did not', async () => {
    const db = await fresh();
    await importText(db, 'a.csv', csv(PAYMENTS_HEADER, 'pay_1,acct_1,10.00,usd,pending,2026-03-15T10:00:00Z,,,,', 'pay_2,acct_1,10.00,usd,pending,2026-03-15T10:02:00Z,,,,', 'pay_3,acct_1,10.00,usd,pending,2026-03-15T10:04:00Z,,,,'));
    expect(await keys(db)).toEqual([['pay_1|pay_2|pay_3', true]]);
    await importText(db, 'b.csv', csv(PAYMENTS_HEADER, 'pay_2,acct_1,10.00,usd,failed,2026-03-15T10:02:00Z,2026-03-15T10:03:00Z,,,'));
    expect(await keys(db)).toEqual([['pay_1|pay_3', true]]);
    await importText(db, 'c.csv', csv(PAYMENTS_HEADER, 'pay_1,acct_1,10.00,usd,failed,2026-03-15T10:00:00Z,2026-03-15T10:03:00Z,,,'));
    expect(await keys(db)).toEqual([]);
  });

  it('a payment whose amount or account changes leaves its old group', async () => {
    const db = await fresh();
    await importText(db, 'a.csv', csv(PAYMENTS_HEADER, 'pay_1,acct_1,10.00,usd,succeeded,2026-03-15T10:00:00Z,,,,', 'pay_2,acct_1,10.00,usd,succeeded,2026-03-15T10:02:00Z,,,,', 'pay_9,acct_2,20.00,usd,succeeded,2026-03-15T10:03:00Z,,,,'));
    expect(await keys(db)).toEqual([['pay_1|pay_2', true]]);
    await importText(db, 'b.csv', csv(PAYMENTS_HEADER, 'pay_2,acct_2,20.00,usd,succeeded,2026-03-15T10:02:00Z,2026-03-15T10:05:00Z,,,'));
    expect(await keys(db)).toEqual([['pay_2|pay_9', true]]);
  });

  it('after a newer snapshot, every derived column is what importing that snapshot afresh gives', async () => {
    const before = [
      'pay_1,acct_1,10.00,usd,pending,2026-03-15T10:00:00Z,,,,',
      'pay_2,acct_1,10.00,usd,pending,2026-03-15T10:02:00Z,,,,',
      'pay_3,acct_1,10.00,usd,succeeded,2026-03-15T10:04:00Z,,,,',
      'pay_4,acct_2,20.00,usd,succeeded,2026-03-15T10:00:00Z,,,,',
      'pay_5,acct_2,20.00,usd,succeeded,2026-03-15T10:05:00Z,,,,',
      'pay_6,acct_2,20.00,usd,succeeded,2026-03-15T10:08:00Z,,,,',
    ];
    const newer = [
      'pay_1,acct_1,10.00,usd,succeeded,2026-03-15T10:00:00Z,2026-03-15T11:00:00Z,,,', // on within the candidates
      'pay_2,acct_1,10.00,usd,refunded,2026-03-15T10:02:00Z,2026-03-15T11:00:00Z,,,', // out of them
      before[2],
      'pay_4,acct_2,20.00,usd,succeeded,2026-03-15T10:06:00Z,2026-03-15T11:00:00Z,,,', // later in its group
      'pay_5,acct_2,25.00,usd,succeeded,2026-03-15T10:05:00Z,2026-03-15T11:00:00Z,,,', // into another group
      before[5],
      'pay_7,acct_1,10.00,usd,succeeded,2026-03-15T10:07:00Z,,,,', // new, with a credit waiting for it
    ];
    const ledger = csv(
      LEDGER_HEADER,
      'le_1,acct_1,credit_purchased,10.00,usd,2026-03-15T10:00:30Z,pay_1',
      'le_3,acct_1,credit_purchased,10.00,usd,2026-03-15T10:04:30Z,pay_3',
      'le_4,acct_2,credit_purchased,20.00,usd,2026-03-15T10:00:30Z,pay_4',
      'le_5,acct_2,refund,-20.00,usd,2026-03-15T10:30:00Z,pay_4',
      'le_7,acct_1,credit_purchased,10.00,usd,2026-03-15T10:07:30Z,pay_7',
    );
    const derived = async (db: Store) => ({
      payments: await db.all(`SELECT id, credited_at, credit_count, credited_cents, credited_currency, reversed_cents, purchase_gap_ms
        FROM payments ORDER BY id`),
      unlinked: await db.all('SELECT entry_id, payment_id FROM unlinked_credits ORDER BY entry_id'),
      clusters: await keys(db),
    });
    const updated = await fresh();
    await importText(updated, 'p.csv', csv(PAYMENTS_HEADER, ...before));
    await importText(updated, 'l.csv', ledger);
    expect((await derived(updated)).unlinked).toEqual([{ entry_id: 'le_7', payment_id: 'pay_7' }]);
    await importText(updated, 'p2.csv', csv(PAYMENTS_HEADER, ...newer));
    const afresh = await fresh();
    await importText(afresh, 'l.csv', ledger);
    await importText(afresh, 'p2.csv', csv(PAYMENTS_HEADER, ...newer));
    const expected = await derived(afresh);
    expect(expected.unlinked).toEqual([]);
    expect(expected.clusters).toEqual([['pay_1|pay_3|pay_7', false], ['pay_4|pay_6', false]]);
    expect(await derived(updated)).toEqual(expected);
  });

  it('clusters are the same whether the payments come in one file or several, in any order', async () => {
    const rows = [
      'pay_1,acct_1,10.00,usd,succeeded,2026-03-15T10:00:00Z,,,,',
      'pay_2,acct_1,10.00,usd,succeeded,2026-03-15T10:30:00Z,,,,',
      'pay_3,acct_1,10.00,usd,succeeded,2026-03-15T11:20:00Z,,,,',
      'pay_4,acct_1,10.00,usd,succeeded,2026-03-15T13:00:00Z,,,,',
      'pay_5,acct_2,10.00,usd,pending,2026-03-15T10:00:00Z,,,,',
      'pay_6,acct_2,10.00,usd,succeeded,2026-03-15T10:10:00Z,,,,',
    ];
    const whole = await fresh();
    await importText(whole, 'all.csv', csv(PAYMENTS_HEADER, ...rows));
    const split = await fresh();
    for (const part of [[rows[3], rows[0]], [rows[5]], [rows[2], rows[4], rows[1]]]) await importText(split, `part-${part[0]}.csv`, csv(PAYMENTS_HEADER, ...part));
    expect(await keys(split)).toEqual(await keys(whole));
    expect(await keys(whole)).toEqual([
      ['pay_1|pay_2|pay_3', true],
      ['pay_5|pay_6', true],
    ]);
  });
});

describeStores('credit sums by id and by alt id', (kind) => {
  const fresh = storesPerTest(kind);
  const STRIPE_HEADER = 'id,Created date (UTC),Amount,Currency,Status,PaymentIntent ID,account_id (metadata)';
  const sums = (db: Store) =>
    db.all(`SELECT id, credit_count AS n, credited_cents AS cents, reversed_cents AS reversed FROM payments ORDER BY id`);

  // Both orders: credits after the payments are added to them; payments after the credits sum them afresh.
  for (const order of ['payments first', 'ledger first'] as const) {
    it(`counts an entry once when a payment's alt id is its own id, and under either id otherwise (${order})`, async () => {
      const db = await fresh();
      const payments = csv(
        STRIPE_HEADER,
        'ch_1,2026-03-15 10:00:00,10.00,usd,Paid,ch_1,acct_1', // alt id = id
        'ch_2,2026-03-15 10:01:00,20.00,usd,Paid,pi_2,acct_1',
        'ch_3,2026-03-15 10:02:00,30.00,usd,Paid,ch_2,acct_2', // its alt id is another payment's id
      );
      const ledger = csv(
        LEDGER_HEADER,
        'le_1,acct_1,credit_purchased,10.00,usd,2026-03-15T10:00:30Z,ch_1',
        'le_2,acct_1,credit_purchased,20.00,usd,2026-03-15T10:01:30Z,pi_2',
        'le_3,acct_1,credit_purchased,20.00,usd,2026-03-15T10:01:40Z,ch_2',
        'le_4,acct_1,refund,-5.00,usd,2026-03-15T10:05:00Z,pi_2',
      );
      if (order === 'payments first') {
        await importText(db, 'p.csv', payments);
        await importText(db, 'l.csv', ledger);
      } else {
        await importText(db, 'l.csv', ledger);
        await importText(db, 'p.csv', payments);
      }
      expect(await sums(db)).toEqual([
        { id: 'ch_1', n: 1, cents: 1000, reversed: 0 },
        { id: 'ch_2', n: 2, cents: 4000, reversed: 500 },
        { id: 'ch_3', n: 1, cents: 2000, reversed: 0 },
      ]);
    });
  }

  it('a newer snapshot that gives a payment another alt id takes the entries under the old one off its sums', async () => {
    const db = await fresh();
    await importText(db, 'p.csv', csv(STRIPE_HEADER, 'ch_1,2026-03-15 10:00:00,10.00,usd,Paid,pi_1,acct_1', 'ch_2,2026-03-15 10:01:00,20.00,usd,Paid,pi_2,acct_1'));
    await importText(
      db,
      'l.csv',
      csv(
        LEDGER_HEADER,
        'le_1,acct_1,credit_purchased,10.00,usd,2026-03-15T10:00:30Z,pi_1',
        'le_2,acct_1,credit_purchased,20.00,usd,2026-03-15T10:01:30Z,pi_2',
        'le_3,acct_1,refund,-5.00,usd,2026-03-15T10:05:00Z,pi_2',
      ),
    );
    const creditedAt = (id: string) => db.value(`SELECT credited_at FROM payments WHERE id = ?`, [id]);
    expect(await creditedAt('ch_2')).toBe(Date.parse('2026-03-15T10:01:30Z'));
    // Equal in rank, another value: the later snapshot wins (formats.md "Re-imports").
    await importText(db, 'p2.csv', csv(STRIPE_HEADER, 'ch_1,2026-03-15 10:00:00,10.00,usd,Paid,pi_1,acct_1', 'ch_2,2026-03-15 10:01:00,20.00,usd,Paid,pi_9,acct_1'));
    expect(await sums(db)).toEqual([
      { id: 'ch_1', n: 1, cents: 1000, reversed: 0 },
      { id: 'ch_2', n: 0, cents: 0, reversed: 0 },
    ]);
    expect(await creditedAt('ch_2')).toBeNull();
    await importText(db, 'l2.csv', csv(LEDGER_HEADER, 'le_4,acct_1,credit_purchased,20.00,usd,2026-03-15T10:02:00Z,pi_9'));
    await importText(db, 'p3.csv', csv(STRIPE_HEADER, 'ch_2,2026-03-15 10:01:00,20.00,usd,Paid,pi_2,acct_1'));
    expect(await sums(db)).toEqual([
      { id: 'ch_1', n: 1, cents: 1000, reversed: 0 },
      { id: 'ch_2', n: 1, cents: 2000, reversed: 500 },
    ]);
  });
});
