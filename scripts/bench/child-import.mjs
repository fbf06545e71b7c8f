// One import in a fresh process: prints {seconds, rows, statuses, maxRssMb} as JSON. TARGET is a SQLite file or a
// postgres:// URL (a team database, migrated on open, before the timer starts). Usage: child-import.mjs TARGET FILE...
// While the PostgreSQL import is not built, a team database prints {notBuilt: true, message} instead of a time.
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { openStore } = require('../../dist/main/core/store/open-store.js');
const { syncPaths } = require('../../dist/main/core/import/sync.js');

const [target, ...files] = process.argv.slice(2);
const store = await openStore(target);
let reports;
const started = process.hrtime.bigint();
try {
  reports = await syncPaths(store, files);
} catch (error) {
  if (!/not built yet/.test(error?.message ?? '')) throw error;
  await store.close();
  console.log(JSON.stringify({ notBuilt: true, message: error.message }));
  process.exit(0);
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
await store.close();
console.log(
  JSON.stringify({
    seconds,
    rows: reports.reduce((n, r) => n + r.rows, 0),
    statuses: reports.map((r) => r.status),
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);
