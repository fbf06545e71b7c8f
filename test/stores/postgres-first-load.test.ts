// A first load into the team database builds the secondary indexes, and the primary key of an empty table, after
// the rows (postgres-indexes.ts): the files large enough for that give the same reports and rows as SQLite, the
// indexes and keys come back exactly as the schema has them, a first ledger's sums are written beside payments
// loaded with room for them (heap-only updates: the indexes not over the sums are kept), other sessions' reads of
// the table wait for the file's transaction only, and a sync killed (SIGKILL) while the indexes are dropped leaves
// the indexes and the rows as they were.
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ImportFileReport } from '../../shared/domain.js';
import { syncPaths } from '../../main/core/import/sync.js';
import { listMappings } from '../../main/core/mappings.js';
import { openStore } from '../../main/core/store/open-store.js';
import { importFilePostgres } from '../../main/core/store/postgres-import.js';
import type { PostgresStore } from '../../main/core/store/postgres-store.js';
import type { Store } from '../../main/core/store/store.js';
import { ensureCliBuilt, exited, runPaydeskAsync, spawnPaydesk } from '../support/cli.js';
import { csv, LEDGER_HEADER, memoryDb, PAYMENTS_HEADER, tempDir, writeExport, type TestDb } from '../support/db.js';
import { earlierSnapshot, generatePayments, paymentCsvLine, writeCreditsExport, writePaymentsExport } from '../support/payment-exports.js';
import { HELD_ROWS, startFirstLoad } from '../../main/core/store/postgres-first-load.js';
import type { DeferredIndexes } from '../../main/core/store/postgres-indexes.js';
import { createStageSql, StagedRows } from '../../main/core/store/postgres-staging.js';
import type { LedgerRecord } from '../../main/core/import/records.js';
import { pause } from '../support/import-watch.js';
import { freshPgDatabase, type PgDatabase } from '../support/postgres.js';

// Enough rows that both tables are loaded without their indexes, and that the ledger's links rewrite the payments.
const PAYMENTS = 80_000;

let dir: string;
let paymentsFile: string;
let ledgerFile: string;
const open: { close(): Promise<void> }[] = [];

beforeAll(() => {
  ensureCliBuilt();
  dir = tempDir();
  paymentsFile = path.join(dir, 'payments.csv');
  ledgerFile = path.join(dir, 'ledger.csv');
  const payments = [...generatePayments({ seed: 20261126, count: PAYMENTS })];
  writePaymentsExport(paymentsFile, payments);
  writeCreditsExport(ledgerFile, payments);
}, 120_000);

afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

afterAll(async () => {
  while (open.length) await open.pop()!.close();
});

async function teamDatabase(): Promise<{ db: PgDatabase; store: PostgresStore }> {
  const db = await freshPgDatabase();
  const store = (await openStore(db.url)) as PostgresStore;
  open.push({ close: async () => { await store.close(); await db.drop(); } });
  return { db, store };
}

function sqliteStore(): TestDb {
  const sqlite = memoryDb();
  open.push({ close: async () => sqlite.close() });
  return sqlite;
}

/** The tables a first load drops keys or indexes of, and builds them again. */
const LOADED = `('payments', 'ledger_entries', 'account_totals')`;
const INDEXES = `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN ${LOADED} ORDER BY indexname`;
/** The tables' constraints (a load builds their primary keys after the rows) and which columns take NULL. */
const CONSTRAINTS = `SELECT conrelid::regclass::text AS table_name, conname, pg_get_constraintdef(oid) AS definition FROM pg_constraint
  WHERE conrelid::regclass::text IN ${LOADED} ORDER BY 1, 2`;
const NULLABLE = `SELECT table_name, column_name, is_nullable FROM information_schema.columns
  WHERE table_schema = current_schema() AND table_name IN ${LOADED} ORDER BY 1, 2`;
const SCHEMA = [INDEXES, CONSTRAINTS, NULLABLE];

async function schema(store: Store): Promise<unknown[][]> {
  const parts: unknown[][] = [];
  for (const sql of SCHEMA) parts.push(await store.all(sql));
  return parts;
}

const TABLES = {
  payments: 'SELECT * FROM payments ORDER BY id',
  ledger_entries: 'SELECT * FROM ledger_entries ORDER BY id',
  account_totals: 'SELECT * FROM account_totals ORDER BY account_id, currency',
  data_bounds: 'SELECT * FROM data_bounds ORDER BY name',
  unlinked_credits: 'SELECT * FROM unlinked_credits ORDER BY entry_id',
  imports: 'SELECT id, path, content_hash, format, status, rows, inserted, updated, unchanged, ignored, rejected, conflicts FROM imports ORDER BY id',
};

