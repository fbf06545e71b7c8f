// The new columns of formats.md: a payment's method, refunds and disputes (canonical, Stripe, JSON Lines), test-mode
// rows, and newer snapshots that add a refund or a dispute. Expected values are worked out from formats.md by hand.
import { expect, it } from 'vitest';
import { syncPaths } from '../../main/core/import/sync.js';
import type { Store } from '../../main/core/store/store.js';
import { csv, importText, tempDir, writeExport } from '../support/db.js';
import { storesPerTest } from '../support/stores.js';
import { describeStores } from '../support/stores.js';

const RETURNS = ['method', 'status', 'amount_refunded_cents', 'refunded_at', 'disputed_amount_cents', 'dispute_status', 'disputed_at'] as const;
const stored = async (db: Store, id: string) => {
  const row = await db.get<Record<string, unknown>>(`SELECT ${RETURNS.join(', ')} FROM payments WHERE id = ?`, [id]);
  if (!row) throw new Error(`payment ${id} was not imported`);
  return row;
};
const utc = (iso: string) => Date.parse(iso);

const CANONICAL = 'payment_id,account_id,amount,currency,status,created_at,updated_at,payment_method,amount_refunded,refunded_at,disputed_amount,dispute_status,disputed_at';
const CANONICAL_CENTS = 'payment_id,account_id,amount_cents,currency,status,created_at,payment_method,amount_refunded_cents,refunded_at,disputed_amount_cents,dispute_status,disputed_at';

