#!/usr/bin/env node
// Page reads of the flag list tables on a database, then one rebuild of the lists (`npm run bench:ui` leaves none behind; make one with
// `paydesk import --db DB FILE`): warm median of 7 per read, printed. Usage: node scripts/bench/list-pages.mjs DB
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { openDb } = require('../../dist/main/core/db/open.js');
const { duplicatesPage } = require('../../dist/main/core/flag-lists/pages.js');
const { refreshFlagLists } = require('../../dist/main/core/flag-lists/refresh.js');

const db = openDb(process.argv[2]);
const reads = [
  ['first page', { offset: 0 }],
  ['offset 50,000', { offset: 50_000 }],
  ['offset 99,950', { offset: 99_950 }],
  ['by account desc, offset 99,950', { offset: 99_950, sort: { column: 'account', dir: 'desc' } }],
  ['by decision, offset 99,950', { offset: 99_950, sort: { column: 'review', dir: 'asc' } }],
  ['text filter', { offset: 0, filter: { text: 'user4242' } }],
];
console.log(`duplicates list: ${duplicatesPage(db, { offset: 0, limit: 1 }).total.toLocaleString('en')} rows, 50-row pages, warm median of 7`);
for (const [label, query] of reads) {
  const ms = [];
  for (let i = 0; i < 8; i++) {
    const started = performance.now();
    duplicatesPage(db, { limit: 50, ...query });
    if (i > 0) ms.push(performance.now() - started);
  }
  ms.sort((a, b) => a - b);
  console.log(`${label.padEnd(32)} ${ms[3].toFixed(1)} ms`);
}
// Last, since it rewrites the lists: a full rebuild, as after a change of thresholds.
db.prepare('DELETE FROM flag_lists').run();
console.log(`${'rebuild of all three lists'.padEnd(32)} ${refreshFlagLists(db).ms.toFixed(0)} ms`);
db.close();