async function tables(store: Store): Promise<Record<string, unknown[]>> {
  const dump: Record<string, unknown[]> = {};
  for (const [name, sql] of Object.entries(TABLES)) dump[name] = await store.all(sql);
  return dump;
}

/** A report without what differs between any two runs. */
function comparable(report: ImportFileReport) {
  const rest: Partial<ImportFileReport> = { ...report };
  delete rest.durationMs;
  delete rest.importId;
  return rest;
}

/** Imports `file` into a fresh team database and into SQLite: the same report, and the team database's schema as it was. */
async function importIntoBoth(file: string): Promise<{ report: ImportFileReport; store: PostgresStore; sqlite: TestDb }> {
  const { store } = await teamDatabase();
  const schemaBefore = await schema(store);
  const report = await importFilePostgres(store, file, { mappings: [], displayPath: file });
  expect(await schema(store)).toEqual(schemaBefore);
  const sqlite = sqliteStore();
  const [fromSqlite] = await syncPaths(sqlite, [file]);
  expect(comparable(report)).toEqual(comparable(fromSqlite));
  return { report, store, sqlite };
}

describe('a first load into the team database', () => {
  for (const order of [['payments', 'ledger'], ['ledger', 'payments']] as const) {
    it(`gives the rows and reports SQLite gives, ${order.join(' then ')}, and builds every index again`, async () => {
      const files = order.map((kind) => (kind === 'payments' ? paymentsFile : ledgerFile));
      const { store } = await teamDatabase();
      const schemaBefore = await schema(store);
      expect(schemaBefore[0].length).toBeGreaterThanOrEqual(10);
      expect(schemaBefore[1]).toContainEqual(expect.objectContaining({ table_name: 'ledger_entries', definition: 'PRIMARY KEY (id)' }));
      expect(schemaBefore[1]).toContainEqual(expect.objectContaining({ table_name: 'account_totals', definition: 'PRIMARY KEY (account_id, currency)' }));
      const mappings = await listMappings(store);
      const fromPostgres: ImportFileReport[] = [];
      for (const file of files) fromPostgres.push(await importFilePostgres(store, file, { mappings, displayPath: file }));
      expect(fromPostgres.map((r) => r.status)).toEqual(['imported', 'imported']);
      expect(await schema(store)).toEqual(schemaBefore);

      const sqlite = sqliteStore();
      // One sync per file: a sync of both would take the payments first (sync.ts importOrder).
      const fromSqlite: ImportFileReport[] = [];
      for (const file of files) fromSqlite.push(...(await syncPaths(sqlite, [file])));
      expect(fromPostgres.map(comparable)).toEqual(fromSqlite.map(comparable));
      const [a, b] = [await tables(sqlite), await tables(store)];
      for (const name of Object.keys(TABLES)) expect(b[name], name).toEqual(a[name]);
      expect((b.payments as { purchase_gap_ms: number | null }[]).some((p) => p.purchase_gap_ms !== null)).toBe(true);
      expect((b.payments as { credit_count: number }[]).filter((p) => p.credit_count > 0).length).toBeGreaterThan(PAYMENTS / 2);
    }, 300_000);
  }

  /** Each payments index's file: a build, and only a build, gives the index a new one. */
  async function paymentsIndexFiles(store: Store): Promise<Map<string, number>> {
    const rows = await store.all<{ name: string; file: number }>(`SELECT c.relname AS name, c.relfilenode AS file
      FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'payments'::regclass`);
    return new Map(rows.map((row) => [row.name, Number(row.file)]));
  }

  /**
   * Imports the payments into a fresh team database, then (`withoutRoom`: after taking the room off their pages'
   * setting) the ledger, and checks the payments against SQLite's. Returns the indexes the ledger's import
   * rewrote, and the share of the payments' updates that were heap-only.
   */
  async function paymentsThenFirstLedger({ withoutRoom = false } = {}): Promise<{ store: PostgresStore; rebuilt: string[]; hotShare: number }> {
    const { db, store } = await teamDatabase();
    expect((await importFilePostgres(store, paymentsFile, { mappings: [], displayPath: paymentsFile })).status).toBe('imported');
    expect(await store.value(`SELECT array_to_string(reloptions, ',') FROM pg_class WHERE oid = 'payments'::regclass`)).toBe('fillfactor=50');
    if (withoutRoom) await store.exec('ALTER TABLE payments RESET (fillfactor)');
    const before = await paymentsIndexFiles(store);
    const report = await importFilePostgres(store, ledgerFile, { mappings: [], displayPath: ledgerFile });
    expect(report.status).toBe('imported');
    const after = await paymentsIndexFiles(store);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    const rebuilt = [...after].filter(([name, file]) => before.get(name) !== file).map(([name]) => name).sort();

    const sqlite = sqliteStore();
    await syncPaths(sqlite, [paymentsFile]);
    await syncPaths(sqlite, [ledgerFile]);
    expect(await store.all(TABLES.payments)).toEqual(await sqlite.all(TABLES.payments));

    // The import's session reports its counts when idle (at most once a second): read them from another one.
    const reader = new pg.Client({ connectionString: db.url });
    await reader.connect();
    open.push({ close: () => reader.end() });
    let counts = { updated: 0, hot: 0 };
    for (let waited = 0; counts.updated === 0 && waited < 20_000; waited += 200) {
      await pause(200);
      await reader.query('SELECT pg_stat_clear_snapshot()');
      const row = (await reader.query<{ updated: string; hot: string }>(
        `SELECT n_tup_upd AS updated, n_tup_hot_upd AS hot FROM pg_stat_user_tables WHERE relid = 'payments'::regclass`)).rows[0];
      counts = { updated: Number(row.updated), hot: Number(row.hot) };
    }
    expect(counts.updated, 'the ledger\'s sums updated no payment').toBeGreaterThan(PAYMENTS / 2);
    return { store, rebuilt, hotShare: counts.hot / counts.updated };
  }

  it('writes a first ledger\'s sums beside the payments loaded with room for them: only the two indexes over the sums are built again', async () => {
    const { rebuilt, hotShare } = await paymentsThenFirstLedger();
    expect(rebuilt).toEqual(['payments_awaiting', 'payments_reconcile']);
    expect(hotShare).toBeGreaterThan(0.95);
  }, 300_000);

  it('builds the key and every index again after a first ledger\'s sums when the payments were loaded without room (an older team database)', async () => {
    const { store, rebuilt } = await paymentsThenFirstLedger({ withoutRoom: true });
    expect(rebuilt).toEqual([...(await paymentsIndexFiles(store)).keys()].sort());
    expect(rebuilt).toContain('payments_pkey');
  }, 300_000);

  it('loads a ledger that gives an id twice into an empty table as SQLite does: the first row inserted, the other unchanged or a conflict', async () => {
    const file = writeExport('ledger.csv', csv(LEDGER_HEADER,
      'le_1,acct_1,credit_free,5.00,usd,2026-11-01T10:00:00Z,',
      'le_2,acct_1,credit_free,1.00,usd,2026-11-01T11:00:00Z,',
      'le_1,acct_1,credit_free,5.00,usd,2026-11-01T10:00:00Z,',
      'le_2,acct_1,credit_free,2.00,usd,2026-11-01T11:00:00Z,'));
    // The load without the primary key failed building it again, and the rows went in the long way, through it.
    const { report, store, sqlite } = await importIntoBoth(file);
    expect(report).toMatchObject({ status: 'imported', inserted: 2, unchanged: 1, conflicts: 1 });
    for (const sql of [TABLES.ledger_entries, TABLES.account_totals, 'SELECT entry_id, line, stored, incoming FROM ledger_conflicts ORDER BY line']) {
      expect(await store.all(sql), sql).toEqual(await sqlite.all(sql));
    }
  });

  it('loads a payments file that gives an id twice into an empty table as SQLite does: the later row replaces the earlier, gaps and all', async () => {
    const file = writeExport('payments.csv', csv(PAYMENTS_HEADER,
      'pay_1,acct_1,10.00,usd,pending,2026-11-01T10:00:00Z,2026-11-01T10:00:00Z,,,',
      'pay_2,acct_1,10.00,usd,succeeded,2026-11-01T10:05:00Z,2026-11-01T10:05:00Z,,,',
      'pay_1,acct_1,10.00,usd,succeeded,2026-11-01T10:00:00Z,2026-11-01T10:01:00Z,,,',
      'pay_3,acct_2,5.00,usd,succeeded,2026-11-01T11:00:00Z,2026-11-01T11:00:00Z,,,'));
    // The load as read failed on the primary key, and the file went the rounds, through it.
    const { report, store, sqlite } = await importIntoBoth(file);
    expect(report).toMatchObject({ status: 'imported', inserted: 3, updated: 1 });
    expect(await store.all(TABLES.payments)).toEqual(await sqlite.all(TABLES.payments));
    expect(await store.all('SELECT id, status, purchase_gap_ms FROM payments ORDER BY id')).toEqual([
      { id: 'pay_1', status: 'succeeded', purchase_gap_ms: null },
      { id: 'pay_2', status: 'succeeded', purchase_gap_ms: 5 * 60_000 },
      { id: 'pay_3', status: 'succeeded', purchase_gap_ms: null },
    ]);
  });

  it('holds other sessions\' reads of the table only until the file commits, and a sync killed meanwhile leaves the indexes and rows as they were', async () => {
    const { db, store } = await teamDatabase();
    const schemaBefore = await schema(store);
    const watcher = new pg.Client({ connectionString: db.url });
    await watcher.connect();
    open.push({ close: () => watcher.end() });
    const payments = 'SELECT count(*)::int AS n FROM payments';
    const dropped = `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
      WHERE c.relname = 'payments' AND l.mode = 'AccessExclusiveLock' AND l.granted AND l.pid <> pg_backend_pid()`;

    const child = spawnPaydesk(['import', '--db', db.url, paymentsFile]);
    let seen = false;
    while (child.exitCode === null && !seen) {
      seen = (await watcher.query<{ n: number }>(dropped)).rows[0].n > 0;
      if (!seen) await pause(5);
    }
    expect(seen, 'the import ended before its indexes were seen dropped').toBe(true);
    // Meanwhile a reader of the table waits (here, up to its lock timeout) rather than seeing a half-loaded table.
    await watcher.query(`SET lock_timeout = '200ms'`);
    await expect(watcher.query(payments)).rejects.toThrow(/lock timeout/);
    await watcher.query('RESET lock_timeout');
    child.kill('SIGKILL');
    expect((await exited(child)).signal).toBe('SIGKILL');

    // The server rolls the transaction back once it finds its client gone; then readers go on.
    expect((await watcher.query<{ n: number }>(payments)).rows[0].n).toBe(0);
    expect((await watcher.query<{ n: number }>(dropped)).rows[0].n).toBe(0);
    expect(await schema(store)).toEqual(schemaBefore);
    expect(await store.value('SELECT count(*) FROM imports')).toBe(0);

    const again = await runPaydeskAsync(['import', '--json', '--db', db.url, paymentsFile]);
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as { files: { status: string; inserted: number }[] }).files[0]).toMatchObject({ status: 'imported', inserted: PAYMENTS });
    expect(await schema(store)).toEqual(schemaBefore);
  }, 300_000);
  it('loads a payments file that repeats more ids than a first load holds in memory as SQLite does', async () => {
    // An older snapshot of every payment, then the payments as they are now: each id of the second half is held
    // back, and the held rows go into the stage several times while the payments' COPY is ended and opened again.
    const payments = [...generatePayments({ seed: 20261128, count: Math.ceil(HELD_ROWS * 1.3) })];
    const bad = (n: number) => `bad_${n},acct_000001,ten,usd,succeeded,2026-02-01T00:00:00Z,2026-02-01T00:00:00Z,,,`;
    const lines = [...payments.map((p) => paymentCsvLine(earlierSnapshot(p))), bad(1), ...payments.map(paymentCsvLine), bad(2)];
    const file = writeExport('payments.csv', csv(PAYMENTS_HEADER, ...lines));
    const { report, store, sqlite } = await importIntoBoth(file);
    expect(report).toMatchObject({ status: 'imported', inserted: payments.length, rejected: 2 });
    expect(report.updated).toBeGreaterThan(payments.length / 2);
    for (const sql of [TABLES.payments, 'SELECT line, reason, raw FROM rejected_rows ORDER BY line']) {
      expect(await store.all(sql), sql).toEqual(await sqlite.all(sql));
    }
  }, 120_000);

  it('loads a ledger that repeats more ids than a first load holds in memory as SQLite does, conflicts and all', async () => {
    const entries = Array.from({ length: Math.ceil(HELD_ROWS * 1.3) }, (_, i) =>
      `le_${i},acct_${i % 97},credit_free,${(i % 9) + 1}.00,usd,2026-11-01T10:00:00Z,`);
    // Every id again, every hundredth with another amount: a conflict.
    const again = entries.map((line, i) => (i % 100 === 0 ? line.replace(/,(\d)\.00,/, ',$1.50,') : line));
    const file = writeExport('ledger.csv', csv(LEDGER_HEADER, ...entries, ...again));
    const { report, store, sqlite } = await importIntoBoth(file);
    expect(report).toMatchObject({ status: 'imported', inserted: entries.length, conflicts: Math.ceil(entries.length / 100) });
    for (const sql of [TABLES.ledger_entries, TABLES.account_totals, 'SELECT entry_id, line, stored, incoming FROM ledger_conflicts ORDER BY line']) {
      expect(await store.all(sql), sql).toEqual(await sqlite.all(sql));
    }
  }, 120_000);

  it("loads a first import made with an agent's role (not the tables' owner) with the indexes kept, not refused as read-only", async () => {
    const { db, store } = await teamDatabase();
    const schemaBefore = await schema(store);
    // Role names cannot be bound as parameters: this one is generated here from random hex.
    const role = `agent_${Math.random().toString(16).slice(2, 10)}`;
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    await admin.query(`CREATE ROLE ${role} LOGIN`);
    await admin.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`);
    await admin.query(`GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
    await admin.end();
    const url = new URL(db.url);
    url.username = role;
    const agent = await openStore(url.toString());
    open.push({ close: () => agent.close() });

    const [report] = await syncPaths(agent, [paymentsFile]);
    expect(report).toMatchObject({ status: 'imported', inserted: PAYMENTS });
    expect(await schema(store)).toEqual(schemaBefore);
  }, 180_000);
});

