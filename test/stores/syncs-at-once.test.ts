// Several paydesks syncing one database (team.md, "Many people at once"), on each store: the same file synced by
// two processes at once is imported once, the other reports it skipped; a sync killed halfway through a file
// (SIGKILL: no cleanup runs) leaves nothing of that file, and the next sync imports it whole.
import path from 'node:path';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { ensureCliBuilt, exited, runPaydeskAsync, spawnPaydesk } from '../support/cli.js';
import { tempDir } from '../support/db.js';
import { CAN_WATCH_READS, ImportWatch, pause } from '../support/import-watch.js';
import { generatePayments, writeCreditsExport, writePaymentsExport } from '../support/payment-exports.js';
import { describeStores, freshStore, type FreshStore } from '../support/stores.js';

let dir: string;
let paymentsFile: string;
let ledgerFile: string;
let paymentRows: number;

beforeAll(() => {
  ensureCliBuilt();
  dir = tempDir();
  paymentsFile = path.join(dir, 'payments.csv');
  ledgerFile = path.join(dir, 'ledger.csv');
  const payments = [...generatePayments({ seed: 20261126, count: 60_000 })];
  paymentRows = writePaymentsExport(paymentsFile, payments).rows;
  writeCreditsExport(ledgerFile, payments);
}, 120_000);

const opened: FreshStore[] = [];
afterEach(async () => {
  while (opened.length) await opened.pop()!.close();
});

async function fresh(kind: Parameters<typeof freshStore>[0]): Promise<FreshStore> {
  const store = await freshStore(kind);
  opened.push(store);
  return store;
}

/** A SQLite store in memory cannot be shared between processes: use a file. */
async function shared(kind: Parameters<typeof freshStore>[0]): Promise<FreshStore> {
  if (kind === 'postgres') return fresh(kind);
  const file = path.join(tempDir(), 'paydesk.db');
  const { SqliteStore } = await import('../../main/core/store/sqlite-store.js');
  const store = SqliteStore.open(file);
  const handle = { store, target: file, close: () => store.close() };
  opened.push(handle);
  return handle;
}

const importsOf = (db: FreshStore) => db.store.all<{ status: string; rows: number; inserted: number }>('SELECT status, rows, inserted FROM imports ORDER BY id');

describeStores('syncs from several processes at once', (kind) => {
  it('imports a file synced by two processes at the same moment once; the other reports it skipped', async () => {
    const db = await shared(kind);
    const [a, b] = await Promise.all([
      runPaydeskAsync(['import', '--json', '--db', db.target, paymentsFile]),
      runPaydeskAsync(['import', '--json', '--db', db.target, paymentsFile]),
    ]);
    expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0]);
    const statuses = [a, b].map((run) => (JSON.parse(run.stdout) as { files: { status: string }[] }).files[0].status).sort();
    expect(statuses).toEqual(['imported', 'skipped']);
    expect(await db.store.value('SELECT count(*) FROM payments')).toBe(paymentRows);
    expect((await importsOf(db)).map((i) => i.status).sort()).toEqual(['imported', 'skipped']);
  }, 120_000);

  it('imports two different files side by side', async () => {
    const db = await shared(kind);
    const [a, b] = await Promise.all([
      runPaydeskAsync(['import', '--db', db.target, paymentsFile]),
      runPaydeskAsync(['import', '--db', db.target, ledgerFile]),
    ]);
    expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0]);
    expect((await importsOf(db)).map((i) => i.status)).toEqual(['imported', 'imported']);
    expect(await db.store.value('SELECT count(*) FROM payments')).toBe(paymentRows);
    expect(await db.store.value('SELECT count(*) FROM ledger_entries')).toBeGreaterThan(0);
  }, 120_000);

  it.runIf(CAN_WATCH_READS)('leaves nothing of a file whose sync is killed halfway, and imports it whole the next time', async () => {
    const db = await shared(kind);
    await runPaydeskAsync(['import', '--db', db.target, ledgerFile]);
    const before = { imports: await importsOf(db), entries: await db.store.value<number>('SELECT count(*) FROM ledger_entries') };

    const child = spawnPaydesk(['import', '--db', db.target, paymentsFile]);
    const watch = new ImportWatch(child.pid!, paymentsFile, path.join(dir, 'no-database-file'));
    const size = (await import('node:fs')).statSync(paymentsFile).size;
    let killedAt = -1;
    while (child.exitCode === null) {
      const progress = watch.sample();
      // The second open is the import's read (the first hashes the file): kill it halfway through.
      if (progress.opens >= 2 && progress.position >= 0.5 * size) {
        child.kill('SIGKILL');
        killedAt = progress.position;
        break;
      }
      await pause(2);
    }
    expect(killedAt, 'the import ended before it could be killed halfway').toBeGreaterThan(0);
    expect((await exited(child)).signal).toBe('SIGKILL');

    expect(await importsOf(db)).toEqual(before.imports);
    expect(await db.store.value('SELECT count(*) FROM payments')).toBe(0);
    expect(await db.store.value('SELECT count(*) FROM ledger_entries')).toBe(before.entries);

    const again = await runPaydeskAsync(['import', '--json', '--db', db.target, paymentsFile]);
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as { files: { status: string; inserted: number }[] }).files[0]).toMatchObject({ status: 'imported', inserted: paymentRows });
    expect(await db.store.value('SELECT count(*) FROM payments')).toBe(paymentRows);
  }, 180_000);
});