describeStores('canonical payments: payment_method, amount_refunded, refunded_at, disputed_amount, dispute_status, disputed_at', (kind) => {
  const fresh = storesPerTest(kind);

  it('reads the decimal forms exactly, times as UTC, and empty cells as unknown', async () => {
    const db = await fresh();
    const report = await importText(
      db,
      'payments.csv',
      csv(
        CANONICAL,
        'pay_1,acct_1,10.00,usd,partially_refunded,2026-03-10T09:00:00Z,,card,2.50,2026-03-11T10:00:00Z,,,',
        'pay_2,acct_1,20.00,usd,succeeded,2026-03-10T09:00:00Z,,us_bank_account,,,20,lost,2026-03-12 08:30',
        'pay_3,acct_2,10.00,usd,refunded,2026-03-10T09:00:00Z,,sepa_debit,10,2026-03-11T12:00:00+02:00,3.5,needs_response,2026-03-11T00:00:00.5Z',
        'pay_4,acct_2,10.00,usd,succeeded,2026-03-10T09:00:00Z,,,,,,,',
        'pay_5,acct_3,1500,jpy,partially_refunded,2026-03-10T09:00:00Z,,card,500,2026-03-10T10:00:00Z,,,',
        'pay_6,acct_3,"1,234.567",bhd,refunded,2026-03-10T09:00:00Z,,card,"1,234.567",2026-03-10T10:00:00Z,,,',
      ),
    );
    expect(report).toMatchObject({ status: 'imported', inserted: 6, rejected: 0 });
    expect(await stored(db, 'pay_1')).toEqual({
      method: 'card', status: 'partially_refunded', amount_refunded_cents: 250, refunded_at: utc('2026-03-11T10:00:00Z'),
      disputed_amount_cents: null, dispute_status: null, disputed_at: null,
    });
    expect(await stored(db, 'pay_2')).toEqual({
      method: 'us_bank_account', status: 'succeeded', amount_refunded_cents: null, refunded_at: null,
      disputed_amount_cents: 2000, dispute_status: 'lost', disputed_at: utc('2026-03-12T08:30:00Z'),
    });
    expect(await stored(db, 'pay_3')).toEqual({
      method: 'sepa_debit', status: 'refunded', amount_refunded_cents: 1000, refunded_at: utc('2026-03-11T10:00:00Z'),
      disputed_amount_cents: 350, dispute_status: 'needs_response', disputed_at: utc('2026-03-11T00:00:00.500Z'),
    });
    // No refund column value: nothing refunded (formats.md: default 0), no dispute, method unknown.
    expect(await stored(db, 'pay_4')).toMatchObject({ method: null, status: 'succeeded', refunded_at: null, disputed_amount_cents: null, dispute_status: null, disputed_at: null });
    expect((await stored(db, 'pay_4')).amount_refunded_cents ?? 0).toBe(0);
    expect(await stored(db, 'pay_5')).toMatchObject({ amount_refunded_cents: 500 });
    expect(await stored(db, 'pay_6')).toMatchObject({ amount_refunded_cents: 1234567 });
  });

  it('reads the _cents forms as integer minor units', async () => {
    const db = await fresh();
    const report = await importText(
      db,
      'payments.csv',
      csv(
        CANONICAL_CENTS,
        'pay_1,acct_1,1000,usd,partially_refunded,2026-03-10T09:00:00Z,card,250,2026-03-11T10:00:00Z,,,',
        'pay_2,acct_1,1500,jpy,succeeded,2026-03-10T09:00:00Z,card,,,1500,won,2026-03-12T08:30:00Z',
      ),
    );
    expect(report).toMatchObject({ status: 'imported', inserted: 2, rejected: 0 });
    expect(await stored(db, 'pay_1')).toMatchObject({ amount_refunded_cents: 250, refunded_at: utc('2026-03-11T10:00:00Z') });
    expect(await stored(db, 'pay_2')).toMatchObject({ disputed_amount_cents: 1500, dispute_status: 'won', disputed_at: utc('2026-03-12T08:30:00Z') });
  });

  it('rejects a bad refunded amount, refund time or disputed amount with its line, and imports the rest', async () => {
    const db = await fresh();
    const rows = [
      'pay_1,acct_1,10.00,usd,refunded,2026-03-10T09:00:00Z,,card,ten,2026-03-11T10:00:00Z,,,',
      'pay_2,acct_1,10.00,usd,refunded,2026-03-10T09:00:00Z,,card,10.00,yesterday,,,',
      'pay_3,acct_1,10.00,usd,succeeded,2026-03-10T09:00:00Z,,card,,,1.234,lost,2026-03-12T08:30:00Z',
      'pay_4,acct_1,10.00,usd,succeeded,2026-03-10T09:00:00Z,,card,,,10.00,lost,not a time',
      'pay_5,acct_1,10.00,usd,succeeded,2026-03-10T09:00:00Z,,card,,,,,',
    ];
    const report = await importText(db, 'payments.csv', csv(CANONICAL, ...rows));
    expect(report).toMatchObject({ status: 'imported', inserted: 1, rejected: 4 });
    expect(report.errors.map((e) => [e.line, e.raw])).toEqual([
      [2, rows[0]],
      [3, rows[1]],
      [4, rows[2]],
      [5, rows[3]],
    ]);
    expect(report.errors[0].reason).toMatch(/^amount_refunded: /);
    expect(report.errors[1].reason).toMatch(/^refunded_at: /);
    expect(report.errors[2].reason).toMatch(/^disputed_amount: /);
    expect(report.errors[3].reason).toMatch(/^disputed_at: /);
    expect(await db.column('SELECT id FROM payments')).toEqual(['pay_5']);
  });

  it('rejects a bad _cents value with its line', async () => {
    const db = await fresh();
    const report = await importText(
      db,
      'payments.csv',
      csv(
        CANONICAL_CENTS,
        'pay_1,acct_1,1000,usd,refunded,2026-03-10T09:00:00Z,card,10.5,2026-03-11T10:00:00Z,,,',
        'pay_2,acct_1,1000,usd,succeeded,2026-03-10T09:00:00Z,card,,,lots,lost,2026-03-12T08:30:00Z',
        'pay_3,acct_1,1000,usd,succeeded,2026-03-10T09:00:00Z,card,,,,,',
      ),
    );
    expect(report).toMatchObject({ inserted: 1, rejected: 2 });
    expect(report.errors.map((e) => e.line)).toEqual([2, 3]);
    expect(report.errors[0].reason).toMatch(/^amount_refunded_cents: /);
    expect(report.errors[1].reason).toMatch(/^disputed_amount_cents: /);
  });

  it('reads the same fields from JSON Lines, decimal or _cents', async () => {
    const db = await fresh();
    const line = (fields: Record<string, unknown>) =>
      JSON.stringify({ kind: 'payment', account_id: 'acct_1', currency: 'usd', created_at: '2026-03-10T09:00:00Z', ...fields });
    const report = await importText(
      db,
      'export.jsonl',
      [
        line({ payment_id: 'pay_1', amount: '10.00', status: 'partially_refunded', payment_method: 'card', amount_refunded: '2.50', refunded_at: '2026-03-11T10:00:00Z' }),
        line({ payment_id: 'pay_2', amount_cents: 2000, status: 'succeeded', payment_method: 'us_bank_account', disputed_amount_cents: 2000, dispute_status: 'lost', disputed_at: '2026-03-12T08:30:00Z' }),
        line({ payment_id: 'pay_3', amount: '10.00', status: 'refunded', amount_refunded_cents: 1000, refunded_at: '2026-03-11T10:00:00Z' }),
        line({ payment_id: 'pay_4', amount: '10.00', status: 'refunded', amount_refunded: 'all of it' }),
      ].join('\n'),
    );
    expect(report).toMatchObject({ status: 'imported', inserted: 3, rejected: 1 });
    expect(report.errors.map((e) => e.line)).toEqual([4]);
    expect(report.errors[0].reason).toMatch(/^amount_refunded: /);
    expect(await stored(db, 'pay_1')).toMatchObject({ method: 'card', amount_refunded_cents: 250, refunded_at: utc('2026-03-11T10:00:00Z') });
    expect(await stored(db, 'pay_2')).toMatchObject({ method: 'us_bank_account', disputed_amount_cents: 2000, dispute_status: 'lost', disputed_at: utc('2026-03-12T08:30:00Z') });
    expect(await stored(db, 'pay_3')).toMatchObject({ method: null, status: 'refunded', amount_refunded_cents: 1000, refunded_at: utc('2026-03-11T10:00:00Z') });
  });
});

