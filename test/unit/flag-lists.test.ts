// The flag list tables: built from exactly what the rules find, rebuilt when the data or the thresholds change,
// and paged by SQL in one total order for every sort, in both directions, with every filter.
import { expect, it } from 'vitest';
import { DUPLICATE_SORTS, LIMITED_SORTS, MISMATCH_SORTS, STUCK_SORTS, type ListFilter, type SortDir } from '../../shared/api.js';
import type { FlagKind } from '../../shared/domain.js';
import { writeDemoExports } from '../../main/core/demo/generate.js';
import { duplicatesPage, flagListTotals, limitedPage, mismatchesPage, stuckPage, type ListQuery } from '../../main/core/flag-lists/pages.js';
import { flagListsFresh, refreshFlagLists } from '../../main/core/flag-lists/refresh.js';
import { syncPaths } from '../../main/core/import/sync.js';
import { applyReviewDecision } from '../../main/core/reviews.js';
import { writeSettings } from '../../main/core/settings.js';
import type { Store } from '../../main/core/store/store.js';
import { csv, flags, importText, LEDGER_HEADER, PAYMENTS_HEADER, tempDir } from '../support/db.js';
import { storesPerTest } from '../support/stores.js';
import { describeStores } from '../support/stores.js';

async function withDemo(db: Store): Promise<Store> {
  const demo = await writeDemoExports(tempDir(), { seed: 7, accounts: 400, months: 3 });
  await syncPaths(db, Object.values(demo.files));
  return db;
}

/** `n` accounts that each paid the same amount twice within minutes: one duplicate cluster each. */
function clusters(n: number): string {
  const start = Date.parse('2026-06-01T00:00:00Z');
  const rows: string[] = [];
  for (let i = 0; i < n; i++) {
    const at = start + i * 137_000;
    const amount = `${10 + (i % 7)}.00`;
    const email = i % 5 === 0 ? '' : `User${i}@Example.com`;
    rows.push(`pay_${i}_a,acct_${String(i).padStart(3, '0')},${amount},usd,${i % 3 === 0 ? 'pending' : 'succeeded'},${new Date(at).toISOString()},,in_${i},${email},pack`);
    rows.push(`pay_${i}_b,acct_${String(i).padStart(3, '0')},${amount},usd,succeeded,${new Date(at + 240_000).toISOString()},,in_${i}b,${email},pack`);
  }
  return csv(PAYMENTS_HEADER, ...rows);
}

/**
 * `n` payments whose credits disagree with them, a kind each in turn (credited twice, over-credited, credited
 * though failed, refunded but not reversed), with amounts that vary, and two credits for payments no export has.
 */
function mismatches(n: number): { payments: string; ledger: string } {
  const start = Date.parse('2026-06-01T00:00:00Z');
  const payments: string[] = [];
  const ledger: string[] = [];
  const at = (ms: number) => new Date(ms).toISOString();
  for (let i = 0; i < n; i++) {
    const created = start + i * 3_600_000;
    const cents = 500 + ((i * 37) % 41) * 100;
    const amount = (cents / 100).toFixed(2);
    const kind = i % 4;
    const status = kind === 2 ? 'failed' : kind === 3 ? 'refunded' : 'succeeded';
    const account = `acct_${String(i % 13).padStart(2, '0')}`;
    payments.push(`pay_${i},${account},${amount},usd,${status},${at(created)},,in_${i},u${i}@example.com,pack`);
    const credit = kind === 1 ? (cents / 100 + 1 + (i % 5)).toFixed(2) : amount;
    ledger.push(`le_${i}_a,${account},credit_purchased,${credit},usd,${at(created + 30_000)},pay_${i}`);
    if (kind === 0) ledger.push(`le_${i}_b,${account},credit_purchased,${amount},usd,${at(created + 60_000)},pay_${i}`);
  }
  ledger.push(`le_x1,acct_99,credit_purchased,12.00,usd,${at(start + 30 * 3_600_000)},pay_missing_1`);
  ledger.push(`le_x2,acct_98,credit_purchased,3.00,usd,${at(start + 36 * 3_600_000)},pay_missing_2`);
  ledger.push(`le_last,acct_00,usage,-0.01,usd,${at(start + (n + 24) * 3_600_000)},`);
  return { payments: csv(PAYMENTS_HEADER, ...payments), ledger: csv(LEDGER_HEADER, ...ledger) };
}

