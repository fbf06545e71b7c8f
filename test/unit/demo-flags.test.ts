// End to end over the core: exports written by the demo generator (seeds the flag code never saw) are
// imported, and the flags are exactly the planted cases, no more, no fewer; near misses raise nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FLAG_SETTINGS, type FlagsResult, type ImportFileReport, type Mismatch } from '../../shared/domain.js';
import { writeDemoExports, type DemoResult, type PlantedCase } from '../../main/core/demo/generate.js';
import { listFollowups } from '../../main/core/followups.js';
import { syncPaths } from '../../main/core/import/sync.js';
import { flags, memoryDb, tempDir, type TestDb } from '../support/db.js';

const of = (planted: PlantedCase[], ...kinds: PlantedCase['kind'][]) => planted.filter((p) => kinds.includes(p.kind));
const last = (p: PlantedCase) => p.paymentIds[p.paymentIds.length - 1];

const NEAR_MISSES: PlantedCase['kind'][] = [
  'near-miss-exactly-5',
  'near-miss-declined-retry',
  'near-miss-hours-apart',
  'near-miss-credited-in-time',
  'near-miss-bank-debit-pending',
  'near-miss-refund-just-made',
  'near-miss-dispute-not-lost',
  'near-miss-credit-before-period',
  'near-miss-test-mode',
];

/**
 * Declined Stripe attempts whose PaymentIntent a retry then paid (ordinary Stripe history: both charges carry the
 * same pi_ id, which the ledger credit names). Whether the credit also links to the declined attempt, and so
 * makes it `credited_not_paid`, is the core's reading of rules.md §1's link; these tests leave it out either way.
 */
function declinedAttemptsOfPaidIntents(db: TestDb): Set<string> {
  const ids = db
    .prepare(
      `SELECT f.id FROM payments f JOIN payments p ON p.alt_id = f.alt_id AND p.id <> f.id
       WHERE f.status = 'failed' AND p.status IN ('succeeded', 'refunded', 'partially_refunded') AND f.alt_id IS NOT NULL`,
    )
    .pluck()
    .all() as string[];
  return new Set(ids);
}

