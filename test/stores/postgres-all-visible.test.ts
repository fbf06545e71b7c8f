// A deep page of a flag list is read from an index alone on PostgreSQL only where the table's pages are marked
// all-visible; otherwise each row the OFFSET steps over is a visit to the table (60–140 ms for the last page of
// 100,000 rows instead of 10–17 ms). So the tables a bulk write fills are all-visible as soon as it is done: after
// the flag lists are rebuilt, and after `paydesk copy`, on a server that commits asynchronously too.
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { syncPaths } from '../../main/core/import/sync.js';
import { refreshFlagLists } from '../../main/core/flag-lists/refresh.js';
import { copyDatabase } from '../../main/core/store/copy-database.js';
import { openStore } from '../../main/core/store/open-store.js';
import { vacuumAndAnalyze } from '../../main/core/store/postgres-store.js';
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

  it('when a snapshot older than the rows was still open as VACUUM began, once it ends', async () => {
    const db = await asyncCommitDatabase();
    const store = await opened(db.url);
    await syncPaths(store, exportsWithFlags());
    // Another session's read, as autovacuum's ANALYZE or a colleague's list holds one, from before the rebuild.
    const reader = new pg.Client({ connectionString: db.url });
    await reader.connect();
    cleanups.push(() => reader.end());
    await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await reader.query('SELECT count(*) FROM payments');

    const started = performance.now();
    expect((await refreshFlagLists(store)).rebuilt).toBe(true);
    // While the snapshot stays open the rebuild gives up on the pages after its pauses, rather than waiting on it.
    expect(performance.now() - started).toBeLessThan(10_000);
    const blocked = (await visibility(db.url, FLAG_TABLES)).filter((t) => t.pages > 0);
    expect(blocked.length).toBeGreaterThan(0);
    for (const t of blocked) expect(t.allVisible, t.table).toBeLessThan(t.pages);

    // The snapshot ends just after the first VACUUM: a later one marks the pages.
    const pool = new pg.Pool({ connectionString: db.url });
    cleanups.push(() => pool.end());
    let vacuums = 0;
    const watched = {
      query: async (sql: string, params?: unknown[]) => {
        const result = await pool.query(sql, params);
        if (sql.startsWith('VACUUM') && ++vacuums === 1) await reader.query('COMMIT');
        return result;
      },
    } as unknown as pg.Pool;
    await vacuumAndAnalyze(watched, FLAG_TABLES);
    expect(vacuums).toBe(2);
    for (const t of await visibility(db.url, blocked.map((b) => b.table))) expect(t, t.table).toMatchObject({ allVisible: t.pages });
  });
});
