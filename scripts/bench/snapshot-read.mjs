#!/usr/bin/env node
// What a snapshot's parse costs a row, on one thread: reads FILE (a payments export) the way a parse worker does
// (readOutcomes: split, hash, look up in the stored set, read in full what is not stored) against the row hashes
// stored in DB, ROUNDS times, and prints each round's time and outcome counts. A parse worker does half of this
// beside the importing thread; here nothing else competes for the core.
// Usage: node scripts/bench/snapshot-read.mjs DB FILE [ROUNDS] (after npm run build:node)
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const Database = require('better-sqlite3');
const { readOutcomes } = require('../../dist/main/core/import/read-outcomes.js');
const { storedRowHashes } = require('../../dist/main/core/import/store.js');
const { rowHashSetOf } = require('../../dist/main/core/import/row-hash-set.js');

const [dbFile, file, rounds = '4'] = process.argv.slice(2);
if (!dbFile || !file) {
  console.error('usage: node scripts/bench/snapshot-read.mjs DB FILE [ROUNDS]');
  process.exit(2);
}

const db = new Database(dbFile, { readonly: true });
const stored = await rowHashSetOf(storedRowHashes(db));
db.close();
for (let round = 1; round <= Number(rounds); round++) {
  const counts = {};
  const started = performance.now();
  await readOutcomes(file, [], {
    format: () => stored,
    outcome: (_line, outcome) => (counts[outcome.kind] = (counts[outcome.kind] ?? 0) + 1),
    progress: () => {},
  });
  const ms = performance.now() - started;
  const rows = Object.values(counts).reduce((a, b) => a + b, 0);
  console.log(`round ${round}: ${ms.toFixed(0)} ms, ${((ms * 1000) / rows).toFixed(2)} µs a row`, JSON.stringify(counts));
}
