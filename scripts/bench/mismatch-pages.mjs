#!/usr/bin/env node
// The Mismatches list at 100,000 rows: builds a database whose payments were each credited twice (or over-credited),
// imports it through the real import path, rebuilds the flag lists, then times 50-row page reads (warm median of 7)
// for every sort and filter the screen offers. Prints what it measured; exits 1 when a page takes over 50 ms.
// With `--postgres URL` the SQLite database is copied into that empty team database (`paydesk copy`), whose lists
// are rebuilt and read instead. `--json` prints the figures as one JSON line at the end (for run.mjs).
// Usage: node scripts/bench/mismatch-pages.mjs [--rows 100000] [--postgres URL] [--json]   (after npm run build)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { SqliteStore } = require('../../dist/main/core/store/sqlite-store.js');
const { openStore } = require('../../dist/main/core/store/open-store.js');
const { copyDatabase } = require('../../dist/main/core/store/copy-database.js');
const { mismatchesPage } = require('../../dist/main/core/flag-lists/pages.js');
const { refreshFlagLists } = require('../../dist/main/core/flag-lists/refresh.js');
const { syncPaths } = require('../../dist/main/core/import/sync.js');

const option = (name) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const ROWS = Number(option('--rows') ?? 100_000);
const postgres = option('--postgres');
const json = process.argv.includes('--json');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'paydesk-mismatches-'));
const ID = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
// Deterministic (mulberry32), so that runs compare; ids shaped like a processor's (random, not sequential).
let seed = 42;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const randomId = (prefix) => prefix + Array.from({ length: 24 }, () => ID[Math.floor(random() * ID.length)]).join('');

const start = Date.parse('2026-01-01T00:00:00Z');
const payments = ['payment_id,account_id,amount_cents,currency,status,created_at,email,payment_method'];
const ledger = ['entry_id,account_id,type,amount_cents,currency,created_at,payment_id'];
for (let i = 0; i < ROWS; i++) {
  const id = randomId('ch_');
  const account = `acct_${Math.floor(random() * ROWS / 3)}`;
  const cents = 500 + Math.floor(random() * 200) * 100;
  const created = start + i * 60_000;
  payments.push(`${id},${account},${cents},usd,succeeded,${new Date(created).toISOString()},user${i}@example.com,card`);
  ledger.push(`${randomId('le_')},${account},credit_purchased,${cents},usd,${new Date(created + 20_000).toISOString()},${id}`);
  // every other payment credited twice, the rest over-credited by a varying amount
  const second = i % 2 === 0 ? cents : 100 * (1 + (i % 37));
  if (i % 2 === 0) ledger.push(`${randomId('le_')},${account},credit_purchased,${second},usd,${new Date(created + 40_000).toISOString()},${id}`);
  else ledger[ledger.length - 1] = ledger[ledger.length - 1].replace(`,credit_purchased,${cents},`, `,credit_purchased,${cents + second},`);
}
fs.writeFileSync(path.join(work, 'payments.csv'), payments.join('\n') + '\n');
fs.writeFileSync(path.join(work, 'ledger.csv'), ledger.join('\n') + '\n');

const sqliteFile = path.join(work, 'paydesk.db');
const local = SqliteStore.open(sqliteFile);
await syncPaths(local, [path.join(work, 'payments.csv'), path.join(work, 'ledger.csv')]);
let db = local;
if (postgres) {
  await local.close();
  await copyDatabase(sqliteFile, postgres);
  db = await openStore(postgres);
}
const rebuild = await refreshFlagLists(db);
const total = (await mismatchesPage(db, { offset: 0, limit: 1 })).total;
const last = Math.max(0, total - 50);
const reads = [
  ['first page (largest at stake first)', { offset: 0 }],
  ['middle page', { offset: Math.floor(total / 2) }],
  ['last page', { offset: last }],
  ['by kind, last page', { offset: last, sort: { column: 'kind', dir: 'asc' } }],
  ['by account desc, last page', { offset: last, sort: { column: 'account', dir: 'desc' } }],
  ['by amount, last page', { offset: last, sort: { column: 'amount', dir: 'asc' } }],
  ['by created, last page', { offset: last, sort: { column: 'created', dir: 'desc' } }],
  ['kind filter, middle page', { offset: Math.floor(total / 4), filter: { mismatchKind: 'amount_differs' } }],
];
// A pass over every row in every list (decisions live in another table; the text filter is a substring search):
// measured and printed, held to no target, like the Duplicates figures in docs/benchmarks.md.
const fullPasses = [
  ['by decision, last page', { offset: last, sort: { column: 'review', dir: 'asc' } }],
  ['text filter', { offset: 0, filter: { text: 'user4242@' } }],
];
console.log(`mismatches list${postgres ? ' on PostgreSQL' : ''}: ${total.toLocaleString('en-US')} rows (lists rebuilt in ${rebuild.ms.toFixed(0)} ms), 50-row pages, warm median of 7, ${os.cpus().length} cores, node ${process.version}`);
let slow = 0;
const measured = [];
for (const [label, query] of [...reads, ...fullPasses]) {
  const ms = [];
  for (let i = 0; i < 8; i++) {
    const started = performance.now();
    await mismatchesPage(db, { limit: 50, ...query });
    if (i > 0) ms.push(performance.now() - started);
  }
  ms.sort((a, b) => a - b);
  const held = reads.some(([l]) => l === label);
  const ok = !held || ms[3] <= 50;
  if (!ok) slow++;
  measured.push({ label, ms: ms[3], held });
  console.log(`${label.padEnd(40)} ${ms[3].toFixed(1).padStart(6)} ms ${held ? (ok ? 'ok' : 'over 50 ms') : '(a pass over every row; no target)'}`);
}
await db.close();
if (!process.env.KEEP) fs.rmSync(work, { recursive: true, force: true });
else console.log(work);
console.log(`${reads.length - slow} passed, ${slow} failed`);
if (json) console.log(JSON.stringify({ total, rebuildMs: rebuild.ms, reads: measured }));
process.exitCode = slow === 0 && total >= ROWS ? 0 : 1;
