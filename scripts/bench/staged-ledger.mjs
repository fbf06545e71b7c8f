// Measures a lever not built (docs/benchmarks.md, issue 12, twenty-eighth stop): a ledger export staged by another
// thread while a payments import does its work after the rows, then copied into the ledger in one INSERT … SELECT.
// Imports PAYMENTS into a fresh SQLite database TARGET; MODE `staged` starts staging LEDGER once the payments file
// is nearly read, `after` once its import has returned (the payments import then runs alone). Then copies the
// staged entries into ledger_entries, with its indexes dropped, and rolls that back. Prints JSON (seconds from the
// start). Usage: node scripts/bench/staged-ledger.mjs TARGET PAYMENTS LEDGER staged|after
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
const require = createRequire(import.meta.url);
const { openStore } = require('../../dist/main/core/store/open-store.js');
const { tableIndexes } = require('../../dist/main/core/db/table-indexes.js');

const [target, payments, ledger, mode] = process.argv.slice(2);
if (!['staged', 'after'].includes(mode)) throw new Error('usage: staged-ledger.mjs TARGET PAYMENTS LEDGER staged|after');
const stage = `${target}.stage`;
fs.rmSync(stage, { force: true });
const store = await openStore(target);
const started = process.hrtime.bigint();
const now = () => Number(process.hrtime.bigint() - started) / 1e9;

let staging;
const startStaging = () => {
  if (staging) return;
  const worker = new Worker(new URL('./staged-ledger-worker.mjs', import.meta.url), { workerData: { file: ledger, stage } });
  staging = { startedAt: now(), done: new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject)) };
};
const size = fs.statSync(payments).size;
await store.importFile(payments, {
  mappings: [],
  // The parse worker reads ahead of the inserts: the last 2% of the file is read about when the rows are in.
  onProgress: (p) => mode === 'staged' && p.bytesRead >= 0.98 * size && startStaging(),
});
const paymentsEnd = now();
startStaging();
const staged = await staging.done;
// The worker's message waits for this thread's event loop, blocked in SQLite while the payments import works.
const stagedBy = staging.startedAt + staged.seconds;

const db = store.db;
db.prepare('ATTACH ? AS stage').run(stage);
db.exec('BEGIN IMMEDIATE');
for (const index of tableIndexes(db, 'ledger_entries')) db.exec(`DROP INDEX ${index.name}`);
const copyStart = now();
db.exec(`INSERT INTO ledger_entries (id, account_id, type, amount_cents, currency, created_at, payment_id, import_id)
  SELECT id, account_id, type, amount_cents, currency, created_at, payment_id, 2 FROM stage.le ORDER BY line`);
const copySeconds = now() - copyStart;
db.exec('ROLLBACK');
db.exec('DETACH stage');
await store.close();
fs.rmSync(stage, { force: true });
console.log(JSON.stringify({
  mode, paymentsSeconds: paymentsEnd, stagingStartedAt: staging.startedAt, stagingSeconds: staged.seconds, stagedEntries: staged.entries,
  waitedSeconds: Math.max(0, stagedBy - paymentsEnd), copySeconds,
}));
