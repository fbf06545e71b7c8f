#!/usr/bin/env node
// The first import (payments + ledger) of two builds side by side, alternating, each in a fresh process on a fresh
// database: wall time, CPU time (user + system, all threads: less moved by other processes' load) and peak RSS.
// With --snapshot DB, each run imports the newer snapshot (DATA_DIR/payments_newer.csv) into a fresh copy of DB,
// a database that has had the first import.
// Each checkout must be built and have the bench data in the given folders (`npm run bench` writes it).
// Usage: node scripts/bench/compare-import.mjs LABEL=CHECKOUT:DATA_DIR... [--rounds N] [--work DIR] [--snapshot DB]
// e.g.   node scripts/bench/compare-import.mjs before=/tmp/paydesk-before:/tmp/bench-v1 after=.:/tmp/bench-v1
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args.splice(i, 2)[1];
};
const rounds = Number(option('--rounds', '2'));
const givenWork = option('--work', undefined);
const snapshotOf = option('--snapshot', undefined);
const work = givenWork ?? fs.mkdtempSync(path.join(os.tmpdir(), 'paydesk-compare-'));
fs.mkdirSync(work, { recursive: true });
const builds = args.map((arg) => {
  const [label, rest] = arg.split('=');
  const [checkout, data] = rest.split(':');
  return { label, checkout: path.resolve(checkout), data: path.resolve(data), runs: [] };
});
if (builds.length === 0) {
  console.error('usage: compare-import.mjs LABEL=CHECKOUT:DATA_DIR... [--rounds N] [--work DIR]');
  process.exit(2);
}

function importOnce({ checkout, data }) {
  const db = path.join(work, 'compare.db');
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(db + suffix, { force: true });
  if (snapshotOf) fs.copyFileSync(snapshotOf, db);
  const files = snapshotOf ? ['payments_newer.csv'] : ['payments.csv', 'ledger.csv'];
  const load = os.loadavg()[0];
  const script = path.join(checkout, 'scripts', 'bench', 'child-import.mjs');
  const result = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', process.execPath, script, db, ...files.map((file) => path.join(data, file))], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`import with ${checkout} failed: ${result.stderr}`);
  const [wall, user, system, rssKb] = result.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { load, wall, cpu: user + system, rssMb: rssKb / 1024 };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const row = (r) => `${r.wall.toFixed(1)} s / ${r.cpu.toFixed(1)} s / ${r.rssMb.toFixed(0)} MB`;

console.log(`| run | ${builds.map((b) => `${b.label}: wall / CPU / peak RSS (load at start)`).join(' | ')} |`);
console.log(`|---|${builds.map(() => '---').join('|')}|`);
for (let round = 1; round <= rounds; round++) {
  const cells = builds.map((build) => {
    const run = importOnce(build);
    build.runs.push(run);
    return `${row(run)} (${run.load.toFixed(1)})`;
  });
  console.log(`| ${round} | ${cells.join(' | ')} |`);
}
const medians = builds.map((b) => row({ wall: median(b.runs.map((r) => r.wall)), cpu: median(b.runs.map((r) => r.cpu)), rssMb: median(b.runs.map((r) => r.rssMb)) }));
console.log(`| median | ${medians.join(' | ')} |`);
if (givenWork === undefined) fs.rmSync(work, { recursive: true, force: true });
