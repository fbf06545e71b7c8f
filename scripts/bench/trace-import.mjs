// Where an import's time goes, statement by statement: wraps better-sqlite3's exec and statements' run/get/all with
// a timer, imports the files into TARGET (a SQLite file) and prints the 25 slowest statements with their total
// seconds and call counts, then peak RSS. The wrapper adds about 10 µs a call, so per-row inserts read high.
// Usage: node scripts/bench/trace-import.mjs [--one-sync-per-file] TARGET FILE... (after npm run build:node)
//   --one-sync-per-file  one sync per file, in the order given (a sync puts payments exports before a ledger)
//   NOCKPT=1             no WAL checkpoint at each commit; one at the end, timed on its own
//   TIMELINE=1           also prints each statement of 15 ms or more as it ends: its start (seconds since the
//                        wrapper loaded) and duration, to see where the importing thread waited
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const Database = require('better-sqlite3');

const stats = new Map();
const loaded = performance.now();
const record = (sql, ms) => {
  if (process.env.TIMELINE && ms >= 15) {
    const start = (performance.now() - loaded - ms) / 1000;
    console.log(`@${start.toFixed(3)} s +${(ms / 1000).toFixed(3)} s ${sql.replace(/\s+/g, ' ').trim().slice(0, 80)}`);
  }
  const key = sql.replace(/\s+/g, ' ').trim().slice(0, 110);
  const entry = stats.get(key) ?? { calls: 0, ms: 0 };
  entry.calls++;
  entry.ms += ms;
  stats.set(key, entry);
};
const timed = (sql, run) => {
  const started = performance.now();
  try {
    return run();
  } finally {
    record(sql, performance.now() - started);
  }
};
const exec = Database.prototype.exec;
Database.prototype.exec = function (sql) {
  return timed(sql, () => exec.call(this, sql));
};
const prepare = Database.prototype.prepare;
Database.prototype.prepare = function (sql) {
  const statement = prepare.call(this, sql);
  for (const method of ['run', 'get', 'all']) {
    const original = statement[method];
    statement[method] = function (...args) {
      return timed(sql, () => original.apply(this, args));
    };
  }
  return statement;
};

const { openStore } = require('../../dist/main/core/store/open-store.js');
const { syncPaths } = require('../../dist/main/core/import/sync.js');

const args = process.argv.slice(2);
const oneSyncPerFile = args[0] === '--one-sync-per-file';
const [target, ...files] = oneSyncPerFile ? args.slice(1) : args;
const store = await openStore(target);
if (process.env.NOCKPT) store.db.pragma('wal_autocheckpoint = 0');
const started = performance.now();
const reports = [];
for (const batch of oneSyncPerFile ? files.map((file) => [file]) : [files]) reports.push(...(await syncPaths(store, batch)));
if (process.env.NOCKPT) {
  const checkpoint = performance.now();
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  console.log(`final checkpoint: ${((performance.now() - checkpoint) / 1000).toFixed(2)} s`);
}
const seconds = (performance.now() - started) / 1000;
await store.close();
console.log(`total ${seconds.toFixed(1)} s:`, reports.map((r) => `${r.path} ${r.status} ${(r.durationMs / 1000).toFixed(1)} s`).join(', '));
console.log('seconds    calls  statement');
for (const [sql, { calls, ms }] of [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) {
  console.log(`${(ms / 1000).toFixed(2).padStart(7)} ${String(calls).padStart(8)}  ${sql}`);
}
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