const STRIPE =
  'id,Created date (UTC),Amount,Amount Refunded,Currency,Status,Refunded date (UTC),Payment Source Type,payment_method_type (metadata),Disputed Amount,Dispute Status,Dispute Date (UTC),Mode,Customer ID,PaymentIntent ID';

describeStores('Stripe payments: Amount Refunded, Refunded date, Payment Source Type, payment_method_type (metadata), disputes, Mode', (kind) => {
  const fresh = storesPerTest(kind);

  it('sets the status from Amount Refunded as the table says, and keeps the refund and its date', async () => {
    const db = await fresh();
    const report = await importText(
      db,
      'unified_payments.csv',
      csv(
        STRIPE,
        'ch_none,2026-03-10 09:00:00,10.00,0.00,usd,Paid,,card,,,,,Live,cus_1,pi_1',
        'ch_empty,2026-03-10 09:00:00,10.00,,usd,Paid,,card,,,,,Live,cus_1,pi_2',
        'ch_part,2026-03-10 09:00:00,10.00,4.00,usd,Paid,2026-03-11 10:00:00,card,,,,,Live,cus_1,pi_3',
        'ch_whole,2026-03-10 09:00:00,10.00,10.00,usd,Paid,2026-03-11 10:00,card,,,,,Live,cus_1,pi_4',
        'ch_refunded,2026-03-10 09:00:00,10.00,10.00,usd,Refunded,2026-03-11 11:00:00,card,,,,,Live,cus_1,pi_5',
        'ch_refunded_no_amount,2026-03-10 09:00:00,10.00,,usd,Refunded,,card,,,,,Live,cus_1,pi_6',
      ),
    );
    expect(report).toMatchObject({ status: 'imported', format: 'payments.stripe', inserted: 6, rejected: 0, ignored: 0 });
    expect(await stored(db, 'ch_none')).toMatchObject({ status: 'succeeded', amount_refunded_cents: 0, refunded_at: null });
    expect(await stored(db, 'ch_refunded_no_amount')).toMatchObject({ status: 'refunded' });
    expect(await stored(db, 'ch_empty')).toMatchObject({ status: 'succeeded' });
    expect((await stored(db, 'ch_empty')).amount_refunded_cents ?? 0).toBe(0);
    expect(await stored(db, 'ch_part')).toMatchObject({ status: 'partially_refunded', amount_refunded_cents: 400, refunded_at: utc('2026-03-11T10:00:00Z') });
    expect(await stored(db, 'ch_whole')).toMatchObject({ status: 'refunded', amount_refunded_cents: 1000, refunded_at: utc('2026-03-11T10:00:00Z') });
    expect(await stored(db, 'ch_refunded')).toMatchObject({ status: 'refunded', amount_refunded_cents: 1000, refunded_at: utc('2026-03-11T11:00:00Z') });
  });

  it('reads the method from payment_method_type (metadata) when set, else Payment Source Type, with 3-D Secure as card', async () => {
    const db = await fresh();
    await importText(
      db,
      'unified_payments.csv',
      csv(
        STRIPE,
        'ch_card,2026-03-10 09:00:00,10.00,0.00,usd,Paid,,card,,,,,Live,cus_1,pi_1',
        'ch_3ds,2026-03-10 09:00:00,10.00,0.00,usd,Paid,,three_d_secure,,,,,Live,cus_1,pi_2',
        'ch_3ds2,2026-03-10 09:00:00,10.00,0.00,usd,Paid,,three_d_secure_2,,,,,Live,cus_1,pi_3',
        'ch_meta,2026-03-10 09:00:00,10.00,0.00,usd,Pending,,card,us_bank_account,,,,Live,cus_1,pi_4',
        'ch_meta_only,2026-03-10 09:00:00,10.00,0.00,usd,Pending,,,sepa_debit,,,,Live,cus_1,pi_5',
        'ch_meta_empty,2026-03-10 09:00:00,10.00,0.00,usd,Paid,,three_d_secure_2,,,,,Live,cus_1,pi_6',
        'ch_unknown,2026-03-10 09:00:00,10.00,0.00,usd,Paid,,,,,,,Live,cus_1,pi_7',
        'ch_other,2026-03-10 09:00:00,10.00,0.00,usd,Pending,,ach_debit,,,,,Live,cus_1,pi_8',
      ),
    );
    const method = async (id: string) => (await stored(db, id)).method;
    expect(await Promise.all(['ch_card', 'ch_3ds', 'ch_3ds2', 'ch_meta', 'ch_meta_only', 'ch_meta_empty', 'ch_unknown', 'ch_other'].map(method))).toEqual([
      'card', 'card', 'card', 'us_bank_account', 'sepa_debit', 'card', null, 'ach_debit',
    ]);
  });

  it('keeps Disputed Amount, Dispute Status and Dispute Date', async () => {
    const db = await fresh();
    const report = await importText(
      db,
      'unified_payments.csv',
      csv(
        STRIPE,
        'ch_lost,2026-03-10 09:00:00,10.00,0.00,usd,Paid,,card,,10.00,lost,2026-03-12 08:30:00,Live,cus_1,pi_1',
        'ch_open,2026-03-10 09:00:00,10.00,0.00,usd,Paid,,card,,6.50,needs_response,2026-03-12 08:30,Live,cus_1,pi_2',
      ),
    );
    expect(report).toMatchObject({ inserted: 2, rejected: 0 });
    expect(await stored(db, 'ch_lost')).toMatchObject({ status: 'succeeded', disputed_amount_cents: 1000, dispute_status: 'lost', disputed_at: utc('2026-03-12T08:30:00Z') });
    expect(await stored(db, 'ch_open')).toMatchObject({ disputed_amount_cents: 650, dispute_status: 'needs_response', disputed_at: utc('2026-03-12T08:30:00Z') });
  });

  it('rejects a bad Amount Refunded, Refunded date or Disputed Amount with its line', async () => {
    const db = await fresh();
    const report = await importText(
      db,
      'unified_payments.csv',
      csv(
        STRIPE,
        'ch_1,2026-03-10 09:00:00,10.00,some,usd,Paid,,card,,,,,Live,cus_1,pi_1',
        'ch_2,2026-03-10 09:00:00,10.00,10.00,usd,Refunded,last week,card,,,,,Live,cus_1,pi_2',
        'ch_3,2026-03-10 09:00:00,10.00,0.00,usd,Paid,,card,,1.001,lost,2026-03-12 08:30:00,Live,cus_1,pi_3',
        'ch_4,2026-03-10 09:00:00,10.00,0.00,usd,Paid,,card,,,,,Live,cus_1,pi_4',
      ),
    );
    expect(report).toMatchObject({ inserted: 1, rejected: 3 });
    expect(report.errors.map((e) => e.line)).toEqual([2, 3, 4]);
    expect(report.errors[0].reason).toMatch(/^Amount Refunded: /);
    expect(report.errors[1].reason).toMatch(/^Refunded date/);
    expect(report.errors[2].reason).toMatch(/^Disputed Amount: /);
  });

  it('does not import test-mode rows (Mode = Test): they are counted as ignored, and as test-mode rows', async () => {
    const db = await fresh();
    const report = await importText(
      db,
      'unified_payments.csv',
      csv(
        STRIPE,
        'ch_live,2026-03-10 09:00:00,10.00,0.00,usd,Paid,,card,,,,,Live,cus_1,pi_1',
        'ch_test_1,2026-03-10 09:01:00,10.00,0.00,usd,Paid,,card,,,,,Test,cus_1,pi_2',
        'ch_test_2,2026-03-10 09:02:00,10.00,0.00,usd,Pending,,card,,,,,Test,cus_2,pi_3',
        'ch_test_3,2026-03-10 09:02:00,lots,0.00,usd,Paid,,card,,,,,Test,cus_2,pi_5',
        ',2026-03-10 09:03:00,10.00,,usd,requires_payment_method,,,,,,,Live,cus_3,pi_4',
      ),
    );
    // a test-mode row is left out before it is read: even an unreadable one is ignored, not rejected
    expect(report).toMatchObject({ status: 'imported', rows: 5, inserted: 1, ignored: 4, rejected: 0, testModeRows: 3 });
    expect(await db.column('SELECT id FROM payments')).toEqual(['ch_live']);
  });

  it('says there were no test-mode rows when there were none', async () => {
    const db = await fresh();
    const report = await importText(db, 'unified_payments.csv', csv(STRIPE, 'ch_live,2026-03-10 09:00:00,10.00,0.00,usd,Paid,,card,,,,,Live,cus_1,pi_1'));
    expect(report.testModeRows ?? 0).toBe(0);
  });
});

