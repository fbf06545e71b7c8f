// The worker of staged-ledger.mjs: reads a ledger export on this thread, parsing and binding as a staging parse
// worker would, into a table `le` of a staging database of its own (no journal: it is thrown away).
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
const require = createRequire(import.meta.url);
const Database = require('better-sqlite3');
const { readOutcomes } = require('../../dist/main/core/import/read-outcomes.js');
const { BulkInsert } = require('../../dist/main/core/import/bulk-insert.js');

const { file, stage } = workerData;
const started = process.hrtime.bigint();
const db = new Database(stage);
db.pragma('journal_mode = OFF');
db.pragma('synchronous = OFF');
db.exec(`DROP TABLE IF EXISTS le;
  CREATE TABLE le (id TEXT, account_id TEXT, type TEXT, amount_cents INTEGER, currency TEXT, created_at INTEGER, payment_id TEXT, line INTEGER)`);
const rows = new BulkInsert(db, 'INSERT INTO le VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
let entries = 0;
db.exec('BEGIN');
await readOutcomes(file, [], {
  format: () => undefined,
  outcome(line, outcome) {
    if (outcome.kind !== 'ledger') return;
    const e = outcome.entry;
    rows.add(e.id, e.accountId, e.type, e.amountCents, e.currency, e.createdAt, e.paymentId, line);
    entries++;
  },
  progress() {},
});
rows.flush();
db.exec('COMMIT');
db.close();
parentPort.postMessage({ entries, seconds: Number(process.hrtime.bigint() - started) / 1e9 });
