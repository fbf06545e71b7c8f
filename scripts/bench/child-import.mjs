// One import in a fresh process: prints {seconds, rows, statuses, maxRssMb} as JSON.
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { openDb } = require('../../dist/main/core/db/open.js');
const { syncPaths } = require('../../dist/main/core/import/sync.js');

const [dbFile, ...files] = process.argv.slice(2);
const db = openDb(dbFile);
const started = process.hrtime.bigint();
const reports = await syncPaths(db, files);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
db.close();
console.log(
  JSON.stringify({
    seconds,
    rows: reports.reduce((n, r) => n + r.rows, 0),
    statuses: reports.map((r) => r.status),
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);