describeStores('a newer snapshot that adds a refund or a dispute updates the stored payment', (kind) => {
  const fresh = storesPerTest(kind);

  async function importInOrder(files: [name: string, content: string][]) {
    const db = await fresh();
    const dir = tempDir();
    const reports = [];
    for (const [name, content] of files) reports.push(...(await syncPaths(db, [writeExport(name, content, dir)])));
    return { db, reports };
  }

  it('canonical: a later updated_at with a refund', async () => {
    const { db, reports } = await importInOrder([
      ['payments-1.csv', csv(CANONICAL, 'pay_1,acct_1,10.00,usd,succeeded,2026-03-10T09:00:00Z,,card,,,,,')],
      ['payments-2.csv', csv(CANONICAL, 'pay_1,acct_1,10.00,usd,refunded,2026-03-10T09:00:00Z,2026-03-11T10:00:00Z,card,10.00,2026-03-11T10:00:00Z,,,')],
    ]);
    expect(reports[1]).toMatchObject({ status: 'imported', inserted: 0, updated: 1 });
    expect(await stored(db, 'pay_1')).toMatchObject({ status: 'refunded', amount_refunded_cents: 1000, refunded_at: utc('2026-03-11T10:00:00Z') });
  });

  it('canonical: a dispute added with the same updated_at (the later import wins)', async () => {
    const { db, reports } = await importInOrder([
      ['payments-1.csv', csv(CANONICAL, 'pay_1,acct_1,10.00,usd,succeeded,2026-03-10T09:00:00Z,,card,,,,,')],
      ['payments-2.csv', csv(CANONICAL, 'pay_1,acct_1,10.00,usd,succeeded,2026-03-10T09:00:00Z,,card,,,10.00,needs_response,2026-03-12T08:00:00Z')],
      ['payments-3.csv', csv(CANONICAL, 'pay_1,acct_1,10.00,usd,succeeded,2026-03-10T09:00:00Z,,card,,,10.00,lost,2026-03-12T08:00:00Z')],
    ]);
    expect(reports.slice(1).map((r) => r.updated)).toEqual([1, 1]);
    expect(await stored(db, 'pay_1')).toMatchObject({ status: 'succeeded', disputed_amount_cents: 1000, dispute_status: 'lost', disputed_at: utc('2026-03-12T08:00:00Z') });
  });

  it('Stripe (no updated_at): a partial refund, then the whole refund, then a dispute', async () => {
    const row = (refunded: string, refundedAt: string, dispute = ',,') => `ch_1,2026-03-10 09:00:00,10.00,${refunded},usd,Paid,${refundedAt},card,,${dispute},Live,cus_1,pi_1`;
    const { db, reports } = await importInOrder([
      ['a/unified_payments.csv', csv(STRIPE, row('0.00', ''))],
      ['b/unified_payments.csv', csv(STRIPE, row('4.00', '2026-03-11 10:00:00'))],
    ]);
    expect(reports[1]).toMatchObject({ status: 'imported', updated: 1 });
    expect(await stored(db, 'ch_1')).toMatchObject({ status: 'partially_refunded', amount_refunded_cents: 400, refunded_at: utc('2026-03-11T10:00:00Z') });

    const dir = tempDir();
    const [whole] = await syncPaths(db, [writeExport('c/unified_payments.csv', csv(STRIPE, row('10.00', '2026-03-12 10:00:00')), dir)]);
    expect(whole).toMatchObject({ updated: 1 });
    expect(await stored(db, 'ch_1')).toMatchObject({ status: 'refunded', amount_refunded_cents: 1000, refunded_at: utc('2026-03-12T10:00:00Z') });

    // An older snapshot imported afterwards does not undo the refund.
    const [older] = await syncPaths(db, [writeExport('d/unified_payments.csv', csv(STRIPE, row('0.00', '') + '\n'), dir)]);
    expect(older.updated).toBe(0);
    expect(await stored(db, 'ch_1')).toMatchObject({ status: 'refunded', amount_refunded_cents: 1000 });
  });

  it('Stripe: a dispute opened on a paid charge', async () => {
    const row = (dispute: string) => `ch_1,2026-03-10 09:00:00,10.00,0.00,usd,Paid,,card,,${dispute},Live,cus_1,pi_1`;
    const { db, reports } = await importInOrder([
      ['a/unified_payments.csv', csv(STRIPE, row(',,'))],
      ['b/unified_payments.csv', csv(STRIPE, row('10.00,under_review,2026-03-12 08:00:00'))],
    ]);
    expect(reports[1]).toMatchObject({ status: 'imported', updated: 1 });
    expect(await stored(db, 'ch_1')).toMatchObject({ status: 'succeeded', disputed_amount_cents: 1000, dispute_status: 'under_review', disputed_at: utc('2026-03-12T08:00:00Z') });
  });
});
