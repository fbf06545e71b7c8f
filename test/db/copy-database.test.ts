// `paydesk copy` (main/core/store/copy-database.ts): a local database moved into a team database row for row, once;
// refused into a database that holds other data; the URL's password never in what it says.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseFromFutureError, migrate } from '../../main/core/db/migrate.js';
import { MIGRATIONS } from '../../main/core/db/migrations/index.js';
import { openDb } from '../../main/core/db/open.js';
import { CopyRefusedError, copyDatabase } from '../../main/core/store/copy-database.js';
import { migratePostgres } from '../../main/core/store/postgres-migrate.js';
import { SCHEMA_TABLES } from '../../main/core/store/postgres-schema.js';
import { SqliteStore } from '../../main/core/store/sqlite-store.js';
import { applyReviewDecision } from '../../main/core/reviews.js';
import { refreshFlagLists } from '../../main/core/flag-lists/refresh.js';
import { writeSettings } from '../../main/core/settings.js';
import { importText, tempDir } from '../support/db.js';
import { freshPgDatabase, type PgDatabase } from '../support/postgres.js';

const T0 = Date.UTC(2026, 0, 15, 9, 30);
const BULK_PAYMENTS = 3000;

/** Text that CSV and COPY could get wrong: quotes, separators, line breaks, backslashes, COPY's text-format NULL. */
const AWKWARD = 'say "hi", then\nleave\r\n \\N \\. tab\t€ 😀';