describe('a first load straight into an empty table', () => {
  it('puts each id it sees first into the table and holds the rest back for the stage, with the rejected rows', async () => {
    const { store } = await teamDatabase();
    const count = Math.ceil(HELD_ROWS * 1.5);
    const entry = (i: number): LedgerRecord => ({ id: `le_${i}`, accountId: 'acct_1', type: 'credit_free', amountCents: 100, currency: 'usd', createdAt: i, paymentId: null });
    const seen = await store.withClient((client) => store.write(async () => {
      await store.exec(createStageSql);
      const importId = (await store.value<number>(`INSERT INTO imports (path, content_hash, status, started_at) VALUES ('ledger.csv', 'h', 'imported', 0) RETURNING id`))!;
      const deferred: DeferredIndexes = new Map();
      const load = await startFirstLoad(store, client, ['ledger_entries'], importId, new StagedRows(client), deferred);
      if (!load) throw new Error('no first load into the empty ledger');
      const keys = `SELECT count(*)::int FROM pg_constraint WHERE conrelid = 'ledger_entries'::regclass AND contype = 'p'`;
      const keyDuringLoad = await store.value(keys);
      // Every id once, then every id again with a rejected row after every seventh; the reader's chunks between.
      let line = 1;
      for (let i = 0; i < count; i++) {
        load.ledger(++line, entry(i));
        if (i % 1000 === 999) await load.ready();
      }
      for (let i = 0; i < count; i++) {
        load.ledger(++line, entry(i));
        if (i % 7 === 0) load.rejected(++line, 'a bad row', `raw ${i}`);
        if (i % 1000 === 999) await load.ready();
      }
      await load.end();
      await load.buildKey(store);
      return {
        loaded: load.loaded,
        keyDuringLoad,
        keyAfter: await store.value(keys),
        deferred: [...deferred.keys()],
        table: await store.get(`SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids, max(import_id) = ? AS ours FROM ledger_entries`, [importId]),
        keyScan: await indexOnlyScan(store, `SELECT id FROM ledger_entries WHERE id > ''`),
        stage: await store.all(`SELECT kind, count(*)::int AS n, min(line)::int AS first FROM import_stage GROUP BY kind ORDER BY kind`),
      };
    }));
    expect(seen).toEqual({
      loaded: count,
      keyDuringLoad: 0,
      keyAfter: 1,
      deferred: ['ledger_entries'],
      table: { n: count, ids: count, ours: true },
      // The rows were written frozen, their pages marked all-visible: the key is read without visiting them.
      keyScan: { 'Node Type': 'Index Only Scan', 'Actual Rows': count, 'Heap Fetches': 0 },
      stage: [
        { kind: 'e', n: Math.ceil(count / 7), first: count + 3 },
        { kind: 'l', n: count, first: count + 2 },
      ],
    });
  }, 120_000);
});

/** The plan of `sql` run as an index-only scan: how many rows it read, and how many of them it checked on their pages. */
async function indexOnlyScan(store: PostgresStore, sql: string): Promise<Record<string, unknown>> {
  await store.exec('SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off');
  const [{ Plan: plan }] = (await store.value<{ Plan: Record<string, unknown> }[]>(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`))!;
  return { 'Node Type': plan['Node Type'], 'Actual Rows': plan['Actual Rows'], 'Heap Fetches': plan['Heap Fetches'] };
}
