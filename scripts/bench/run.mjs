#!/usr/bin/env node
// `npm run bench`: paydesk's import and queries against the sqlite3 shell's `.import` of the same files, median of
// N runs each, with targets (issues 4 and 12); exits 1 when a target is missed. The files are shaped like real
// exports (write-stripe-exports.mjs): a Stripe Dashboard payments export with random `ch_`/`py_` ids, newest first,
// and a ledger export naming the `pi_` ids. The reference to beat is what an expert does with the shell: primary
// keys during the load, the secondary indexes after it, a large page cache for the load and then a small one and the
// sorter's helper thread for the index builds (faster than one large cache throughout: 28.4-30.8 s against 36.1-37.1
// s, 2026-11-27); the same load with the indexes created before it is reported beside it for context. Each run
// alternates strong reference, weak reference, paydesk.
// Then the flag lists on the first-imported database (each, and all four at once as `flags --json` computes them)
// and the pages of a 100,000-row list (mismatch-pages.mjs). The app's first visit to such a list is timed in a
// browser by `npm run bench:ui`.
// `--small` runs a 50,000-payment version that checks the ratio only (part of the test command).
// Then the same on PostgreSQL (issue 10, team mode), on a server from postgres.mjs: psql's \copy of the same files
// plus the indexes after it as the reference, paydesk's import into a fresh team database, the flag queries and
// the pages of a 100,000-row list. `--no-postgres` leaves that section out (and says so).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { columnName, csvCells, headerOf } from './csv-columns.mjs';
import { writeNewerSnapshot } from './newer-snapshot.mjs';
import { STRIPE_HEADER, writeStripeBenchExports } from './write-stripe-exports.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1];
};
const small = args.includes('--small');
const withPostgres = !args.includes('--no-postgres');
const paymentCount = Number(option('--payments', small ? '50000' : '1000000'));
const runs = Number(option('--runs', small ? '1' : '3'));
const work = option('--dir', path.join(os.tmpdir(), `paydesk-bench-${paymentCount}`));
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * What a command cost besides its wall time, on Linux: the CPU seconds of the child processes it ran and waited for
 * (/proc/self/stat's cutime and cstime), and the seconds in which some task waited for I/O (pressure stall
 * information). They tell a slow hour (more CPU for the same work) from a wait on the disk. Empty where either is
 * missing.
 */
function costOf(run) {
  const read = () => {
    try {
      const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
      const ticksPerSecond = 100; // USER_HZ, 100 on every Linux Node supports
      const cpu = (Number(fields[13]) + Number(fields[14])) / ticksPerSecond;
      const ioStall = Number(/^some .*total=(\d+)/m.exec(fs.readFileSync('/proc/pressure/io', 'utf8'))?.[1]) / 1e6;
      return Number.isFinite(cpu) && Number.isFinite(ioStall) ? { cpu, ioStall } : null;
    } catch {
      return null;
    }
  };
  const before = read();
  const value = run();
  const after = read();
  return { value, cost: before && after ? { cpuSeconds: after.cpu - before.cpu, ioStallSeconds: after.ioStall - before.ioStall } : {} };
}

/** Runs a bench script in a fresh process and returns the JSON of its last line. */
function node(script, ...scriptArgs) {
  return nodeScript(script, scriptArgs, [0]);
}