/** A paydesk database with rows in every table, written directly (the core's own writers are not what is tested). */
function seededDatabase(file: string): Database {
  const db = openDb(file);
  const run = (sql: string, ...params: unknown[]) => db.prepare(sql).run(...params);
  db.transaction(() => {
    run(`INSERT INTO settings (key, value) VALUES ('reviewerName', ?), ('empty', '')`, AWKWARD);
    run(`INSERT INTO column_mappings (id, kind, header_signature, header, fields, created_at) VALUES (4, 'payments', 'sig', 'a,"b"', '{"amount":"a"}', ?)`, T0);
    run(`INSERT INTO imports (id, path, content_hash, format, status, reason, header, bytes, rows, inserted, started_at, duration_ms)
         VALUES (1, '/exports/payments.csv', 'h1', 'stripe', 'imported', NULL, 'id,amount', 2048, 3, 3, ?, 12)`, T0);
    run(`INSERT INTO imports (id, path, content_hash, format, status, reason, started_at) VALUES (2, '/exports/bad.csv', 'h2', NULL, 'rejected', ?, ?)`, AWKWARD, T0 + 1);
    run(`INSERT INTO imports (id, path, content_hash, status, reason, started_at) VALUES (5, '/exports/payments.csv', NULL, 'skipped', '', ?)`, T0 + 2);
    const payment = db.prepare(`INSERT INTO payments (id, alt_id, account_id, amount_cents, currency, status, created_at, updated_at, invoice_id, email,
      description, import_id, credited_at, purchase_gap_ms, row_hash_hi, row_hash_lo, method, amount_refunded_cents, refunded_at,
      disputed_amount_cents, dispute_status, disputed_at, credit_count, credited_cents, credited_currency, reversed_cents)
      VALUES (?, ?, ?, ?, 'usd', ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    payment.run('pi_full', 'ch_full', 'acct_1', 1000, 'refunded', T0, T0, null, 'Ana@Example.com', AWKWARD, T0 + 5, null, -2147483648, 2147483647, 'card', null, T0 + 9, null, null, null, 1, 1000, 'usd', 0);
    payment.run('pi_lost', '', 'acct_1', 2500, 'partially_refunded', T0 + 1, T0 + 1, 'in_1', '', '', null, 60_000, 0, -1, null, 500, T0 + 9, null, 'lost', T0 + 9, 2, 5000, 'usd', 500);
    payment.run('pi_"odd",id', null, null, 99_999_999_999, 'pending', T0 + 2, T0 + 2, null, null, null, null, null, null, null, null, null, null, 700, 'won', null, 0, 0, null, 0);
    for (let i = 0; i < BULK_PAYMENTS; i++) {
      payment.run(`pi_bulk_${String(i).padStart(5, '0')}`, null, `acct_${i % 97}`, 100 + i, 'succeeded', T0 + i * 1000, T0 + i * 1000, `in_${i}`, `user${i}@example.com`,
        `credits, pack ${i}`, T0 + i * 1000 + 5, null, i, -i, 'card', null, null, null, null, null, 1, 100 + i, 'usd', 0);
    }
    const entry = db.prepare(`INSERT INTO ledger_entries (id, account_id, type, amount_cents, currency, created_at, payment_id, import_id) VALUES (?, ?, ?, ?, 'usd', ?, ?, 1)`);
    entry.run('le_1', 'acct_1', 'credit_purchased', 1000, T0, 'pi_full');
    entry.run('le_2', 'acct_1', 'refund', -500, T0 + 1, 'ch_full');
    entry.run('le_3', 'acct_2', 'credit_free', 500, T0 + 2, null);
    entry.run('le_4', 'acct_3', 'credit_purchased', 700, T0 + 3, 'pi_unknown');
    run(`INSERT INTO rejected_rows (import_id, line, reason, raw) VALUES (2, 7, 'amount: not a number', ?), (2, 3, '', '')`, AWKWARD);
    run(`INSERT INTO ledger_conflicts (id, import_id, entry_id, line, stored, incoming) VALUES (9, 1, 'le_1', 4, '{"amount":1000}', '{"amount":"1,000"}')`);
    run(`INSERT INTO account_totals (account_id, currency, balance_cents, free_cents, purchased_cents, entries) VALUES ('acct_1', 'usd', 500, 0, 1000, 2)`);
    run(`INSERT INTO data_bounds (name, newest_at) VALUES ('payments', ?), ('ledger', ?)`, T0 + BULK_PAYMENTS * 1000, T0 + 3);
    run(`INSERT INTO unlinked_credits (entry_id, payment_id, created_at) VALUES ('le_4', 'pi_unknown', ?)`, T0 + 3);
    run(`INSERT INTO reviews (kind, key, decision, note, reviewer, decided_at, followup_done_at, followup_import_id)
         VALUES ('stuck', 'pi_"odd",id', 'wait', ?, 'ana', ?, NULL, NULL), ('mismatches', 'over_credited:pi_lost', 'take_back', '', 'bo', ?, ?, 1)`, AWKWARD, T0 + 10, T0 + 11, T0 + 12);
    run(`INSERT INTO review_log (id, kind, key, decision, note, reviewer, decided_at, recorded_at, source)
         VALUES (1, 'stuck', 'pi_"odd",id', 'refund', '', 'ana', ?, ?, 'user'), (3, 'stuck', 'pi_"odd",id', 'wait', ?, 'ana', ?, ?, 'import')`,
    T0 + 5, T0 + 6, AWKWARD, T0 + 10, T0 + 11);
    run(`INSERT INTO flag_lists (id, built_for, as_of, settings, notices, stuck, duplicates, duplicates_while_pending, limited, mismatches)
         VALUES (1, '{"lastImport":1}', '2026-01-15T09:30:00.000Z', '{}', '[]', 1, 1, 0, 1, 1)`);
    run(`INSERT INTO flag_stuck (payment_id, account_id, stage, status, amount_cents, currency, created_at, age_seconds, email, invoice_id, later_payments, search, method, stuck_after_minutes)
         VALUES ('pi_"odd",id', NULL, 'pending', 'pending', 99999999999, 'usd', '2026-01-15T09:30:02.000Z', 3600, NULL, NULL, 0, 'pi_"odd",id', NULL, 30)`);
    run(`INSERT INTO flag_duplicates (strength, key, account_id, currency, amount_cents, payment_ids, payment_count, while_pending, first_created_at, last_created_at, extra_cents, email, search)
         VALUES (1, 'pi_bulk_00000|pi_bulk_00097', 'acct_0', 'usd', 100, '["pi_bulk_00000","pi_bulk_00097"]', 2, 0, 'a', 'b', 100, NULL, 'acct_0')`);
    run(`INSERT INTO flag_limited (account_id, currency, balance_cents, free_cents, purchased_cents, missing_cents, unlock_payment_id, email, search)
         VALUES ('acct_2', 'usd', 500, 500, 0, 500, NULL, '', 'acct_2')`);
    run(`INSERT INTO flag_mismatches (key, kind, payment_id, account_id, currency, amount_cents, credited_cents, reversed_cents, returned_cents, delta_cents,
         stake_cents, entry_ids, status, created_at, returned_at, email, search)
         VALUES ('over_credited:pi_lost', 'over_credited', 'pi_lost', 'acct_1', 'usd', 2500, 5000, 500, 3000, NULL, 2500, '[]', NULL, 'c', NULL, '', 's')`);
  })();
  return db;
}

/** Every table's rows, every column (returned_cents too), in primary key order, integers as decimal strings. */
function sqliteRows(db: Database, table: string): unknown[][] {
  const columns = columnsOf(db, table);
  return db.prepare(`SELECT ${columns.join(', ')} FROM ${table} ORDER BY ${columns.join(', ')}`).raw(true).safeIntegers(true).all().map(normalise);
}

async function postgresRows(client: pg.Client, db: Database, table: string): Promise<unknown[][]> {
  const columns = columnsOf(db, table);
  const result = await client.query({ text: `SELECT ${columns.join(', ')} FROM ${table} ORDER BY ${columns.join(', ')}`, rowMode: 'array' });
  return (result.rows as unknown[][]).map(normalise);
}

const columnsOf = (db: Database, table: string) =>
  (db.prepare('SELECT name FROM pragma_table_xinfo(?) ORDER BY cid').pluck().all(table) as string[]).map((name) => `"${name}"`);

const normalise = (row: unknown) => (row as unknown[]).map((value) => (typeof value === 'bigint' || typeof value === 'number' ? String(value) : value));

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

/** Everything in the team database: every table of the schema, and its own bookkeeping. */
async function snapshot(client: pg.Client, db: Database): Promise<Record<string, unknown[][]>> {
  const tables: Record<string, unknown[][]> = {};
  for (const table of SCHEMA_TABLES) tables[table] = await postgresRows(client, db, table);
  for (const table of ['copied_from', 'schema_migrations']) tables[table] = (await client.query({ text: `SELECT * FROM ${table} ORDER BY 1`, rowMode: 'array' })).rows;
  return tables;
}

function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('copyDatabase', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setUp() {
    const file = path.join(tempDir(), 'paydesk.db');
    const source = seededDatabase(file);
    cleanups.push(() => {
      source.close();
    });
    const target: PgDatabase = await freshPgDatabase();
    cleanups.push(() => target.drop());
    const client = await connect(target.url);
    cleanups.push(() => client.end());
    return { file, source, target, client };
  }

  it('copies every table row for row, NULL and empty strings apart, into an empty team database, in one go', async () => {
    const { file, source, target, client } = await setUp();
    const lines: string[] = [];
    const report = await copyDatabase(file, target.url, { log: (line) => lines.push(line), now: () => T0 + 99 });

    expect(report.outcome).toBe('copied');
    expect(report.copiedAt).toBe(T0 + 99);
    for (const table of SCHEMA_TABLES) {
      const count = Number(source.prepare(`SELECT count(*) FROM ${table}`).pluck().get());
      expect(count, `${table} has rows in the seed`).toBeGreaterThan(0);
      expect({ table, rows: report.tables[table] }).toEqual({ table, rows: count });
      expect({ table, rows: await postgresRows(client, source, table) }).toEqual({ table, rows: sqliteRows(source, table) });
    }
    const empty = await client.query(`SELECT count(*)::int AS n FROM settings WHERE key = 'empty' AND value = ''`);
    expect(empty.rows).toEqual([{ n: 1 }]);
    const nulls = await client.query(`SELECT count(*)::int AS n FROM payments WHERE alt_id IS NULL`);
    expect(nulls.rows).toEqual([{ n: BULK_PAYMENTS + 1 }]);
    expect(lines.at(-1)).toMatch(/^copied \d+ rows from paydesk\.db to postgres:\/\//);
    const copied = await client.query('SELECT source_id, copied_at, source_file, rows FROM copied_from');
    expect(copied.rows).toEqual([{ source_id: report.sourceId, copied_at: String(T0 + 99), source_file: 'paydesk.db', rows: String(Object.values(report.tables).reduce((a, b) => a + b)) }]);
  });

  it('copies a database that the core itself filled: imports, flag lists, decisions and their audit log', async () => {
    const file = path.join(tempDir(), 'paydesk.db');
    const raw = openDb(file);
    const store = new SqliteStore(raw, file);
    cleanups.push(() => store.close());
    const fixtures = path.resolve(__dirname, '../fixtures/csv');
    expect((await importText(store, 'payments.csv', fs.readFileSync(path.join(fixtures, 'payments_basic.csv')))).status).toBe('imported');
    expect((await importText(store, 'ledger.csv', fs.readFileSync(path.join(fixtures, 'ledger_basic.csv')))).status).toBe('imported');
    expect((await importText(store, 'bad.csv', 'payment_id,amount\npay_x,ten\n')).status).not.toBe('imported');
    await writeSettings(store, { reviewerName: 'Ana' });
    await refreshFlagLists(store);
    await applyReviewDecision(store, { kind: 'stuck', key: 'pay_1', decision: 'wait', note: 'asked "support", twice', reviewer: 'Ana', decidedAt: T0 }, 'user');
    await applyReviewDecision(store, { kind: 'stuck', key: 'pay_1', decision: 'refund', note: '', reviewer: 'Bo', decidedAt: T0 + 1 }, 'user');
    const target = await freshPgDatabase();
    cleanups.push(() => target.drop());
    const client = await connect(target.url);
    cleanups.push(() => client.end());

    const report = await copyDatabase(file, target.url);
    expect(report.tables).toMatchObject({ review_log: 2, reviews: 1, ledger_entries: 6, payments: 4, rejected_rows: 1, flag_lists: 1 });
    expect(report.tables.imports).toBeGreaterThanOrEqual(3);
    for (const table of SCHEMA_TABLES) {
      expect({ table, rows: await postgresRows(client, raw, table) }).toEqual({ table, rows: sqliteRows(raw, table) });
    }
  });

  it('moves the identities past the copied ids, so new rows get new ones', async () => {
    const { file, target, client } = await setUp();
    await copyDatabase(file, target.url);
    const next = async (sql: string) => (await client.query<{ id: string }>(`${sql} RETURNING id`)).rows[0].id;
    expect(await next(`INSERT INTO imports (path, status, started_at) VALUES ('x', 'imported', 1)`)).toBe('6');
    expect(await next(`INSERT INTO review_log (kind, key, decision, reviewer, decided_at, recorded_at, source) VALUES ('stuck', 'k', 'wait', 'a', 1, 1, 'user')`)).toBe('4');
    expect(await next(`INSERT INTO ledger_conflicts (import_id, entry_id, line, stored, incoming) VALUES (1, 'e', 1, '', '')`)).toBe('10');
    expect(await next(`INSERT INTO column_mappings (kind, header_signature, header, fields, created_at) VALUES ('ledger', 's2', 'h', 'f', 1)`)).toBe('5');
  });

  it('only reads the source', async () => {
    const { file, source, target } = await setUp();
    source.pragma('wal_checkpoint(TRUNCATE)');
    const before = sha256(file);
    await copyDatabase(file, target.url);
    expect(sha256(file)).toBe(before);
    expect(fs.statSync(`${file}-wal`).size).toBe(0);
  });

  it('changes nothing when run again on the same, unchanged source', async () => {
    const { file, source, target, client } = await setUp();
    const first = await copyDatabase(file, target.url, { now: () => T0 + 99 });
    const before = await snapshot(client, source);
    const lines: string[] = [];
    const second = await copyDatabase(file, target.url, { log: (line) => lines.push(line), now: () => T0 + 500 });
    expect(second.outcome).toBe('already-copied');
    expect(second.copiedAt).toBe(T0 + 99);
    expect(second.sourceId).toBe(first.sourceId);
    expect(Object.values(second.tables).every((n) => n === 0)).toBe(true);
    expect(lines).toEqual([expect.stringMatching(/is already a copy of paydesk\.db \(made 2026-01-15T09:30:00\.099Z\): nothing to do$/)]);
    expect(await snapshot(client, source)).toEqual(before);
  });

  it('refuses to copy again a source that changed since, and changes nothing', async () => {
    const { file, source, target, client } = await setUp();
    await copyDatabase(file, target.url);
    source.prepare(`INSERT INTO review_log (kind, key, decision, reviewer, decided_at, recorded_at, source) VALUES ('stuck', 'pi_lost', 'wait', 'ana', 1, 2, 'user')`).run();
    const before = await snapshot(client, source);
    const refusal = copyDatabase(file, target.url);
    await expect(refusal).rejects.toThrow(CopyRefusedError);
    await expect(refusal).rejects.toThrow(/already holds a copy of paydesk\.db made .*, and paydesk\.db has changed since: nothing was copied/);
    expect(await snapshot(client, source)).toEqual(before);
  });

  it('knows a source that never imported anything by its content: copied once, then nothing to do', async () => {
    const file = path.join(tempDir(), 'fresh.db');
    openDb(file).close();
    const target = await freshPgDatabase();
    cleanups.push(() => target.drop());
    const first = await copyDatabase(file, target.url);
    expect(first.outcome).toBe('copied');
    expect(first.sourceId).toMatch(/^content:[0-9a-f]{64}$/);
    expect(Object.values(first.tables).every((n) => n === 0)).toBe(true);
    expect((await copyDatabase(file, target.url)).outcome).toBe('already-copied');
  });

  it('refuses a team database that holds other data, and one that is a copy of another database', async () => {
    const { file, target, client } = await setUp();
    await migratePostgres(client);
    await client.query(`INSERT INTO settings (key, value) VALUES ('reviewerName', 'someone else')`);
    await expect(copyDatabase(file, target.url)).rejects.toThrow(/is not empty \(settings has rows\) and is not a copy of paydesk\.db: nothing was copied/);
    expect((await client.query('SELECT count(*)::int AS n FROM payments')).rows).toEqual([{ n: 0 }]);

    await client.query('DELETE FROM settings');
    const otherFile = path.join(tempDir(), 'other.db');
    const other = openDb(otherFile);
    other.prepare(`INSERT INTO imports (path, content_hash, status, started_at) VALUES ('/elsewhere.csv', 'x', 'imported', 1)`).run();
    other.close();
    await copyDatabase(otherFile, target.url);
    await expect(copyDatabase(file, target.url)).rejects.toThrow(/is a copy of another database \(other\.db, copied .*\), not of paydesk\.db: nothing was copied/);
    expect((await client.query('SELECT count(*)::int AS n FROM payments')).rows).toEqual([{ n: 0 }]);
  });

  it('leaves nothing behind when a table fails halfway (all or nothing)', async () => {
    const { file, source, target, client } = await setUp();
    // flag_mismatches comes last: every other table has been sent when this row fails.
    source.prepare(`UPDATE flag_mismatches SET search = 'a' || char(0) || 'b'`).run();
    await expect(copyDatabase(file, target.url)).rejects.toThrow(/flag_mismatches row 1 holds a NUL character in search/);
    for (const table of [...SCHEMA_TABLES, 'copied_from']) {
      expect({ table, rows: (await client.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n }).toEqual({ table, rows: 0 });
    }
  });

  it('never puts the password of the URL in an error', async () => {
    const { file } = await setUp();
    const port = await unusedPort();
    for (const [url, password] of [
      [`postgres://paydesk:s3cret@127.0.0.1:${port}/x`, 's3cret'],
      [`postgresql://paydesk:p%40ss%3Aw0rd@127.0.0.1:${port}/x?sslmode=disable`, 'p@ss:w0rd'],
    ]) {
      const error = await copyDatabase(file, url).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error).toBeInstanceOf(Error);
      expect(error?.message).toMatch(new RegExp(`cannot reach the team database at postgres(ql)?://paydesk@127\\.0\\.0\\.1:${port}/x`));
      for (const secret of [password, encodeURIComponent(password)]) {
        expect(error?.message).not.toContain(secret);
        expect(error?.stack).not.toContain(secret);
      }
    }
  });

  it('refuses a file that is not a paydesk database at this version', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'hello');
    await expect(copyDatabase(path.join(dir, 'missing.db'), 'postgres://paydesk@127.0.0.1:1/x')).rejects.toThrow(/cannot open .*missing\.db/);
    await expect(copyDatabase(path.join(dir, 'notes.txt'), 'postgres://paydesk@127.0.0.1:1/x')).rejects.toThrow(/notes\.txt is not a paydesk database/);
    const old = new BetterSqlite3(path.join(dir, 'old.db'));
    migrate(old, MIGRATIONS, 3);
    old.close();
    await expect(copyDatabase(path.join(dir, 'old.db'), 'postgres://paydesk@127.0.0.1:1/x')).rejects.toThrow(
      new RegExp(`old\\.db is at schema version 3, older than this paydesk's \\(${MIGRATIONS.length}\\): open it once with this paydesk to upgrade it, then copy`),
    );
    const future = new BetterSqlite3(path.join(dir, 'future.db'));
    migrate(future);
    future.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    future.close();
    await expect(copyDatabase(path.join(dir, 'future.db'), 'postgres://paydesk@127.0.0.1:1/x')).rejects.toThrow(DatabaseFromFutureError);
    await expect(copyDatabase(path.join(dir, 'notes.txt'), 'mysql://x@y/z')).rejects.toThrow(/must be a postgres:\/\/ or postgresql:\/\/ URL/);
  });
});