async function withMismatches(db: Store, n: number): Promise<Store> {
  const data = mismatches(n);
  await importText(db, 'payments.csv', data.payments);
  await importText(db, 'ledger.csv', data.ledger);
  return db;
}

const pageOf = (db: Store, kind: FlagKind, query: ListQuery<string>) =>
  kind === 'stuck'
    ? stuckPage(db, query as ListQuery<(typeof STUCK_SORTS)[number]>)
    : kind === 'duplicates'
      ? duplicatesPage(db, query as ListQuery<(typeof DUPLICATE_SORTS)[number]>)
      : kind === 'limited'
        ? limitedPage(db, query as ListQuery<(typeof LIMITED_SORTS)[number]>, (l, threshold) => `${l.accountId} needs ${threshold - l.purchasedCents}`)
        : mismatchesPage(db, query as ListQuery<(typeof MISMATCH_SORTS)[number]>);

type AnyRow = Awaited<ReturnType<typeof pageOf>>['rows'][number] & Record<string, unknown>;

/** Every row of a list, read 7 at a time. */
async function allPages(db: Store, kind: FlagKind, sort?: { column: string; dir: SortDir }, filter?: ListFilter): Promise<AnyRow[]> {
  const rows: AnyRow[] = [];
  for (let offset = 0; ; offset += 7) {
    const page = await pageOf(db, kind, { sort, filter, offset, limit: 7 });
    rows.push(...(page.rows as AnyRow[]));
    if (page.rows.length < 7) {
      expect(rows.length).toBe(page.total);
      return rows;
    }
  }
}

const keyOf: Record<FlagKind, (row: AnyRow) => string> = {
  stuck: (r) => r.paymentId as string,
  duplicates: (r) => r.key as string,
  limited: (r) => `${r.accountId as string}/${r.currency as string}`,
  mismatches: (r) => r.key as string,
};

// What each sort orders by first; ties are broken by the key, so only this column is checked for order.
const sortValue: Record<string, (row: AnyRow) => string | number | boolean> = {
  'stuck/age': (r) => r.ageSeconds as number,
  'stuck/amount': (r) => r.amountCents as number,
  'stuck/account': (r) => (r.accountId as string | null) ?? '',
  'stuck/stage': (r) => r.stage as string,
  'stuck/later': (r) => r.laterPayments as number,
  'duplicates/account': (r) => r.accountId as string,
  'duplicates/amount': (r) => r.amountCents as number,
  'duplicates/payments': (r) => (r.paymentIds as string[]).length,
  'duplicates/extra': (r) => r.extraCents as number,
  'duplicates/first': (r) => r.firstCreatedAt as string,
  'limited/missing': (r) => r.missingCents as number,
  'limited/account': (r) => r.accountId as string,
  'limited/balance': (r) => r.balanceCents as number,
  'limited/free': (r) => r.freeCents as number,
  'limited/purchased': (r) => r.purchasedCents as number,
  'mismatches/stake': (r) => Math.abs((r.deltaCents as number | null) ?? (r.creditedCents as number)),
  'mismatches/kind': (r) => r.kind as string,
  'mismatches/account': (r) => (r.accountId as string | null) ?? '',
  'mismatches/amount': (r) => r.amountCents as number,
  'mismatches/created': (r) => r.createdAt as string,
};
const reviewValue = (r: AnyRow) => (r.review as { decision: string } | null)?.decision ?? '';

const SORTS: Record<FlagKind, readonly string[]> = { stuck: STUCK_SORTS, duplicates: DUPLICATE_SORTS, limited: LIMITED_SORTS, mismatches: MISMATCH_SORTS };

