// The real Stripe exports in ../shared/samples/real-exports must read as formats.md says.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { syncPaths } from '../../main/core/import/sync.js';
import { flags, memoryDb } from '../support/db.js';

const SAMPLES = path.resolve(__dirname, '../../../shared/samples/real-exports');
const sample = (prefix: string) => {
  const name = fs.readdirSync(SAMPLES).find((f) => f.startsWith(prefix));
  if (!name) throw new Error(`sample ${prefix} not found in ${SAMPLES}`);
  return path.join(SAMPLES, name);
};

async function importSample(prefix: string) {
  const db = memoryDb();
  const [report] = await syncPaths(db, [sample(prefix)]);
  return { db, report };
}

const statuses = (db: ReturnType<typeof memoryDb>) =>
  Object.fromEntries((db.prepare('SELECT status, count(*) AS n FROM payments GROUP BY status').all() as { status: string; n: number }[]).map((r) => [r.status, r.n]));

describe('real Stripe exports', () => {
  it('brknt: 6 paid $40.00 charges without any customer key are imported, never grouped', async () => {
    const { db, report } = await importSample('stripe_payments_rapid_repeat_charges');
    expect(report).toMatchObject({ status: 'imported', format: 'payments.stripe', rows: 6, inserted: 6, rejected: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM payments WHERE account_id IS NULL AND amount_cents = 4000').get()).toEqual({ n: 6 });
    expect(flags(db).duplicates).toEqual([]);
  });

  it('craftit: metadata columns are ignored, the two $27,600.00 charges 1 h 35 min apart are no duplicate at 60 min', async () => {
    const { db, report } = await importSample('stripe_payments_metadata_cols');
    expect(report).toMatchObject({ status: 'imported', inserted: 4 });
    expect(db.prepare(`SELECT amount_cents, account_id FROM payments WHERE id = 'ch_3TjiqaBSsLxv3bgn2L49YjMc'`).get()).toEqual({ amount_cents: 2760000, account_id: 'cus_Uj7SVORHExKvvJ' });
    expect(flags(db).duplicates).toEqual([]);
    expect(flags(db, undefined, { duplicateWindowMinutes: 120 }).duplicates!.map((d) => d.paymentIds)).toEqual([['ch_3TjhMXBSsLxv3bgn1qJrMOmn', 'ch_3TjiqaBSsLxv3bgn2L49YjMc']]);
  });

  it('meedi8: abandoned PaymentIntents with an empty id are ignored, not imported and not rejected', async () => {
    const { db, report } = await importSample('stripe_payments_requires_payment_method');
    expect(report).toMatchObject({ status: 'imported', rows: 11, inserted: 3, ignored: 8, rejected: 0 });
    expect(statuses(db)).toEqual({ succeeded: 3 });
    expect(db.prepare('SELECT currency FROM payments LIMIT 1').get()).toEqual({ currency: 'gbp' });
  });

  it('streaming-overlays: a semicolon CSV re-saved without an id column is rejected with that reason', async () => {
    const { db, report } = await importSample('stripe_payments_semicolon_crlf');
    expect(report.status).toBe('rejected');
    expect(report.reason).toContain('without an "id" column');
    expect(db.prepare('SELECT count(*) AS n FROM payments').get()).toEqual({ n: 0 });
  });

  it('FMM: ACH debits say Pending while Captured is true: they are pending, and stuck at the processor', async () => {
    const { db, report } = await importSample('stripe_payments_ach_pending');
    expect(report).toMatchObject({ status: 'imported', inserted: 7 });
    expect(statuses(db)).toEqual({ pending: 7 });
    const result = flags(db);
    expect(result.asOf).toBe('2026-01-03T17:52:30.000Z');
    expect(result.stuck!.every((s) => s.stage === 'processor')).toBe(true);
    expect(result.stuck).toHaveLength(6); // the newest is the as-of itself: 0 minutes old
    expect(db.prepare(`SELECT account_id FROM payments WHERE id = 'py_3SlYyvJ29tTvPpMS1aCyAZxf'`).get()).toEqual({ account_id: 'customer001@example.invalid' });
  });

  it('AnswersAi: 83 columns, Failed and Paid, and the $14.99 paid twice 9 minutes apart is one duplicate cluster', async () => {
    const { db, report } = await importSample('stripe_payments_full83cols');
    expect(report).toMatchObject({ status: 'imported', rows: 53, inserted: 51, ignored: 2, rejected: 0 });
    expect(statuses(db)).toEqual({ failed: 28, succeeded: 23 });
    const duplicates = flags(db).duplicates!;
    expect(duplicates).toHaveLength(1);
    expect(duplicates[0]).toMatchObject({ accountId: 'cus_QsWtdnEWddGqrh', amountCents: 1499, currency: 'usd' });
    expect(db.prepare(`SELECT count(*) AS n FROM payments WHERE alt_id LIKE 'pi\\_%' ESCAPE '\\'`).get()).toEqual({ n: 51 });
  });

  it('rrh1441: Paid (one partly refunded), Failed and Refunded over 19 months; the raw `succeeded` row with no id is ignored', async () => {
    const { db, report } = await importSample('stripe_payments_retries_refunds');
    expect(report).toMatchObject({ status: 'imported', rows: 316, inserted: 315, ignored: 1, rejected: 0 });
    // one Paid charge of $4.00 had $3.60 refunded: partially_refunded
    expect(statuses(db)).toEqual({ succeeded: 225, partially_refunded: 1, failed: 61, refunded: 28 });
  });

  it.each(['stripe_balance_change_from_activity', 'paypal_activity_custom_fields'])('%s is not a payments export: unrecognised, with its header', async (prefix) => {
    const { report } = await importSample(prefix);
    expect(report.status).toBe('unrecognised');
    expect(report.header).toMatch(/^"/);
  });
});
