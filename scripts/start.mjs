#!/usr/bin/env node
// `npm start`: the desktop app, with the demo data on first launch. When Electron's binary has not been downloaded
// yet, Electron's own installer fetches it (bounded wait, progress); only when that fails does it say why in one
// line and start browser mode instead. better-sqlite3 is rebuilt for Electron only on the way into Electron, and
// for Node again on the way into browser mode.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_TIMEOUT_MS, findOrInstallElectron, progressPrinter } from './start/electron-runtime.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args, options = {}) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32', ...options });

if (!fs.existsSync(path.join(root, 'dist', 'main', 'cli', 'index.js')) || !fs.existsSync(path.join(root, 'dist', 'renderer', 'index.html'))) {
  if (run('npm', ['run', '--silent', 'build']).status !== 0) process.exit(1);
}

function sqliteLoadsHere() {
  try {
    const Database = createRequire(path.join(root, 'package.json'))('better-sqlite3');
    new Database(':memory:').close();
    return true;
  } catch {
    return false;
  }
}

function browserMode(reason) {
  console.log(`The Electron runtime is not available here (${reason}); starting browser mode instead.`);
  // A desktop start leaves better-sqlite3 built for Electron; browser mode runs under this Node (as scripts/test.mjs).
  if (!sqliteLoadsHere()) {
    console.log('better-sqlite3 is not built for this Node; rebuilding it from source (about a minute)');
    if (run('npm', ['rebuild', 'better-sqlite3', '--build-from-source']).status !== 0) process.exit(1);
  }
  const child = spawn(process.execPath, [path.join(root, 'bin', 'paydesk.js'), 'serve', '--demo', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
  const stop = () => child.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  child.on('exit', (code) => process.exit(code ?? 0));
}

const seconds = Number(process.env.PAYDESK_ELECTRON_INSTALL_TIMEOUT);
const progress = progressPrinter(process.stdout);
const electron = await findOrInstallElectron({
  electronDir: path.join(root, 'node_modules', 'electron'),
  timeoutMs: seconds > 0 ? seconds * 1000 : DEFAULT_TIMEOUT_MS,
  env: process.env,
  log: (line) => console.log(line),
  onProgress: progress.onProgress,
});
progress.done();

if (!electron.ok) {
  browserMode(electron.reason);
} else {
  if (electron.installed) console.log(`Electron installed: ${electron.path}`);
  // The native SQLite module must match Electron's ABI; the test command, the CLI and browser mode want Node's back.
  if (run('npx', ['electron-builder', 'install-app-deps']).status !== 0) {
    browserMode('better-sqlite3 could not be rebuilt for Electron');
  } else {
    const child = spawn(electron.path, [root], { cwd: root, stdio: 'inherit' });
    child.on('exit', (code) => process.exit(code ?? 0));
  }
}
