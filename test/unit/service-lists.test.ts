// The service's flag lists: a change of thresholds, or an import by another process, has them rebuilt in a
// worker while the API keeps answering from the old ones, and a "flags" change says when the new ones are in.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiEvents } from '../../shared/api.js';
import { refreshFlagLists } from '../../main/core/flag-lists/refresh.js';
import { syncPaths } from '../../main/core/import/sync.js';
import { createService, type Service } from '../../main/core/service/index.js';
import { csv, fileDb, PAYMENTS_HEADER, writeExport, type TestDb } from '../support/db.js';

const root = path.resolve(__dirname, '..', '..');
const opened: { service: Service; db: TestDb; dir: string }[] = [];

afterEach(async () => {
  for (const { service, db, dir } of opened.splice(0)) {
    await service.close();
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** `n` accounts that each paid the same amount twice, four minutes apart, starting at account `from`. */
const clusters = (n: number, from = 0) =>
  csv(
    PAYMENTS_HEADER,
    ...Array.from({ length: n }, (_, k) => {
      const i = from + k;
      const at = Date.parse('2026-06-01T00:00:00Z') + i * 3_600_000;
      return [0, 240_000].map((gap, j) => `pay_${i}_${j},acct_${i},10.00,usd,succeeded,${new Date(at + gap).toISOString()},,,,pack`).join('\n');
    }),
  );

async function serviceOver(exportText: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paydesk-lists-'));
  const dbFile = path.join(dir, 'paydesk.db');
  const db = fileDb(dbFile);
  await syncPaths(db, [writeExport('payments.csv', exportText, dir)]);
  await refreshFlagLists(db);
  const service = createService(db, {
    dbFile, mode: 'browser', version: 'test', defaultReviewer: 'test', workerFile: path.join(root, 'dist/main/core/import-worker.js'),
  });
  opened.push({ service, db, dir });
  const flagsChanged = () =>
    new Promise<void>((resolve) => {
      const off = service.events.subscribe((event) => {
        if (event.name === 'data:changed' && (event.payload as ApiEvents['data:changed']).tables.includes('flags')) {
          off();
          resolve();
        }
      });
    });
  const total = async () => (await service.handlers['duplicates:listPage']({ offset: 0, limit: 10 })).total;
  return { service, db, dir, flagsChanged, total };
}

describe('the service’s flag lists', () => {
  it('are rebuilt in a worker after a change of thresholds; the old ones answer meanwhile', async () => {
    const { service, flagsChanged, total } = await serviceOver(clusters(5));
    expect(await total()).toBe(5);
    const changed = flagsChanged();
    await service.handlers['settings:update']({ duplicateWindowMinutes: 3 }); // shorter than the 4 minutes between payments
    expect(await total()).toBe(5); // the worker has not even started yet
    await changed;
    expect(await total()).toBe(0);
    expect(await service.handlers['flags:counts']({})).toMatchObject({ duplicates: 0 });
  });

  it('are rebuilt when another process imported, noticed at the next read', async () => {
    const { db, dir, flagsChanged, total } = await serviceOver(clusters(2));
    expect(await total()).toBe(2);
    const other = fileDb(db.location);
    await syncPaths(other, [writeExport('more.csv', clusters(3, 2), dir)]); // like `paydesk import` without its rebuild
    await other.close();
    const changed = flagsChanged();
    expect(await total()).toBe(2);
    await changed;
    expect(await total()).toBe(5);
  });

  it('a sync asked for during a rebuild stops it, runs, and leaves the lists built', async () => {
    const { service, dir, total } = await serviceOver(clusters(3));
    fs.writeFileSync(path.join(dir, 'more.csv'), clusters(4, 3));
    await service.handlers['settings:update']({ exportFolders: [dir], autoSync: false });
    await service.handlers['settings:update']({ duplicateWindowMinutes: 30 }); // a rebuild starts
    const finished = new Promise<void>((resolve) => service.events.subscribe((event) => event.name === 'import:finished' && resolve()));
    expect(await service.handlers['sync:start']({})).toEqual({ started: true, reason: null });
    await finished;
    expect(await service.handlers['sync:status']({})).toMatchObject({ running: false, last: { error: null } });
    expect(await total()).toBe(7);
  });
});
