#!/usr/bin/env node
// Page reads of the flag list tables on a database, then one rebuild of the lists (`npm run bench:ui` leaves none behind; make one with
// `paydesk import --db DB FILE`): warm median of 7 per read, printed. TARGET is a SQLite file or a postgres:// URL.
// Usage: node scripts/bench/list-pages.mjs TARGET
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { openStore } = require('../../dist/main/core/store/open-store.js');
const { duplicatesPage } = require('../../dist/main/core/flag-lists/pages.js');
const { refreshFlagLists } = require('../../dist/main/core/flag-lists/refresh.js');

const store = await openStore(process.argv[2]);
const reads = [
  ['first page', { offset: 0 }],
  ['offset 50,000', { offset: 50_000 }],
  ['offset 99,950', { offset: 99_950 }],
  ['by account desc, offset 99,950', { offset: 99_950, sort: { column: 'account', dir: 'desc' } }],
  ['by decision, offset 99,950', { offset: 99_950, sort: { column: 'review', dir: 'asc' } }],
  ['text filter', { offset: 0, filter: { text: 'user4242' } }],
];
console.log(`duplicates list: ${(await duplicatesPage(store, { offset: 0, limit: 1 })).total.toLocaleString('en')} rows, 50-row pages, warm median of 7`);
for (const [label, query] of reads) {
  const ms = [];
  for (let i = 0; i < 8; i++) {
    const started = performance.now();
    await duplicatesPage(store, { limit: 50, ...query });
    if (i > 0) ms.push(performance.now() - started);
  }
  ms.sort((a, b) => a - b);
  console.log(`${label.padEnd(32)} ${ms[3].toFixed(1)} ms`);
}
// Last, since it rewrites the lists: a full rebuild, as after a change of thresholds.
await store.run('DELETE FROM flag_lists');
console.log(`${'rebuild of all three lists'.padEnd(32)} ${(await refreshFlagLists(store)).ms.toFixed(0)} ms`);
await store.close();
