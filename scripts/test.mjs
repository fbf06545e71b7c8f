#!/usr/bin/env node
// The one test command (README, CI): type checks, lint, unit + CLI + db tests (Vitest), then the end-to-end
// suite (Playwright in Debian's Chromium) when present, with a throw-away PostgreSQL cluster for team mode.
// Ends with "N passed, N failed, N skipped".
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCluster } from './pg-cluster.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const results = { passed: 0, failed: 0, skipped: 0 };

// Steps run asynchronously so that SIGINT/SIGTERM handlers run at once (a spawnSync would hold them until the
// whole command had finished) and can stop the PostgreSQL cluster.
let currentStep = null;
function run(cmd, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', ...options });
    currentStep = child;
    child.once('error', (error) => resolve({ status: null, error }));
    child.once('close', (status) => {
      currentStep = null;
      resolve({ status });
    });
  });
}

let cluster = null;
const stopCluster = () => {
  const stopping = cluster;
  cluster = null;
  if (!stopping) return;
  const started = Date.now();
  stopping.stop();
  console.log(`== postgresql: cluster stopped in ${Date.now() - started} ms`);
};
process.on('exit', stopCluster);
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
  process.on(signal, () => {
    currentStep?.kill(signal);
    stopCluster();
    process.exit(code);
  });
}

function record(name, ok) {
  results[ok ? 'passed' : 'failed']++;
  console.log(`== ${name}: ${ok ? 'ok' : 'FAILED'}`);
}

async function step(name, cmd, args, options = {}) {
  console.log(`\n== ${name}`);
  record(name, (await run(cmd, args, options)).status === 0);
}

// better-sqlite3 must be built for this Node, not for Electron (an Electron rebuild leaves the wrong ABI).
const probe = await run(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], { stdio: 'ignore' });
if (probe.status !== 0) {
  console.log('better-sqlite3 is not built for this Node; rebuilding it from source');
  await run('npm', ['rebuild', 'better-sqlite3', '--build-from-source']);
}

await step('build', 'npm', ['run', '--silent', 'build']);
await step('typecheck', 'npm', ['run', '--silent', 'typecheck']);
await step('lint', 'npm', ['run', '--silent', 'lint']);
await step('electronegativity', process.execPath, ['scripts/electronegativity.mjs']);

// Without a cluster the vitest step still runs, with PAYDESK_TEST_PG_URL unset: PAYDESK_REQUIRE_PG makes the
// PostgreSQL tests fail rather than skip (test/support/postgres.ts).
const testEnv = { ...process.env, PAYDESK_REQUIRE_PG: '1' };
delete testEnv.PAYDESK_TEST_PG_URL;
console.log('\n== postgresql: throw-away cluster');
try {
  const started = Date.now();
  // ownerPid: a detached watcher stops the cluster if this process dies without running the handlers above.
  cluster = await startCluster({ ownerPid: process.pid });
  testEnv.PAYDESK_TEST_PG_URL = cluster.url;
  console.log(`${cluster.url} (${cluster.dataDir}), started in ${Date.now() - started} ms`);
} catch (error) {
  console.error(error.message);
}
record('postgresql: throw-away cluster', cluster !== null);

const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'paydesk-test-')), 'vitest.json');
console.log('\n== unit, db and CLI tests (vitest)');
const vitest = await run('npx', ['vitest', 'run', '--reporter=default', `--reporter=json`, `--outputFile.json=${report}`], { env: testEnv });
if (fs.existsSync(report)) {
  const json = JSON.parse(fs.readFileSync(report, 'utf8'));
  results.passed += json.numPassedTests;
  results.failed += json.numFailedTests + (json.numFailedTestSuites ?? 0);
  results.skipped += json.numPendingTests + (json.numTodoTests ?? 0);
} else {
  results.failed++;
}
if (vitest.status !== 0 && results.failed === 0) results.failed++;

// A 50,000-payment run of `npm run bench`: fails when the import gets about three times slower than sqlite3's.
await step('import speed against sqlite3 .import (small bench)', process.execPath, ['scripts/bench/run.mjs', '--small'], { env: testEnv });

if (fs.existsSync(path.join(root, 'playwright.config.ts'))) {
  const e2eReport = path.join(path.dirname(report), 'e2e.json');
  console.log('\n== end-to-end tests (playwright, chromium)');
  const e2e = await run('npx', ['playwright', 'test'], { env: { ...testEnv, PLAYWRIGHT_JSON_OUTPUT_NAME: e2eReport } });
  if (fs.existsSync(e2eReport)) {
    const stats = JSON.parse(fs.readFileSync(e2eReport, 'utf8')).stats;
    results.passed += stats.expected + stats.flaky;
    results.failed += stats.unexpected;
    results.skipped += stats.skipped;
  }
  if (e2e.status !== 0 && !fs.existsSync(e2eReport)) results.failed++;
}

stopCluster();
console.log(`\n${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped`);
process.exitCode = results.failed === 0 ? 0 : 1;
