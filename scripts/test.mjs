#!/usr/bin/env node
// The one test command (README, CI): type checks, lint, unit + CLI + db tests (Vitest), then the end-to-end
// suite (Playwright in Debian's Chromium) when present. Ends with "N passed, N failed".
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const results = { passed: 0, failed: 0, skipped: 0 };
const run = (cmd, args, options = {}) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...options });

function step(name, cmd, args) {
  console.log(`\n== ${name}`);
  const ok = run(cmd, args).status === 0;
  results[ok ? 'passed' : 'failed']++;
  console.log(`== ${name}: ${ok ? 'ok' : 'FAILED'}`);
}

// better-sqlite3 must be built for this Node, not for Electron (an Electron rebuild leaves the wrong ABI).
const probe = run(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], { stdio: 'pipe' });
if (probe.status !== 0) {
  console.log('better-sqlite3 is not built for this Node; rebuilding it from source');
  run('npm', ['rebuild', 'better-sqlite3', '--build-from-source']);
}

step('build', 'npm', ['run', '--silent', 'build']);
step('typecheck', 'npm', ['run', '--silent', 'typecheck']);
step('lint', 'npm', ['run', '--silent', 'lint']);
step('electronegativity', process.execPath, ['scripts/electronegativity.mjs']);

const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'paydesk-test-')), 'vitest.json');
console.log('\n== unit, db and CLI tests (vitest)');
const vitest = run('npx', ['vitest', 'run', '--reporter=default', `--reporter=json`, `--outputFile.json=${report}`]);
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
step('import speed against sqlite3 .import (small bench)', process.execPath, ['scripts/bench/run.mjs', '--small']);

if (fs.existsSync(path.join(root, 'playwright.config.ts'))) {
  const e2eReport = path.join(path.dirname(report), 'e2e.json');
  console.log('\n== end-to-end tests (playwright, chromium)');
  const e2e = run('npx', ['playwright', 'test'], { env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: e2eReport } });
  if (fs.existsSync(e2eReport)) {
    const stats = JSON.parse(fs.readFileSync(e2eReport, 'utf8')).stats;
    results.passed += stats.expected + stats.flaky;
    results.failed += stats.unexpected;
    results.skipped += stats.skipped;
  }
  if (e2e.status !== 0 && !fs.existsSync(e2eReport)) results.failed++;
}

console.log(`\n${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped`);
process.exitCode = results.failed === 0 ? 0 : 1;
