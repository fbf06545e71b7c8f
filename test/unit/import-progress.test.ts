import { describe, expect, it } from 'vitest';
import type { ImportProgress } from '../../shared/domain.js';
import { syncPaths } from '../../main/core/import/sync.js';
import { memoryDb, PAYMENTS_HEADER, writeExport } from '../support/db.js';

const bigPayments = (rows: number) =>
  [PAYMENTS_HEADER, ...Array.from({ length: rows }, (_, i) => `pay_${i},acct_${i % 500},10.00,usd,succeeded,2026-03-15T10:00:00Z,,in_${i},u${i}@example.com,pack`)].join('\n') + '\n';

describe('import progress and cancellation', () => {
  it('reports progress in bytes of the total and rows, ending at 100%', async () => {
    const db = memoryDb();
    const file = writeExport('payments.csv', bigPayments(60_000));
    const events: ImportProgress[] = [];
    const [report] = await syncPaths(db, [file], { onProgress: (p) => events.push(p) });
    expect(report.status).toBe('imported');
    const last = events[events.length - 1];
    expect(last).toMatchObject({ path: file, fileIndex: 0, fileCount: 1, rows: 60_000 });
    expect(last.bytesRead).toBe(last.totalBytes);
    expect(events.every((e, i) => i === 0 || e.bytesRead >= events[i - 1].bytesRead)).toBe(true);
  });

  it('a canceled import rolls the file back: nothing of it is applied', async () => {
    const db = memoryDb();
    const file = writeExport('payments.csv', bigPayments(200_000));
    const controller = new AbortController();
    const [report] = await syncPaths(db, [file], {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.rows > 0 && p.bytesRead < p.totalBytes) controller.abort();
      },
    });
    expect(report.status).toBe('canceled');
    expect(db.prepare('SELECT count(*) AS n FROM payments').get()).toEqual({ n: 0 });
    expect(db.prepare(`SELECT status FROM imports`).all()).toEqual([{ status: 'canceled' }]);
    // and the same file imports fully afterwards
    const [again] = await syncPaths(db, [file]);
    expect(again).toMatchObject({ status: 'imported', inserted: 200_000 });
  });
});
