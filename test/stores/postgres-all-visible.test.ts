// A deep page of a flag list is read from an index alone on PostgreSQL only where the table's pages are marked
// all-visible; otherwise each row the OFFSET steps over is a visit to the table (60–140 ms for the last page of
// 100,000 rows instead of 10–17 ms). So the tables a bulk write fills are all-visible as soon as it is done: after
// the flag lists are rebuilt, and after `paydesk copy`, on a server that commits asynchronously too.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { syncPaths } from '../../main/core/import/sync.js';
import { refreshFlagLists } from '../../main/core/flag-lists/refresh.js';
import { copyDatabase } from '../../main/core/store/copy-database.js';
import { openStore } from '../../main/core/store/open-store.js';
import { SqliteStore } from '../../main/core/store/sqlite-store.js';
import type { Store } from '../../main/core/store/store.js';
import { tempDir } from '../support/db.js';
import { generatePayments, writeCreditsExport, writePaymentsExport } from '../support/payment-exports.js';
import { freshPgDatabase, withPgClient, type PgDatabase } from '../support/postgres.js';

const FLAG_TABLES = ['flag_stuck', 'flag_duplicates', 'flag_limited', 'flag_mismatches'];

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A team database whose server commits asynchronously, as many are tuned (the harder case for VACUUM). */
async function asyncCommitDatabase(): Promise<PgDatabase> {
  const db = await freshPgDatabase();
  cleanups.push(db.drop);
  const name = new URL(db.url).pathname.slice(1);
  await withPgClient(db.url, (client) => client.query(`ALTER DATABASE "${name}" SET synchronous_commit = off`));
  return db;
}

interface Visibility {
  table: string;
  pages: number;
  allVisible: number;
}

/** Each table's pages and how many of them are all-visible, as VACUUM and ANALYZE last counted them. */
function visibility(url: string, tables: readonly string[]): Promise<Visibility[]> {
  return withPgClient(url, async (client) => {
    const { rows } = await client.query<{ table: string; pages: number; all_visible: number }>(
      'SELECT relname AS table, relpages AS pages, relallvisible AS all_visible FROM pg_class WHERE relname = ANY($1) ORDER BY relname',
      [tables],
    );
    return rows.map((row) => ({ table: row.table, pages: row.pages, allVisible: row.all_visible }));
  });
}

function exportsWithFlags(): string[] {
  const dir = tempDir();
  const payments = [...generatePayments({ seed: 20261126, count: 4000 })];
  const files = [path.join(dir, 'payments.csv'), path.join(dir, 'ledger.csv')];
  writePaymentsExport(files[0], payments);
  writeCreditsExport(files[1], payments);
  return files;
}

async function opened(url: string): Promise<Store> {
  const store = await openStore(url);
  cleanups.push(() => store.close());
  return store;
}

describe('tables a bulk write fills are all-visible at once on PostgreSQL', () => {
  it('after the flag lists are rebuilt', async () => {
    const db = await asyncCommitDatabase();
    const store = await opened(db.url);
    await syncPaths(store, exportsWithFlags());
    const refresh = await refreshFlagLists(store);
    expect(refresh.rebuilt).toBe(true);

    const tables = (await visibility(db.url, FLAG_TABLES)).filter((t) => t.pages > 0);
    // The generated exports flag payments in several lists, each over more than one page.
    expect(tables.map((t) => t.table)).toEqual(expect.arrayContaining(['flag_duplicates', 'flag_stuck']));
    expect(tables.filter((t) => t.pages > 1).length).toBeGreaterThan(0);
    for (const t of tables) expect(t, t.table).toMatchObject({ allVisible: t.pages });
  });

  it('after paydesk copy', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'paydesk.db');
    const local = SqliteStore.open(file);
    await syncPaths(local, exportsWithFlags());
    await refreshFlagLists(local);
    await local.close();
    const db = await asyncCommitDatabase();
    await copyDatabase(file, db.url);

    const tables = await visibility(db.url, ['payments', 'ledger_entries', ...FLAG_TABLES]);
    expect(tables.find((t) => t.table === 'payments')!.pages).toBeGreaterThan(10);
    for (const t of tables) expect(t, t.table).toMatchObject({ allVisible: t.pages });
  });
});