describe.each([7, 2026])('demo exports with seed %i', (seed) => {
  let demo: DemoResult;
  let db: TestDb;
  let reports: ImportFileReport[];
  let result: FlagsResult;
  let retried: Set<string>;
  const amountOf = (paymentId: string) => db.prepare('SELECT amount_cents FROM payments WHERE id = ?').pluck().get(paymentId) as number;

  beforeAll(async () => {
    demo = await writeDemoExports(tempDir(), { seed, accounts: 400, months: 3 });
    db = memoryDb();
    reports = await syncPaths(db, Object.values(demo.files));
    result = await flags(db);
    retried = declinedAttemptsOfPaidIntents(db);
  });

  it('imports every file whole; the Stripe test-mode charges are counted and left out', () => {
    // Listed payments, ledger, Stripe payments, reviews: a sync takes the Stripe payments before the ledger.
    expect(reports.map((r) => [r.format, r.status, r.rejected])).toEqual([
      ['payments.canonical', 'imported', 0],
      ['payments.stripe', 'imported', 0],
      ['ledger.canonical', 'imported', 0],
      ['reviews', 'imported', 0],
    ]);
    const testMode = of(demo.planted, 'near-miss-test-mode').flatMap((p) => p.paymentIds);
    expect(testMode.length).toBe(2);
    expect(reports[1].testModeRows).toBe(testMode.length);
    expect(testMode.filter((id) => amountOf(id) !== undefined)).toEqual([]);
  });

  it('flag exactly the planted cases', () => {
    const { planted } = demo;

    const expectedStuck = [
      ...of(planted, 'stuck-processor', 'limited-with-unlock', 'stuck-bank-debit').map((p) => [last(p), 'processor']),
      ...of(planted, 'stuck-credit').map((p) => [last(p), 'credit']),
    ];
    expect(result.stuck!.map((s) => [s.paymentId, s.stage]).sort()).toEqual(expectedStuck.sort());

    const expectedClusters = [
      ...of(planted, 'duplicate-while-pending').map((p) => [[...p.paymentIds].sort().join('|'), true]),
      ...of(planted, 'duplicate', 'followup-waiting').map((p) => [[...p.paymentIds].sort().join('|'), false]),
    ];
    expect(result.duplicates!.map((d) => [d.key, d.whilePending]).sort()).toEqual(expectedClusters.sort());
    expect(result.duplicates!.slice(0, of(planted, 'duplicate-while-pending').length).every((d) => d.whilePending)).toBe(true);

    const expectedLimited = [
      ...of(planted, 'limited').map((p) => [p.accountId, null]),
      ...of(planted, 'limited-with-unlock').map((p) => [p.accountId, p.paymentIds[0]]),
    ];
    expect(result.limited!.map((l) => [l.accountId, l.unlockPaymentId]).sort()).toEqual(expectedLimited.sort());

    const nearMissAccounts = new Set(of(planted, ...NEAR_MISSES).map((p) => p.accountId));
    const flagged = [
      ...result.stuck!.map((s) => s.accountId),
      ...result.duplicates!.map((d) => d.accountId),
      ...result.limited!.map((l) => l.accountId),
      ...result.mismatches!.filter((m) => !retried.has(m.paymentId)).map((m) => m.accountId),
    ];
    expect(flagged.filter((account) => nearMissAccounts.has(account as string))).toEqual([]);
  });

  it('holds a pending bank debit for 7 days, not 15 minutes', async () => {
    const slow = result.stuck!.filter((s) => of(demo.planted, 'stuck-bank-debit').some((p) => last(p) === s.paymentId));
    expect(slow.map((s) => [s.method, s.stuckAfterMinutes, s.ageSeconds > 9 * 24 * 3600])).toEqual([['us_bank_account', 10_080, true]]);

    const pendingDays = of(demo.planted, 'near-miss-bank-debit-pending').map(last);
    expect(pendingDays).toHaveLength(2);
    const withFifteenMinutes = (await flags(db, undefined, { bankDebitStuckAfterMinutes: 15 })).stuck!;
    const nowStuck = withFifteenMinutes.filter((s) => pendingDays.includes(s.paymentId));
    expect(nowStuck.map((s) => [s.paymentId, s.method, s.stuckAfterMinutes]).sort()).toEqual(
      pendingDays.map((id) => [id, 'us_bank_account', 15]).sort(),
    );
  });

  it('lists exactly the planted mismatches, each with its delta', () => {
    const { planted } = demo;
    const cases: [PlantedCase, string, number | null][] = [];
    for (const p of of(planted, 'mismatch-credited-twice')) cases.push([p, `credited_twice:${p.paymentIds[0]}`, amountOf(p.paymentIds[0])]);
    // The first short of half its amount, the second credited in EUR (reconciliation-cases.ts).
    const [short, otherCurrency] = of(planted, 'mismatch-amount-differs');
    cases.push([short, `amount_differs:${short.paymentIds[0]}`, -amountOf(short.paymentIds[0]) / 2]);
    cases.push([otherCurrency, `amount_differs:${otherCurrency.paymentIds[0]}`, null]);
    for (const p of of(planted, 'mismatch-credited-not-paid')) cases.push([p, `credited_not_paid:${p.paymentIds[0]}`, amountOf(p.paymentIds[0])]);
    // Refunded in full, then in half; a lost dispute returns the whole amount.
    const [full, half] = of(planted, 'mismatch-refund-not-reversed');
    cases.push([full, `refund_not_reversed:${full.paymentIds[0]}`, amountOf(full.paymentIds[0])]);
    cases.push([half, `refund_not_reversed:${half.paymentIds[0]}`, amountOf(half.paymentIds[0]) / 2]);
    for (const p of of(planted, 'mismatch-lost-dispute')) cases.push([p, `refund_not_reversed:${p.paymentIds[0]}`, amountOf(p.paymentIds[0])]);
    for (const p of of(planted, 'followup-refunded-not-reversed')) cases.push([p, `refund_not_reversed:${last(p)}`, amountOf(last(p))]);

    const listed = result.mismatches!.filter((m) => !retried.has(m.paymentId));
    const byKey = new Map(listed.map((m) => [m.key, m]));
    const unknown = listed.filter((m) => m.kind === 'unknown_payment');
    expect(listed.map((m) => m.key).sort()).toEqual([...cases.map(([, key]) => key), ...unknown.map((m) => m.key)].sort());
    for (const [p, key, delta] of cases) {
      expect(byKey.get(key)?.deltaCents, `${p.kind} ${key}`).toBe(delta);
      expect(byKey.get(key)?.accountId, key).toBe(p.accountId);
    }
    const refunds = cases.filter(([, key]) => key.startsWith('refund_not_reversed:')).map(([, key]) => byKey.get(key) as Mismatch);
    for (const m of refunds) expect([m.returnedCents, m.reversedCents], m.key).toEqual([m.deltaCents, 0]);

    const expectedUnknown = of(planted, 'mismatch-unknown-payment').map((p) => [p.ledgerRefs![0], p.accountId]);
    expect(unknown.map((m) => [m.paymentId, m.accountId])).toEqual(expectedUnknown);
    for (const m of unknown) expect(m.deltaCents).toBe(m.creditedCents);
    const beforePeriod = of(planted, 'near-miss-credit-before-period').flatMap((p) => p.ledgerRefs!);
    expect(beforePeriod).toHaveLength(1);
    expect(listed.filter((m) => beforePeriod.includes(m.paymentId))).toEqual([]);
  });

  it('sorts mismatches by the amount at stake, largest first', () => {
    const stakes = result.mismatches!.map((m) => Math.abs(m.deltaCents ?? m.creditedCents));
    expect(stakes).toEqual([...stakes].sort((a, b) => b - a));
  });

  it('follows the shipped refund_needed decisions: one waiting, one refunded but not reversed', async () => {
    const decided = demo.planted.filter((p) => p.decision).sort((a, b) => a.decision!.decidedAt.localeCompare(b.decision!.decidedAt));
    const expectedState = { 'followup-waiting': 'waiting', 'followup-refunded-not-reversed': 'refunded_not_reversed' } as Record<string, string>;
    expect(decided).toHaveLength(2);
    expect((await listFollowups(db, DEFAULT_FLAG_SETTINGS)).map((f) => [f.key, f.list, f.decision, f.state, f.by])).toEqual(
      decided.map((p) => [p.decision!.key, 'duplicates', 'refund_needed', expectedState[p.kind], p.decision!.reviewer]),
    );
  });

  it('has declined Stripe attempts paid by a retry under the same PaymentIntent (ordinary history)', () => {
    expect(retried.size).toBeGreaterThan(0);
  });
});
