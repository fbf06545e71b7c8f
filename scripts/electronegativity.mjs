#!/usr/bin/env node
// Electronegativity (Doyensec's Electron security scanner) over the main/ and renderer/ sources, scanned as one
// app so its global checks see both sides. Fails on any finding of medium severity or above that
// security/electronegativity-allow.json does not explain, on a file it could not parse, and on an allow-list
// entry that no longer matches anything (so the list stays reviewed).
//
// Its runner is called directly: its CLI breaks on the project's commander 14 (it requires commander without
// depending on it) and its SARIF output drops the severities. It never reaches the network here: its one
// online check (newer Electron releases) is excluded and its HTTP client is replaced by one that fails.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const require = createRequire(import.meta.url);
const allowFile = path.join(root, 'security', 'electronegativity-allow.json');
const SOURCES = ['main', 'renderer/index.html', 'renderer/src'];
const MEDIUM = 2;

const scannerDir = path.dirname(require.resolve('@doyensec/electronegativity/package.json'));
const gotFile = require.resolve('got', { paths: [scannerDir] });
const offline = () => Promise.reject(new Error('electronegativity may not use the network here'));
require.cache[gotFile] = { id: gotFile, filename: gotFile, loaded: true, exports: Object.assign(offline, { default: offline }) };
process.env.LANG = 'en-US';
const scan = require(path.join(scannerDir, 'dist', 'runner.js'));

const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'paydesk-electronegativity-'));
for (const source of SOURCES) fs.cpSync(path.join(root, source), path.join(tree, source), { recursive: true });
const electronVersion = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).devDependencies.electron.replace(/^[^\d]*/, '');

const log = console.log;
console.log = () => {}; // it prints a line about translations it could not download
let result;
try {
  result = await scan({
    input: tree,
    isRelative: true,
    electronVersionOverride: electronVersion,
    excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
    severitySet: 'informational',
    confidenceSet: 'tentative',
  });
} finally {
  console.log = log;
  fs.rmSync(tree, { recursive: true, force: true });
}

const findings = result.issues.map((issue) => ({
  id: issue.id,
  severity: issue.severity.name,
  severityValue: issue.severity.value,
  confidence: issue.confidence.name,
  file: issue.file === 'N/A' ? null : issue.file.split(path.sep).join('/'),
  line: issue.location?.line ?? null,
  description: issue.description,
}));
const allow = JSON.parse(fs.readFileSync(allowFile, 'utf8')).allow;
const explains = (entry, finding) => entry.id === finding.id && (entry.file ?? null) === finding.file;
const serious = findings.filter((f) => f.severityValue >= MEDIUM);
const unexplained = serious.filter((f) => !allow.some((entry) => explains(entry, f)));
const stale = allow.filter((entry) => !findings.some((f) => explains(entry, f)));
const unreasoned = allow.filter((entry) => typeof entry.reason !== 'string' || entry.reason.trim().length < 20);
const unparsed = result.errors.filter((e) => !e.tolerable);

const where = (f) => `${f.file ?? '(the app)'}${f.line ? `:${f.line}` : ''}`;
console.log(`electronegativity ${require(path.join(scannerDir, 'package.json')).version}, Electron ${electronVersion}: ${result.atomicChecks + result.globalChecks} checks over ${SOURCES.join(', ')}`);
for (const f of findings) {
  const verdict = f.severityValue < MEDIUM ? 'below medium' : unexplained.includes(f) ? 'NOT EXPLAINED' : 'allowed';
  console.log(`  ${f.severity.padEnd(13)} ${f.confidence.padEnd(9)} ${f.id} ${where(f)}: ${verdict}`);
}
for (const e of unparsed) console.log(`  could not parse ${e.file}: ${e.message}`);
for (const entry of stale) console.log(`  allow-list entry matches nothing any more, remove it: ${entry.id} ${entry.file ?? ''}`);
for (const entry of unreasoned) console.log(`  allow-list entry without a real reason: ${entry.id} ${entry.file ?? ''}`);
console.log(`${findings.length} findings, ${serious.length} medium or above, ${serious.length - unexplained.length} of them explained in ${path.relative(root, allowFile)}`);

const failed = unexplained.length + unparsed.length + stale.length + unreasoned.length;
if (failed > 0) console.log(`electronegativity: FAILED (${unexplained.length} unexplained, ${unparsed.length} unparsed, ${stale.length} stale, ${unreasoned.length} without a reason)`);
process.exitCode = failed > 0 ? 1 : 0;
