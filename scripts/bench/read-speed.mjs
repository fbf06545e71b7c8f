#!/usr/bin/env node
// How long reading an export takes on one thread, without a database: readOutcomes (CSV parse, validation,
// money, times, row hashes) over each file given, in order. Prints the milliseconds and outcomes of each.
// Usage: node scripts/bench/read-speed.mjs FILE... (after npm run build:node)
import { readOutcomes } from '../../dist/main/core/import/read-outcomes.js';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node scripts/bench/read-speed.mjs FILE...');
  process.exit(2);
}
for (const file of files) {
  const started = performance.now();
  let outcomes = 0;
  await readOutcomes(file, [], { format: () => undefined, outcome: () => void outcomes++, progress: () => {} });
  console.log(`${file}: ${(performance.now() - started).toFixed(0)} ms, ${outcomes} outcomes`);
}
