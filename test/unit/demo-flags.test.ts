// End to end over the core: exports written by the demo generator (seeds the flag code never saw) are
// imported, and the flags are exactly the planted cases, no more, no fewer; near misses raise nothing.
import { describe, expect, it } from 'vitest';
import { writeDemoExports, type PlantedCase } from '../../main/core/demo/generate.js';
import { syncPaths } from '../../main/core/import/sync.js';
import { flags, memoryDb, tempDir } from '../support/db.js';

const of = (planted: PlantedCase[], ...kinds: PlantedCase['kind'][]) => planted.filter((p) => kinds.includes(p.kind));

describe.each([7, 2026])('demo exports with seed %i', (seed) => {
  it('flag exactly the planted cases', async () => {
    const demo = await writeDemoExports(tempDir(), { seed, accounts: 400, months: 3 });
    const db = memoryDb();
    const reports = await syncPaths(db, Object.values(demo.files));
    expect(reports.map((r) => [r.status, r.rejected])).toEqual([
      ['imported', 0],
      ['imported', 0],
      ['imported', 0],
    ]);
    const result = flags(db);
    const { planted } = demo;

    const expectedStuck = [
      ...of(planted, 'stuck-processor', 'limited-with-unlock').map((p) => [p.paymentIds[p.paymentIds.length - 1], 'processor']),
      ...of(planted, 'stuck-credit').map((p) => [p.paymentIds[p.paymentIds.length - 1], 'credit']),
    ];
    expect(result.stuck!.map((s) => [s.paymentId, s.stage]).sort()).toEqual(expectedStuck.sort());

    const expectedClusters = [
      ...of(planted, 'duplicate-while-pending').map((p) => [[...p.paymentIds].sort().join('|'), true]),
      ...of(planted, 'duplicate').map((p) => [[...p.paymentIds].sort().join('|'), false]),
    ];
    expect(result.duplicates!.map((d) => [d.key, d.whilePending]).sort()).toEqual(expectedClusters.sort());
    expect(result.duplicates!.slice(0, of(planted, 'duplicate-while-pending').length).every((d) => d.whilePending)).toBe(true);

    const expectedLimited = [
      ...of(planted, 'limited').map((p) => [p.accountId, null]),
      ...of(planted, 'limited-with-unlock').map((p) => [p.accountId, p.paymentIds[0]]),
    ];
    expect(result.limited!.map((l) => [l.accountId, l.unlockPaymentId]).sort()).toEqual(expectedLimited.sort());

    const nearMissAccounts = new Set(of(planted, 'near-miss-exactly-5', 'near-miss-declined-retry', 'near-miss-hours-apart', 'near-miss-credited-in-time').map((p) => p.accountId));
    const flagged = [...result.stuck!.map((s) => s.accountId), ...result.duplicates!.map((d) => d.accountId), ...result.limited!.map((l) => l.accountId)];
    expect(flagged.filter((account) => nearMissAccounts.has(account as string))).toEqual([]);
  });
});
