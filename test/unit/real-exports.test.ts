// The real Stripe exports in ../shared/samples/real-exports must read as formats.md says.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImportFileReport } from '../../shared/domain.js';
import { syncPaths } from '../../main/core/import/sync.js';
import type { Store } from '../../main/core/store/store.js';
import { flags } from '../support/db.js';
import { storesPerTest } from '../support/stores.js';
import { describeStores, STORE_KINDS } from '../support/stores.js';

const SAMPLES = path.resolve(__dirname, '../../../shared/samples/real-exports');
const sample = (prefix: string) => {
  const name = fs.readdirSync(SAMPLES).find((f) => f.startsWith(prefix));
  if (!name) throw new Error(`sample ${prefix} not found in ${SAMPLES}`);
  return path.join(SAMPLES, name);
};

const statuses = async (db: Store) =>
  Object.fromEntries((await db.all<{ status: string; n: number }>('SELECT status, count(*) AS n FROM payments GROUP BY status')).map((r) => [r.status, r.n]));

describeStores('real Stripe exports', (kind) => {
  const fresh = storesPerTest(kind);
  async function importSample(prefix: string) {
    const db = await fresh();
    const [report] = await syncPaths(db, [sample(prefix)]);
    return { db, report };
  }

  it('brknt: 6 paid $40.00 charges without any customer key are imported, never grouped', async () => {
    const { db, report } = await importSample('stripe_payments_rapid_repeat_charges');
    expect(report).toMatchObject({ status: 'imported', format: 'payments.stripe', rows: 6, inserted: 6, rejected: 0 });
    expect(await db.get('SELECT count(*) AS n FROM payments WHERE account_id IS NULL AND amount_cents = 4000')).toEqual({ n: 6 });
    expect((await flags(db)).duplicates).toEqual([]);
  });

  it('craftit: metadata columns are ignored, the two $27,600.00 charges 1 h 35 min apart are no duplicate at 60 min', async () => {
    const { db, report } = await importSample('stripe_payments_metadata_cols');
    expect(report).toMatchObject({ status: 'imported', inserted: 4 });
    expect(await db.get(`SELECT amount_cents, account_id FROM payments WHERE id = 'ch_3TjiqaBSsLxv3bgn2L49YjMc'`)).toEqual({ amount_cents: 2760000, account_id: 'cus_Uj7SVORHExKvvJ' });
    expect((await flags(db)).duplicates).toEqual([]);
    expect((await flags(db, undefined, { duplicateWindowMinutes: 120 })).duplicates!.map((d) => d.paymentIds)).toEqual([['ch_3TjhMXBSsLxv3bgn1qJrMOmn', 'ch_3TjiqaBSsLxv3bgn2L49YjMc']]);
  });

  it('meedi8: abandoned PaymentIntents with an empty id are ignored, not imported and not rejected', async () => {
    const { db, report } = await importSample('stripe_payments_requires_payment_method');
    expect(report).toMatchObject({ status: 'imported', rows: 11, inserted: 3, ignored: 8, rejected: 0 });
    expect(await statuses(db)).toEqual({ succeeded: 3 });
    expect(await db.get('SELECT currency FROM payments LIMIT 1')).toEqual({ currency: 'gbp' });
  });

  it('streaming-overlays: a semicolon CSV re-saved without an id column is rejected with that reason', async () => {
    const { db, report } = await importSample('stripe_payments_semicolon_crlf');
    expect(report.status).toBe('rejected');
    expect(report.reason).toContain('without an "id" column');
    expect(await db.get('SELECT count(*) AS n FROM payments')).toEqual({ n: 0 });
  });

  it('FMM: ACH debits say Pending while Captured is true: pending bank debits, not stuck within the 7 days a bank debit may take', async () => {
    const { db, report } = await importSample('stripe_payments_ach_pending');
    expect(report).toMatchObject({ status: 'imported', inserted: 7 });
    expect(await statuses(db)).toEqual({ pending: 7 });
    expect(await db.all('SELECT method, count(*) AS n FROM payments GROUP BY method')).toEqual([{ method: 'us_bank_account', n: 7 }]);
    const result = await flags(db);
    expect(result.asOf).toBe('2026-01-03T17:52:30.000Z');
    // the oldest was created 2026-01-01 17:56:28, under 2 days before the as-of
    expect(result.stuck).toEqual([]);
    expect(await db.get(`SELECT account_id FROM payments WHERE id = 'py_3SlYyvJ29tTvPpMS1aCyAZxf'`)).toEqual({ account_id: 'customer001@example.invalid' });
  });

  it('FMM: with a bank-debit threshold of 15 minutes all 6 older ACH debits are stuck at the processor', async () => {
    const { db } = await importSample('stripe_payments_ach_pending');
    const stuck = (await flags(db, undefined, { bankDebitStuckAfterMinutes: 15 })).stuck!;
    expect(stuck).toHaveLength(6); // the newest is the as-of itself: 0 minutes old
    expect(stuck.map((s) => [s.stage, s.method, s.stuckAfterMinutes])).toEqual(Array(6).fill(['processor', 'us_bank_account', 15]));
    expect(stuck[0]).toMatchObject({ createdAt: '2026-01-01T17:56:28.000Z', ageSeconds: 2 * 86400 - 238 });
    // the user's own threshold for the method does the same
    expect((await flags(db, undefined, { methodStuckAfterMinutes: { us_bank_account: 15 } })).stuck).toHaveLength(6);
  });

  it('AnswersAi: 83 columns, Failed and Paid, and the $14.99 paid twice 9 minutes apart is one duplicate cluster', async () => {
    const { db, report } = await importSample('stripe_payments_full83cols');
    expect(report).toMatchObject({ status: 'imported', rows: 53, inserted: 51, ignored: 2, rejected: 0 });
    expect(await statuses(db)).toEqual({ failed: 28, succeeded: 23 });
    const duplicates = (await flags(db)).duplicates!;
    expect(duplicates).toHaveLength(1);
    expect(duplicates[0]).toMatchObject({ accountId: 'cus_QsWtdnEWddGqrh', amountCents: 1499, currency: 'usd' });
    expect(await db.get(`SELECT count(*) AS n FROM payments WHERE alt_id LIKE 'pi\\_%' ESCAPE '\\'`)).toEqual({ n: 51 });
    // Payment Source Type: 49 `card` and 2 `three_d_secure_2`, read as card; every row is Mode = Live
    expect(await db.all('SELECT method, count(*) AS n FROM payments GROUP BY method')).toEqual([{ method: 'card', n: 51 }]);
    expect(report.testModeRows ?? 0).toBe(0);
  });

  it('rrh1441: Paid (one partly refunded), Failed and Refunded over 19 months; the raw `succeeded` row with no id is ignored', async () => {
    const { db, report } = await importSample('stripe_payments_retries_refunds');
    expect(report).toMatchObject({ status: 'imported', rows: 316, inserted: 315, ignored: 1, rejected: 0 });
    // one Paid charge of $4.00 had $3.60 refunded: partially_refunded
    expect(await statuses(db)).toEqual({ succeeded: 225, partially_refunded: 1, failed: 61, refunded: 28 });
    // Amount Refunded: 23 × 8.00, 3 × 4.00, 2 × 40.00 refunded in full and 3.60 of one 4.00; 31 rows carry a Refunded date
    expect(await db.get('SELECT sum(amount_refunded_cents) AS cents, count(refunded_at) AS dated FROM payments')).toEqual({ cents: 27960, dated: 31 });
    expect(await db.get(`SELECT status, amount_refunded_cents, refunded_at FROM payments WHERE id = 'ch_3Rk7GlKSaqiJUYkj0cs8tduk'`)).toEqual({
      status: 'partially_refunded', amount_refunded_cents: 360, refunded_at: Date.parse('2025-07-12T18:50:44Z'),
    });
    // No ledger export: no mismatches, and a notice saying one is needed
    const result = await flags(db);
    expect(result.mismatches).toEqual([]);
    expect(result.notices.map((n) => n.code)).toContain('no-ledger');
  });

  it.each(['stripe_balance_change_from_activity', 'paypal_activity_custom_fields'])('%s is not a payments export: unrecognised, with its header', async (prefix) => {
    const { report } = await importSample(prefix);
    expect(report.status).toBe('unrecognised');
    expect(report.header).toMatch(/^"/);
  });
});

describe('real Stripe exports on both stores', () => {
  const fresh = Object.fromEntries(STORE_KINDS.map((kind) => [kind, storesPerTest(kind)])) as Record<(typeof STORE_KINDS)[number], () => Promise<Store>>;
  /** A report without what differs between any two runs. */
  const comparable = ({ durationMs: _duration, importId: _id, ...rest }: ImportFileReport) => rest;

  it.each(fs.readdirSync(SAMPLES).filter((f) => f.endsWith('.csv')))('%s: the same report, the same rows and the same flags', async (name) => {
    const read = async (kind: (typeof STORE_KINDS)[number]) => {
      const db = await fresh[kind]();
      const [report] = await syncPaths(db, [path.join(SAMPLES, name)]);
      const payments = await db.all('SELECT * FROM payments ORDER BY id');
      // With no data the as-of is the clock's, read a moment apart on each store.
      const { asOf, ...found } = await flags(db);
      return {
        report: comparable(report),
        payments,
        rejected: await db.all('SELECT line, reason, raw FROM rejected_rows ORDER BY line'),
        flags: payments.length ? { asOf, ...found } : found,
      };
    };
    const [sqlite, postgres] = [await read('sqlite'), await read('postgres')];
    expect(postgres).toEqual(sqlite);
  });
});
