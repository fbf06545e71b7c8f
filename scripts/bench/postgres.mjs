// The bench's PostgreSQL server and its reference load. The server is PAYDESK_BENCH_PG_URL, else PAYDESK_TEST_PG_URL
// (the test command's cluster), else a throw-away cluster started here (scripts/pg-cluster.mjs) and stopped at the end.
// Every measurement runs in a fresh database of its own, created and dropped here (the URL's role needs CREATEDB).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pgBinDir, startCluster } from '../pg-cluster.mjs';

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

const PAYMENTS_HEADER =
  'payment_id,account_id,amount,currency,status,created_at,updated_at,invoice_id,email,description,' +
  'payment_method,amount_refunded,refunded_at,disputed_amount,dispute_status,disputed_at';
const LEDGER_HEADER = 'entry_id,account_id,type,amount,currency,created_at,payment_id';

function firstLine(file) {
  const fd = fs.openSync(file, 'r');
  const head = Buffer.alloc(1024);
  fs.readSync(fd, head, 0, head.length, 0);
  fs.closeSync(fd);
  return head.toString('utf8').split('\n')[0];
}

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

/**
 * The reference: psql's \copy of the two canonical CSV files into paydesk's payments and ledger_entries (its own
 * DDL, primary keys only during the load), then the secondary indexes. The files are paydesk's export format, not
 * the tables', so each is \copy'd into an UNLOGGED staging table of text columns named as in the file and moved
 * with one INSERT … SELECT doing the conversions the import does (decimal amount to cents, ISO time to epoch ms,
 * lower-case currency, an empty updated_at meaning created_at). It does none of the rest of an import (validation,
 * row hashes, content hash, import history, the per-payment ledger sums, account totals, rejected rows).
 */
export function referenceScript(files) {
  for (const [file, header] of [[files.payments, PAYMENTS_HEADER], [files.ledger, LEDGER_HEADER]]) {
    if (firstLine(file) !== header) throw new Error(`${file}: the reference load expects the header ${header}`);
  }
  const payments = tableDdl('payments');
  const ledger = tableDdl('ledger_entries');
  const stage = (name, header) => `CREATE UNLOGGED TABLE ${name} (${header.split(',').map((c) => `${c} TEXT`).join(', ')});`;
  return `\\set ON_ERROR_STOP on
${payments.create}
${ledger.create}
${stage('stage_payments', PAYMENTS_HEADER)}
${stage('stage_ledger', LEDGER_HEADER)}
\\copy stage_payments FROM ${quoted(files.payments)} WITH (FORMAT csv, HEADER true)
\\copy stage_ledger FROM ${quoted(files.ledger)} WITH (FORMAT csv, HEADER true)
INSERT INTO payments (id, account_id, amount_cents, currency, status, created_at, updated_at, invoice_id, email, description,
  import_id, method, amount_refunded_cents, refunded_at, disputed_amount_cents, dispute_status, disputed_at)
SELECT payment_id, account_id, ${cents('amount')}, lower(currency), status, ${epochMs('created_at')},
  ${epochMs('coalesce(updated_at, created_at)')}, invoice_id, email, description, 1, payment_method, ${cents('amount_refunded')},
  ${epochMs('refunded_at')}, ${cents('disputed_amount')}, dispute_status, ${epochMs('disputed_at')}
FROM stage_payments;
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
