#!/usr/bin/env node
// `npm start`: the desktop app, with the demo data on first launch. Where the Electron runtime cannot be
// obtained (no network, as on locked-down machines), says so in one line and starts browser mode instead.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });

if (!fs.existsSync(path.join(root, 'dist', 'main', 'cli', 'index.js')) || !fs.existsSync(path.join(root, 'dist', 'renderer', 'index.html'))) {
  if (run('npm', ['run', '--silent', 'build']).status !== 0) process.exit(1);
}

// Never require('electron') here: without its binary that starts a download.
function electronBinary() {
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const names = process.platform === 'darwin' ? ['Electron.app/Contents/MacOS/Electron'] : process.platform === 'win32' ? ['electron.exe'] : ['electron'];
    return names.map((n) => path.join(override, n)).find((p) => fs.existsSync(p)) ?? null;
  }
  const pathTxt = path.join(root, 'node_modules', 'electron', 'path.txt');
  if (!fs.existsSync(pathTxt)) return null;
  const binary = path.join(root, 'node_modules', 'electron', 'dist', fs.readFileSync(pathTxt, 'utf8').trim());
  return fs.existsSync(binary) ? binary : null;
}

const binary = electronBinary();
if (binary) {
  // The native SQLite module must match Electron's ABI; the test command rebuilds it for Node again.
  run('npx', ['electron-builder', 'install-app-deps']);
  const child = spawn(binary, [root], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log('The Electron runtime is not available here (it needs a download); starting browser mode instead.');
  const child = spawn(process.execPath, [path.join(root, 'bin', 'paydesk.js'), 'serve', '--demo', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
  const stop = () => child.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  child.on('exit', (code) => process.exit(code ?? 0));
}
