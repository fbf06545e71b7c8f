// The bench's PostgreSQL server and its reference load. The server is PAYDESK_BENCH_PG_URL, else PAYDESK_TEST_PG_URL
// (the test command's cluster), else a throw-away cluster started here (scripts/pg-cluster.mjs) and stopped at the end.
// Every measurement runs in a fresh database of its own, created and dropped here (the URL's role needs CREATEDB).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pgBinDir, startCluster } from '../pg-cluster.mjs';
import { columnName, headerOf } from './csv-columns.mjs';

const require = createRequire(import.meta.url);
const pg = require('pg');
const { baselineSql } = require('../../dist/main/core/store/postgres-schema.js');

/** The server the bench uses: {url, origin, stop()}; a cluster started here is stopped by stop(). */
export async function benchServer() {
  for (const name of ['PAYDESK_BENCH_PG_URL', 'PAYDESK_TEST_PG_URL']) {
    if (process.env[name]) return { url: process.env[name], origin: name, stop: () => {} };
  }
  const cluster = await startCluster({ ownerPid: process.pid });
  return { url: cluster.url, origin: 'a throw-away cluster (scripts/pg-cluster.mjs)', stop: cluster.stop };
}

const withoutPassword = (url) => {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
};

async function admin(url, work) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** What the figures depend on: the server's version and the settings that move a bulk load. */
export function serverSettings(url) {
  return admin(url, async (client) => {
    const names = ['server_version', 'shared_buffers', 'maintenance_work_mem', 'max_wal_size', 'fsync', 'synchronous_commit', 'full_page_writes'];
    const values = {};
    for (const name of names) values[name] = (await client.query(`SHOW ${name}`)).rows[0][name];
    return values;
  });
}