describeStores('flag lists', (storeKind) => {
  const fresh = storesPerTest(storeKind);

  it('hold exactly what the rules find, the duplicates in the rules order', async () => {
    const db = await withDemo(await fresh());
    expect((await refreshFlagLists(db)).rebuilt).toBe(true);
    const expected = await flags(db);
    expect((await allPages(db, 'duplicates')).map((r) => r.key)).toEqual(expected.duplicates!.map((d) => d.key));
    expect((await allPages(db, 'stuck')).map((r) => r.paymentId).sort()).toEqual(expected.stuck!.map((s) => s.paymentId).sort());
    expect((await allPages(db, 'limited')).map((r) => r.accountId).sort()).toEqual(expected.limited!.map((l) => l.accountId).sort());
    const stuck = await allPages(db, 'stuck');
    for (const s of expected.stuck!) expect(stuck.find((r) => r.paymentId === s.paymentId)).toEqual({ ...s, review: null });
    const page = await stuckPage(db, { offset: 0, limit: 1 });
    expect([page.asOf, page.notices]).toEqual([expected.asOf, expected.notices]);
    expect(await flagListTotals(db)).toEqual({
      stuck: expected.stuck!.length,
      duplicates: expected.duplicates!.length,
      duplicatesWhilePending: expected.duplicates!.filter((d) => d.whilePending).length,
      limited: expected.limited!.length,
      mismatches: expected.mismatches!.length,
    });
    expect((await flagListTotals(db)).duplicatesWhilePending).toBeGreaterThan(0);
  });

  it('hold exactly the mismatches the rules find, largest amount at stake first', async () => {
    const db = await withMismatches(await fresh(), 40);
    expect((await refreshFlagLists(db)).rows.mismatches).toBe(42);
    const expected = (await flags(db)).mismatches!;
    expect(await allPages(db, 'mismatches')).toEqual(expected.map((m) => ({ ...m, review: null })));
    const stakes = expected.map((m) => Math.abs(m.deltaCents ?? m.creditedCents));
    expect(stakes).toEqual([...stakes].sort((a, b) => b - a));
    expect(new Set(expected.map((m) => m.kind))).toEqual(new Set(['credited_twice', 'amount_differs', 'credited_not_paid', 'refund_not_reversed', 'unknown_payment']));
    const refunds = await allPages(db, 'mismatches', undefined, { mismatchKind: 'refund_not_reversed' });
    expect(refunds.map((r) => r.key)).toEqual(expected.filter((m) => m.kind === 'refund_not_reversed').map((m) => m.key));
    expect((await allPages(db, 'mismatches', undefined, { text: 'PAY_MISSING' })).map((r) => r.key).sort()).toEqual(['unknown_payment:le_x1', 'unknown_payment:le_x2']);
    expect((await allPages(db, 'mismatches', undefined, { text: 'le_4_b' })).map((r) => r.key)).toEqual(['credited_twice:pay_4']);
  });

  it('are rebuilt after an import or a change of thresholds, and only then', async () => {
    const db = await fresh();
    await importText(db, 'p.csv', clusters(3));
    expect(await flagListsFresh(db)).toBe(false);
    expect(await refreshFlagLists(db)).toMatchObject({ rebuilt: true, rows: { duplicates: 3 } });
    expect((await refreshFlagLists(db)).rebuilt).toBe(false);

    await importText(db, 'more.csv', clusters(5));
    expect(await flagListsFresh(db)).toBe(false);
    expect(await refreshFlagLists(db)).toMatchObject({ rebuilt: true, rows: { duplicates: 5 } });

    await importText(db, 'again.csv', clusters(5)); // same content: skipped by its hash, nothing changed
    expect(await flagListsFresh(db)).toBe(true);

    await writeSettings(db, { duplicateWindowMinutes: 3 }); // shorter than the 4 minutes between the payments
    expect(await flagListsFresh(db)).toBe(false);
    expect(await refreshFlagLists(db)).toMatchObject({ rebuilt: true, rows: { duplicates: 0 } });
    expect(await duplicatesPage(db, { offset: 0, limit: 10 })).toMatchObject({ total: 0, unfiltered: 0 });
    await writeSettings(db, { reviewerName: 'Ann' }); // not a rule input
    expect(await flagListsFresh(db)).toBe(true);
  });

  it('page every sort in both directions through one total order', async () => {
    const db = await withDemo(await fresh());
    await importText(db, 'clusters.csv', clusters(60));
    await refreshFlagLists(db);
    const reconciled = await withMismatches(await fresh(), 40);
    await refreshFlagLists(reconciled);
    for (const kind of ['stuck', 'duplicates', 'limited', 'mismatches'] as FlagKind[]) {
      const listDb = kind === 'mismatches' ? reconciled : db;
      const keys = (await allPages(listDb, kind)).map(keyOf[kind]);
      expect(keys.length).toBeGreaterThan(10);
      // A few decisions, so the review sort has something to order.
      for (const key of keys.slice(0, 3)) {
        const reviewKey = kind === 'limited' ? key.split('/')[0] : key;
        await applyReviewDecision(listDb, { kind, key: reviewKey, decision: kind === 'stuck' ? 'escalated' : 'dismissed', note: '', reviewer: 't', decidedAt: 1 }, 'user');
      }
      for (const column of SORTS[kind]) {
        const asc = await allPages(listDb, kind, { column, dir: 'asc' });
        const desc = await allPages(listDb, kind, { column, dir: 'desc' });
        expect(new Set(asc.map(keyOf[kind])), `${kind}/${column}`).toEqual(new Set(keys));
        expect(desc.map(keyOf[kind]), `${kind}/${column} desc is asc reversed`).toEqual(asc.map(keyOf[kind]).reverse());
        const value = column === 'review' ? reviewValue : sortValue[`${kind}/${column}`];
        if (!value) continue; // duplicates/strength: the rules' order, checked above
        const values = asc.map(value);
        expect(values, `${kind}/${column}`).toEqual([...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      }
    }
  });

  it('filter by text in ids and emails, by decision, by stage and by paid-while-pending', async () => {
    const db = await withDemo(await fresh());
    await importText(db, 'clusters.csv', clusters(60));
    await refreshFlagLists(db);
    const all = await allPages(db, 'duplicates');
    const byEmail = await allPages(db, 'duplicates', undefined, { text: '  USER1 ' });
    const matching = (r: AnyRow) => [r.accountId, r.email, ...(r.paymentIds as string[])].some((t) => String(t ?? '').toLowerCase().includes('user1'));
    expect(byEmail.map((r) => r.key)).toEqual(all.filter(matching).map((r) => r.key));
    // user1, user11–14 and user16–19 (every fifth account has no email)
    expect(byEmail.filter((r) => String(r.accountId).startsWith('acct_0')).map((r) => r.email)).toEqual(
      [1, 11, 12, 13, 14, 16, 17, 18, 19].map((i) => `User${i}@Example.com`),
    );
    expect((await allPages(db, 'duplicates', undefined, { text: 'PAY_42_B' })).map((r) => r.key)).toEqual(['pay_42_a|pay_42_b']);
    expect((await allPages(db, 'stuck', undefined, { text: 'in_3' })).every((r) => String(r.invoiceId).startsWith('in_3'))).toBe(true);

    const pending = await allPages(db, 'duplicates', undefined, { whilePending: true });
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.map((r) => r.key)).toEqual(all.filter((r) => r.whilePending).map((r) => r.key));

    const stuck = await allPages(db, 'stuck');
    expect((await allPages(db, 'stuck', undefined, { stage: 'credit' })).map((r) => r.paymentId)).toEqual(stuck.filter((r) => r.stage === 'credit').map((r) => r.paymentId));

    // The demo ships a few decisions of its own (its reviews export); one more is made here.
    const before = new Set(all.filter((r) => r.review !== null).map((r) => r.key as string));
    const decided = all.find((r) => !before.has(r.key as string))!.key as string;
    await applyReviewDecision(db, { kind: 'duplicates', key: decided, decision: 'refund_needed', note: 'twice', reviewer: 'Ann', decidedAt: Date.parse('2026-07-01T00:00:00Z') }, 'user');
    const decidedRows = await allPages(db, 'duplicates', undefined, { review: 'decided' });
    expect(decidedRows.map((r) => r.key)).toEqual(all.map((r) => r.key as string).filter((k) => k === decided || before.has(k)));
    expect(decidedRows.find((r) => r.key === decided)!.review).toEqual(
      { kind: 'duplicates', key: decided, decision: 'refund_needed', note: 'twice', reviewer: 'Ann', decidedAt: '2026-07-01T00:00:00.000Z' },
    );
    const open = await allPages(db, 'duplicates', undefined, { review: 'open' });
    expect(open.map((r) => r.key)).toEqual(all.map((r) => r.key).filter((k) => k !== decided && !before.has(k as string)));
    expect(await duplicatesPage(db, { filter: { review: 'open' }, offset: 0, limit: 5 })).toMatchObject({ total: all.length - 1 - before.size, unfiltered: all.length });
  });

  it('read every row when no limit is given (exports)', async () => {
    const db = await fresh();
    await importText(db, 'p.csv', clusters(30));
    await refreshFlagLists(db);
    expect((await duplicatesPage(db, { offset: 0, limit: null })).rows).toHaveLength(30);
  });
});