function nodeScript(script, scriptArgs, okStatuses) {
  const result = spawnSync(process.execPath, [path.join(here, script), ...scriptArgs], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (!okStatuses.includes(result.status)) throw new Error(`${script} failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop());
}

function freshDb(name) {
  const file = path.join(work, `${name}.db`);
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
  return file;
}

/** Rows of the payments file: all, those with an id (what a table keyed on id takes), and the live ones with an id (what paydesk imports). */
async function paymentRows(file) {
  const counts = { rows: 0, withId: 0, live: 0 };
  let c;
  for await (const line of readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity })) {
    const cells = csvCells(line);
    if (!c) c = { id: cells.indexOf('id'), mode: cells.indexOf('Mode') };
    else {
      counts.rows++;
      if (cells[c.id] === '') continue;
      counts.withId++;
      if (cells[c.mode].toLowerCase() !== 'test') counts.live++;
    }
  }
  return counts;
}

async function lineCount(file) {
  let n = 0;
  for await (const chunk of fs.createReadStream(file)) for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n++;
  return n;
}

/**
 * Set before the reference builds its indexes after the load: the page cache sizes the sorter's runs, and small runs
 * sort in the CPU's caches while a helper thread sorts the previous one (what paydesk's import does too).
 */
const SORTED_INDEX_BUILDS = `PRAGMA cache_size = -4096;
PRAGMA threads = 1;`;

/**
 * The sqlite3 shell's load of the two files: one TEXT column per file column (snake_case of the header), the
 * primary keys during the load, and paydesk's secondary indexes as far as text columns allow them — after the load
 * (`indexes: 'after'`, the strong reference) or before it ('before', the weak one). Abandoned checkouts have an
 * empty id: the shell reports all but the first as a UNIQUE failure on stderr and goes on, as paydesk ignores them.
 */
function sqliteReference(files, expected, indexes) {
  const db = freshDb(`reference-${indexes}`);
  const script = path.join(work, `reference-${indexes}.sql`);
  const p = Object.fromEntries(headerOf(files.payments).map((h) => [h, columnName(h)]));
  const paymentColumns = Object.values(p).map((c) => (c === 'id' ? 'id TEXT PRIMARY KEY' : `${c} TEXT`));
  const secondary = `CREATE INDEX payments_by_created ON payments (${p['Created date (UTC)']});
CREATE INDEX payments_by_purchase ON payments (${p['account_id (metadata)']}, ${p.Currency}, ${p.Amount}, ${p['Created date (UTC)']}, id, ${p.Status});
CREATE INDEX payments_by_alt_id ON payments (${p['PaymentIntent ID']}) WHERE ${p['PaymentIntent ID']} <> '';
CREATE INDEX payments_by_email ON payments (${p['Customer Email']} COLLATE NOCASE) WHERE ${p['Customer Email']} <> '';
CREATE INDEX ledger_by_payment ON ledger_entries (payment_id, type, created_at) WHERE payment_id <> '';
CREATE INDEX ledger_by_account ON ledger_entries (account_id, created_at);`;
  fs.writeFileSync(
    script,
    `PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
PRAGMA cache_size = -200000;
CREATE TABLE payments (${paymentColumns.join(', ')});
CREATE TABLE ledger_entries (entry_id TEXT PRIMARY KEY, account_id TEXT, type TEXT, amount TEXT, currency TEXT,
  created_at TEXT, payment_id TEXT);
${indexes === 'before' ? secondary : ''}
.import --csv --skip 1 ${files.payments} payments
.import --csv --skip 1 ${files.ledger} ledger_entries
${indexes === 'after' ? `${SORTED_INDEX_BUILDS}\n${secondary}` : ''}
`,
  );
  const started = process.hrtime.bigint();
  const result = spawnSync('sqlite3', [db], { input: `.read ${script}\n`, encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`sqlite3 failed: ${result.stderr.slice(-2000)}`);
  const counted = spawnSync('sqlite3', [db, "SELECT count(*) FROM payments WHERE id <> ''; SELECT count(*) FROM ledger_entries;"], { encoding: 'utf8' });
  const [payments, ledger] = counted.stdout.trim().split('\n').map(Number);
  if (payments !== expected.payments.withId || ledger !== expected.ledger) {
    throw new Error(`sqlite3 reference (indexes ${indexes}) loaded ${payments} payments and ${ledger} ledger entries, expected ${expected.payments.withId} and ${expected.ledger}`);
  }
  return seconds;
}

fs.mkdirSync(work, { recursive: true });
const files = { payments: path.join(work, 'payments.csv'), ledger: path.join(work, 'ledger.csv'), newer: path.join(work, 'payments_newer.csv') };
const double = path.join(work, 'double');
const stripeFile = (file) => fs.existsSync(file) && headerOf(file).join(',') === STRIPE_HEADER.join(',');
// Files written by an older bench (canonical payments with sequential ids) are written again.
if (![files.payments, files.newer, path.join(double, 'payments.csv')].every(stripeFile) || !fs.existsSync(files.ledger)) {
  console.log(`writing ${paymentCount} payments and about ${2 * paymentCount} ledger entries to ${work} …`);
  writeStripeBenchExports(work, paymentCount, 1);
  await writeNewerSnapshot(files.payments, files.newer);
  writeStripeBenchExports(double, paymentCount * 2, 2, false);
}
const expected = { payments: await paymentRows(files.payments), ledger: (await lineCount(files.ledger)) - 1 };
const rows = expected.payments.rows + expected.ledger;

const strong = [];
const weak = [];
const first = [];
const reimport = [];
const snapshot = [];
/** Each run's wall, CPU and I/O-stall seconds, in the order they ran. */
const costs = [];
const costed = (what, run) => {
  const { value, cost } = costOf(run);
  // The command's own time: the process's start and the reference's row count after it are left out of it.
  costs.push({ what, ...cost, seconds: typeof value === 'number' ? value : value.seconds });
  return value;
};
for (let run = 0; run < runs; run++) {
  strong.push(costed('strong reference', () => sqliteReference(files, expected, 'after')));
  weak.push(costed('weak reference', () => sqliteReference(files, expected, 'before')));
  const db = freshDb('paydesk');
  first.push(costed('paydesk first import', () => node('child-import.mjs', db, files.payments, files.ledger)));
  reimport.push(node('child-import.mjs', db, files.payments, files.ledger));
  snapshot.push(node('child-import.mjs', db, files.newer));
}
const firstSeconds = median(first.map((r) => r.seconds));
const strongSeconds = median(strong);
const weakSeconds = median(weak);
const results = {
  strongSeconds,
  weakSeconds,
  firstSeconds,
  ratio: strongSeconds / firstSeconds,
  weakRatio: weakSeconds / firstSeconds,
  firstRowsPerSecond: rows / firstSeconds,
  firstPeakRssMb: median(first.map((r) => r.maxRssMb)),
  firstStatuses: first[0].statuses,
  reimportSeconds: median(reimport.map((r) => r.seconds)),
  reimportStatuses: reimport[0].statuses,
  snapshotRowsPerSecond: expected.payments.rows / median(snapshot.map((r) => r.seconds)),
  costs,
};

// At 50,000 rows fixed costs (process start, hashing, statistics) weigh more than at a million, so the small
// run is a regression guard against the strong reference: it measured 0.27-0.50 there on 2026-11-26 (7 runs of
// --small on the dist of f44013a plus import work in progress, load 2.6-3.0 from a concurrent bench), so an
// import three times slower than the worst of those falls below 0.09.
const minRatio = small ? 0.09 : 1.0;
const checks = [
  [
    'first import vs sqlite3 .import, indexes after the load (ratio)',
    results.ratio,
    `≥ ${minRatio}`,
    results.ratio >= minRatio && results.firstStatuses.every((s) => s === 'imported'),
  ],
];
if (!small) {
  const onePayments = median(Array.from({ length: runs }, () => node('child-import.mjs', freshDb('rss1'), files.payments).maxRssMb));
  const twoPayments = median(Array.from({ length: runs }, () => node('child-import.mjs', freshDb('rss2'), path.join(double, 'payments.csv')).maxRssMb));
  const queries = {};
  const db = path.join(work, 'paydesk.db');
  for (const what of ['stuck', 'duplicates', 'limited', 'mismatches', 'flags', 'account']) {
    const samples = Array.from({ length: runs }, () => node('child-queries.mjs', db, what));
    queries[what] = { coldMs: median(samples.map((s) => s.coldMs)), warmMs: median(samples.map((s) => s.warmMs)), rows: samples[0].rows };
  }
  const listRows = 100_000;
  const pages = nodeScript('mismatch-pages.mjs', ['--rows', String(listRows), '--json'], [0, 1]);
  Object.assign(results, { rss1xMb: onePayments, rss2xMb: twoPayments, queries, pages });
  checks.push(
    ['re-import skipped by hash (s)', results.reimportSeconds, '< 1', results.reimportSeconds < 1 && results.reimportStatuses.every((s) => s === 'skipped')],
    ['newer snapshot (rows/s)', results.snapshotRowsPerSecond, '≥ 400,000', results.snapshotRowsPerSecond >= 400_000 && snapshot[0].statuses.every((s) => s === 'imported')],
    ['peak RSS, first import (MB)', results.firstPeakRssMb, '≤ 300', results.firstPeakRssMb <= 300],
    ['peak RSS 2× vs 1× payments file (MB)', `${twoPayments.toFixed(0)} vs ${onePayments.toFixed(0)}`, 'within 10%', twoPayments <= onePayments * 1.1],
    ...['stuck', 'duplicates', 'limited', 'mismatches'].flatMap((what) => [
      [`${what} warm (ms)`, queries[what].warmMs, '≤ 500', queries[what].warmMs <= 500],
      [`${what} cold (ms)`, queries[what].coldMs, '≤ 1500', queries[what].coldMs <= 1500],
    ]),
    ['flags, all lists as `flags --json` computes them, warm (ms)', queries.flags.warmMs, '≤ 1000', queries.flags.warmMs <= 1000],
    ['account lookup warm (ms)', queries.account.warmMs, '≤ 20', queries.account.warmMs <= 20],
    slowestPageCheck('', pages, listRows),
  );
}

// PostgreSQL (issue 10). Each load goes into a fresh database; the queries run on a copy of the SQLite bench
// database above (`paydesk copy`), so both stores answer over the same rows.
async function postgresSection() {
  const pgBench = await import('./postgres.mjs');
  const require = createRequire(import.meta.url);
  const { copyDatabase } = require('../../dist/main/core/store/copy-database.js');
  let server;
  try {
    server = await pgBench.benchServer();
  } catch (error) {
    if (process.env.PAYDESK_REQUIRE_PG === '1') throw error;
    return { skipped: `no PostgreSQL server (${error.message.split('\n')[0]}); set PAYDESK_BENCH_PG_URL to use one` };
  }
  try {
    const out = { origin: server.origin, settings: await pgBench.serverSettings(server.url) };
    const script = path.join(work, 'reference-postgres.sql');
    fs.writeFileSync(script, pgBench.referenceScript(files));
    const reference = [];
    const imports = [];
    for (let run = 0; run < runs; run++) {
      const refDb = await pgBench.freshDatabase(server.url, 'reference');
      try {
        reference.push(pgBench.runReference(refDb.url, script));
        out.referenceRows = await pgBench.countRows(refDb.url);
        if (out.referenceRows.payments !== expected.payments.live || out.referenceRows.ledger !== expected.ledger) {
          throw new Error(`psql reference loaded ${JSON.stringify(out.referenceRows)}, expected ${expected.payments.live} live payments with an id and ${expected.ledger} ledger entries`);
        }
      } finally {
        await refDb.drop();
      }
      const importDb = await pgBench.freshDatabase(server.url, 'import');
      try {
        const result = node('child-import.mjs', importDb.url, files.payments, files.ledger);
        if (result.notBuilt) out.importNotBuilt = result.message;
        else imports.push(result);
      } finally {
        await importDb.drop();
      }
      if (out.importNotBuilt) break;
    }
    out.referenceSeconds = median(reference);
    if (imports.length) {
      out.importSeconds = median(imports.map((r) => r.seconds));
      out.importPeakRssMb = median(imports.map((r) => r.maxRssMb));
      out.importStatuses = imports[0].statuses;
    }

    const queriesDb = await pgBench.freshDatabase(server.url, 'queries');
    try {
      const started = process.hrtime.bigint();
      await copyDatabase(path.join(work, 'paydesk.db'), queriesDb.url);
      out.copySeconds = Number(process.hrtime.bigint() - started) / 1e9;
      out.queries = {};
      for (const what of ['stuck', 'duplicates', 'limited', 'mismatches', 'flags', 'account']) {
        const samples = Array.from({ length: runs }, () => node('child-queries.mjs', queriesDb.url, what));
        out.queries[what] = { coldMs: median(samples.map((q) => q.coldMs)), warmMs: median(samples.map((q) => q.warmMs)), rows: samples[0].rows };
      }
    } finally {
      await queriesDb.drop();
    }

    const pagesDb = await pgBench.freshDatabase(server.url, 'pages');
    try {
      out.listRows = small ? 10_000 : 100_000;
      out.pages = nodeScript('mismatch-pages.mjs', ['--rows', String(out.listRows), '--postgres', pagesDb.url, '--json'], [0, 1]);
    } finally {
      await pagesDb.drop();
    }
    return out;
  } finally {
    server.stop();
  }
}
const postgres = withPostgres ? await postgresSection() : { skipped: '--no-postgres' };

/** The check of mismatch-pages.mjs's figures: the slowest page of those held to the 50 ms target. */
function slowestPageCheck(store, pages, listRows) {
  const held = pages.reads.filter((r) => r.held);
  const slowest = held.reduce((a, b) => (b.ms > a.ms ? b : a));
  return [
    `${store}${pages.total.toLocaleString('en-US')}-row list, slowest of ${held.length} 50-row pages (ms)`,
    slowest.ms,
    '≤ 50',
    slowest.ms <= 50 && pages.total >= listRows,
  ];
}

function printPages(pages) {
  console.log(`mismatches list: ${pages.total.toLocaleString('en-US')} rows (lists rebuilt in ${fmt(pages.rebuildMs)} ms), 50-row pages, warm median of 7`);
  for (const r of pages.reads) console.log(`  ${r.label.padEnd(40)} ${fmt(r.ms).padStart(8)} ms${r.held ? '' : '  (a pass over every row; no target)'}`);
}
if (!postgres.skipped) {
  // The small run's ratio is a regression guard, as SQLite's above: at 50,000 rows the import's fixed costs (a
  // transaction per file, the derived columns' statements, a staging table per file) weigh most; it measured
  // 0.23-0.36 there on 2026-11-26 (66b5b2a and ccfb1f4, load 2-13), and 0.31-0.35 on the Stripe-shaped files against
  // the \copy reference that converts them (same dist, load 2.6-2.7), so an import three times slower falls
  // below 0.08.
  const minPostgresRatio = small ? 0.08 : 1.0;
  const ratio = postgres.importSeconds === undefined ? undefined : postgres.referenceSeconds / postgres.importSeconds;
  checks.push([
    'PostgreSQL: first import vs psql \\copy (ratio)',
    ratio ?? 'not yet measured',
    `≥ ${minPostgresRatio}`,
    ratio === undefined ? null : ratio >= minPostgresRatio && postgres.importStatuses.every((s) => s === 'imported'),
  ]);
  for (const what of ['stuck', 'duplicates', 'limited', 'mismatches']) {
    checks.push([`PostgreSQL: ${what} warm (ms)`, postgres.queries[what].warmMs, '≤ 500', postgres.queries[what].warmMs <= 500]);
  }
  checks.push(slowestPageCheck('PostgreSQL: ', postgres.pages, postgres.listRows));
}

const fmt = (v) => (typeof v === 'number' ? (v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(2)) : String(v));
console.log(`\npaydesk bench: ${paymentCount.toLocaleString('en-US')} payments + ${expected.ledger.toLocaleString('en-US')} ledger entries, median of ${runs}, ${os.cpus().length} cores, node ${process.version}, ${new Date().toISOString()}`);
console.log(`files: a Stripe Dashboard payments export (${expected.payments.rows.toLocaleString('en-US')} rows, ${expected.payments.live.toLocaleString('en-US')} live payments with an id, random ch_/py_ ids, newest first) and a ledger export (${expected.ledger.toLocaleString('en-US')} entries, pi_ ids) in ${work}`);
console.log(`sqlite3 .import, primary keys during the load, secondary indexes after (strong reference): ${fmt(results.strongSeconds)} s`);
console.log(`sqlite3 .import, every index during the load (weak reference, for context): ${fmt(results.weakSeconds)} s`);
console.log(`paydesk first import: ${fmt(results.firstSeconds)} s (${fmt(results.firstRowsPerSecond)} rows/s, peak RSS ${fmt(results.firstPeakRssMb)} MB): ${fmt(results.ratio)}× the strong reference's speed, ${fmt(results.weakRatio)}× the weak one's`);
for (const c of results.costs) {
  const cost = c.cpuSeconds === undefined ? '' : `, ${fmt(c.cpuSeconds)} s of CPU (its processes, start to end), ${fmt(c.ioStallSeconds)} s with a task waiting for I/O`;
  console.log(`  ${c.what}: ${fmt(c.seconds)} s wall${cost}`);
}
console.log(`re-import: ${fmt(results.reimportSeconds)} s; newer snapshot: ${fmt(results.snapshotRowsPerSecond)} rows/s`);
if (results.queries) {
  console.log('query                cold ms   warm ms   rows');
  for (const [what, q] of Object.entries(results.queries)) console.log(`${what.padEnd(20)} ${fmt(q.coldMs).padStart(8)}  ${fmt(q.warmMs).padStart(8)}  ${q.rows}`);
  printPages(results.pages);
}
if (postgres.skipped) console.log(`\nPostgreSQL: skipped (${postgres.skipped})`);
else {
  const s = postgres.settings;
  console.log(`\nPostgreSQL ${s.server_version} (${postgres.origin}; shared_buffers ${s.shared_buffers}, maintenance_work_mem ${s.maintenance_work_mem}, max_wal_size ${s.max_wal_size}, fsync ${s.fsync}, synchronous_commit ${s.synchronous_commit}, full_page_writes ${s.full_page_writes})`);
  const importText = postgres.importSeconds === undefined
    ? `not yet measured (${postgres.importNotBuilt})`
    : `${fmt(postgres.importSeconds)} s (${fmt(rows / postgres.importSeconds)} rows/s, peak RSS ${fmt(postgres.importPeakRssMb)} MB)`;
  console.log(`psql \\copy with primary keys during the load, secondary indexes after (reference): ${fmt(postgres.referenceSeconds)} s (${postgres.referenceRows.payments.toLocaleString('en-US')} payments, ${postgres.referenceRows.ledger.toLocaleString('en-US')} ledger entries); paydesk first import: ${importText}`);
  console.log(`paydesk copy of the SQLite bench database into the queries' database: ${fmt(postgres.copySeconds)} s`);
  console.log('query                cold ms   warm ms   rows');
  for (const [what, q] of Object.entries(postgres.queries)) console.log(`${what.padEnd(20)} ${fmt(q.coldMs).padStart(8)}  ${fmt(q.warmMs).padStart(8)}  ${q.rows}`);
  printPages(postgres.pages);
}
console.log('\n| check | measured | target | |\n|---|---|---|---|');
const verdict = (ok) => (ok === null ? 'not measured' : ok ? 'ok' : 'MISSED');
for (const [name, measured, target, ok] of checks) console.log(`| ${name} | ${fmt(measured)} | ${target} | ${verdict(ok)} |`);
const missed = checks.filter((c) => c[3] === false).length;
const unmeasured = checks.filter((c) => c[3] === null).length;
console.log(`\n${checks.length - missed - unmeasured} passed, ${missed} failed${unmeasured ? `, ${unmeasured} not measured` : ''}`);
process.exitCode = missed ? 1 : 0;