let databases = 0;
/** A fresh, empty database on the server; returns its URL and drop(). */
export async function freshDatabase(url, label) {
  const name = `paydesk_bench_${process.pid}_${++databases}_${label}`;
  await admin(url, (client) => client.query(`CREATE DATABASE ${name}`));
  const u = new URL(url);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: () => admin(url, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

const LEDGER_HEADER = 'entry_id,account_id,type,amount,currency,created_at,payment_id';

/** paydesk's own DDL of a table (postgres-schema.ts), with its primary key, and its secondary indexes apart. */
function tableDdl(table) {
  const create = new RegExp(`CREATE TABLE ${table} \\([\\s\\S]*?\\n\\);`).exec(baselineSql);
  if (!create) throw new Error(`no CREATE TABLE ${table} in postgres-schema.ts`);
  const indexes = baselineSql.match(new RegExp(`CREATE INDEX \\w+ ON ${table} [^;]*;`, 'g')) ?? [];
  return { create: create[0], indexes };
}

const quoted = (file) => `'${file.replace(/'/g, "''")}'`;
const cents = (column) => `round(${column}::numeric * 100)::bigint`;
const epochMs = (column) => `(extract(epoch FROM ${column}::timestamptz) * 1000)::bigint`;
/** A Stripe `… (UTC)` time (`2026-11-20 11:59:04`, no zone) as epoch ms. */
const utcMs = (column) => `(extract(epoch FROM ${column}::timestamp AT TIME ZONE 'UTC') * 1000)::bigint`;
// \copy reads an empty unquoted cell as NULL; NULLIF also turns a quoted empty one into NULL, as paydesk does.
const orNull = (column) => `NULLIF(${column}, '')`;

/** The Stripe columns the reference reads, by paydesk's meaning (formats.md, "Stripe Dashboard payments export"). */
const STRIPE_COLUMNS = {
  id: 'id', created: 'Created date (UTC)', amount: 'Amount', refunded: 'Amount Refunded', currency: 'Currency', mode: 'Mode',
  status: 'Status', customer: 'Customer ID', email: 'Customer Email', invoice: 'Invoice ID', description: 'Description',
  intent: 'PaymentIntent ID', method: 'Payment Source Type', refundedAt: 'Refunded date (UTC)', disputed: 'Disputed Amount',
  disputeStatus: 'Dispute Status', disputedAt: 'Dispute Date (UTC)', account: 'account_id (metadata)',
};

/** The INSERT … SELECT that moves the staged Stripe rows into payments, converting as paydesk's Stripe reader does. */
function stripePaymentsInsert(header) {
  const c = {};
  for (const [meaning, name] of Object.entries(STRIPE_COLUMNS)) {
    if (!header.includes(name)) throw new Error(`the reference load expects a Stripe payments export with a "${name}" column`);
    c[meaning] = columnName(name);
  }
  const refundedCents = cents(orNull(c.refunded));
  return `INSERT INTO payments (id, alt_id, account_id, amount_cents, currency, status, created_at, updated_at, invoice_id, email,
  description, import_id, method, amount_refunded_cents, refunded_at, disputed_amount_cents, dispute_status, disputed_at)
SELECT ${c.id}, ${orNull(c.intent)}, coalesce(${orNull(c.account)}, ${orNull(c.customer)}, lower(${orNull(c.email)})),
  ${cents(c.amount)}, lower(${c.currency}),
  CASE lower(${c.status})
    WHEN 'paid' THEN CASE WHEN coalesce(${refundedCents}, 0) = 0 THEN 'succeeded'
      WHEN ${refundedCents} >= ${cents(c.amount)} THEN 'refunded' ELSE 'partially_refunded' END
    WHEN 'refunded' THEN 'refunded' WHEN 'pending' THEN 'pending' WHEN 'failed' THEN 'failed' WHEN 'canceled' THEN 'canceled'
  END,
  ${utcMs(c.created)}, ${utcMs(c.created)}, ${orNull(c.invoice)}, ${orNull(c.email)}, ${orNull(c.description)}, 1,
  CASE WHEN ${c.method} IN ('three_d_secure', 'three_d_secure_2') THEN 'card' ELSE ${orNull(c.method)} END,
  ${refundedCents}, ${utcMs(orNull(c.refundedAt))}, ${cents(orNull(c.disputed))}, ${orNull(c.disputeStatus)},
  ${utcMs(orNull(c.disputedAt))}
FROM stage_payments
WHERE ${c.id} <> '' AND lower(${c.mode}) <> 'test';`;
}

/**
 * The reference: psql's \copy of the bench's two files (a Stripe Dashboard payments export and a canonical ledger
 * export) into paydesk's payments and ledger_entries (its own DDL, primary keys only during the load), then the
 * secondary indexes. Neither file is shaped like its table, so each is \copy'd into an UNLOGGED staging table of
 * text columns (the payments' named after the header, in snake_case) and moved with one INSERT … SELECT doing the
 * conversions the import does (decimal amounts to cents, times to epoch ms, lower-case currency, Stripe's statuses
 * and account columns to paydesk's; abandoned checkouts without an id and test-mode rows left out). It does none of
 * the rest of an import (validation, row hashes, content hash, import history, the per-payment ledger sums, account
 * totals, rejected rows).
 */
export function referenceScript(files) {
  const header = headerOf(files.payments);
  if (headerOf(files.ledger).join(',') !== LEDGER_HEADER) throw new Error(`${files.ledger}: the reference load expects the header ${LEDGER_HEADER}`);
  const payments = tableDdl('payments');
  const ledger = tableDdl('ledger_entries');
  const stage = (name, columns) => `CREATE UNLOGGED TABLE ${name} (${columns.map((c) => `${c} TEXT`).join(', ')});`;
  return `\\set ON_ERROR_STOP on
${payments.create}
${ledger.create}
${stage('stage_payments', header.map(columnName))}
${stage('stage_ledger', LEDGER_HEADER.split(','))}
\\copy stage_payments FROM ${quoted(files.payments)} WITH (FORMAT csv, HEADER true)
\\copy stage_ledger FROM ${quoted(files.ledger)} WITH (FORMAT csv, HEADER true)
${stripePaymentsInsert(header)}
INSERT INTO ledger_entries (id, account_id, type, amount_cents, currency, created_at, payment_id, import_id)
SELECT entry_id, account_id, type, ${cents('amount')}, lower(currency), ${epochMs('created_at')}, payment_id, 1
FROM stage_ledger;
DROP TABLE stage_payments;
DROP TABLE stage_ledger;
${payments.indexes.join('\n')}
${ledger.indexes.join('\n')}
`;
}

/** psql: Debian's PostgreSQL 15 build when there, else the newest installed, else the one on PATH. */
export function psqlPath() {
  try {
    const candidate = path.join(pgBinDir(), 'psql');
    if (fs.existsSync(candidate)) return candidate;
  } catch {
    // no server binaries: fall through to PATH
  }
  return 'psql';
}

/** Runs the reference script against a fresh database; returns the seconds psql took, from start to exit. */
export function runReference(url, scriptFile) {
  const started = process.hrtime.bigint();
  const result = spawnSync(psqlPath(), ['-X', '-q', '-d', url, '-f', scriptFile], { encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`psql reference load failed on ${withoutPassword(url)}: ${result.stderr || result.error?.message}`);
  return seconds;
}

/** Rows in the reference's tables: the check that it loaded every row. */
export function countRows(url) {
  return admin(url, async (client) => {
    const { rows } = await client.query('SELECT (SELECT count(*) FROM payments) AS payments, (SELECT count(*) FROM ledger_entries) AS ledger');
    return { payments: Number(rows[0].payments), ledger: Number(rows[0].ledger) };
  });
}

export { withoutPassword };
