// Where `npm start` gets Electron from: the binary the electron package has already installed, or else
// Electron's own installer (node_modules/electron/install.js, which honours ELECTRON_MIRROR, .npmrc's
// electron_mirror and the download cache), run with a bounded wait and progress. Never require('electron')
// here: from plain Node that starts a download nobody bounded.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const DEFAULT_TIMEOUT_MS = 10 * 60_000;
export const DEFAULT_STALL_MS = 60_000;
const POLL_MS = 250;

/** The executable inside dist/, as install.js writes it to path.txt. */
function executableName(platform = process.platform) {
  if (platform === 'darwin') return 'Electron.app/Contents/MacOS/Electron';
  if (platform === 'win32') return 'electron.exe';
  return 'electron';
}

function readText(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function packageVersion(electronDir) {
  const text = readText(path.join(electronDir, 'package.json'));
  return text ? JSON.parse(text).version : null;
}

/**
 * The Electron executable that is already there, or null. Same test as install.js's isInstalled(): dist/version
 * is the package's version, path.txt names this platform's executable, and that file exists.
 */
export function installedElectron(electronDir, env = process.env) {
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const binary = path.join(override, executableName());
    return fs.existsSync(binary) ? binary : null;
  }
  const version = packageVersion(electronDir);
  const distVersion = readText(path.join(electronDir, 'dist', 'version'));
  if (!version || distVersion === null || distVersion.trim().replace(/^v/, '') !== version) return null;
  if (readText(path.join(electronDir, 'path.txt'))?.trim() !== executableName()) return null;
  const binary = path.join(electronDir, 'dist', executableName());
  return fs.existsSync(binary) ? binary : null;
}

// @electron/get's lookup of a setting: .npmrc (through npm's environment), package.json config, then ELECTRON_*.
function electronSetting(env, camel) {
  const snake = camel.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  return (
    env[`npm_config_electron_${camel.toLowerCase()}`] ||
    env[`NPM_CONFIG_ELECTRON_${snake.toUpperCase()}`] ||
    env[`npm_config_electron_${snake}`] ||
    env[`npm_package_config_electron_${camel}`] ||
    env[`npm_package_config_electron_${snake}`] ||
    env[`ELECTRON_${snake.toUpperCase()}`] ||
    undefined
  );
}

/** The URL install.js downloads from (for the messages and the failure's cause; the installer computes its own). */
export function electronDownloadUrl(version, env = process.env) {
  const platform = env.ELECTRON_INSTALL_PLATFORM || env.npm_config_platform || process.platform;
  const arch = env.ELECTRON_INSTALL_ARCH || env.npm_config_arch || process.arch;
  const tag = `v${version}`;
  const base = electronSetting(env, 'mirror') || 'https://github.com/electron/electron/releases/download/';
  const dir = (electronSetting(env, 'customDir') || tag).replace('{{ version }}', version);
  const file = electronSetting(env, 'customFilename') || `electron-${tag}-${platform}-${arch}.zip`;
  return `${base}${dir}/${file}`;
}

function hostOf(url) {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function bytesUnder(dir) {
  let total = 0;
  let entries = [];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += bytesUnder(full);
    else {
      try {
        total += fs.statSync(full).size;
      } catch {
        // moved into the cache meanwhile
      }
    }
  }
  return total;
}

/** The installer's error in one line: the first line of the stack it prints, without Node's warnings. */
export function installerError(stderr) {
  const lines = stderr.split(/\r?\n/).map((l) => l.trim());
  const useful = lines.filter((l) => l && !l.startsWith('at ') && !l.startsWith('(node:') && !l.startsWith('(Use `node'));
  const line = useful.find((l) => /^\w*Error\b/.test(l)) ?? useful[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

// install.js prints only err.stack, and fetch's "fetch failed" keeps its cause (DNS, refused, TLS) out of it:
// ask once more, briefly, to say why.
async function networkCause(url) {
  try {
    await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(3000) });
    return null;
  } catch (error) {
    if (error?.name === 'TimeoutError') return `no answer from ${hostOf(url)} within 3 s`;
    return error?.cause?.message ?? error?.message ?? null;
  }
}

function killTree(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }, 2000).unref();
}

/**
 * The Electron executable, installing it with Electron's own installer when it is missing.
 *
 * @param {object} options
 * @param {string} options.electronDir the electron package (node_modules/electron)
 * @param {number} [options.timeoutMs] gives up after this long in all
 * @param {number} [options.stallMs] gives up when the download has not grown for this long
 * @param {NodeJS.ProcessEnv} [options.env] the installer's environment (ELECTRON_MIRROR, electron_config_cache, ...)
 * @param {(line: string) => void} [options.log] one line per step
 * @param {(p: { bytes: number, elapsedMs: number }) => void} [options.onProgress] while downloading, a few times a second
 * @returns {Promise<{ ok: true, path: string, installed: boolean } | { ok: false, reason: string }>}
 */
export async function findOrInstallElectron({
  electronDir,
  timeoutMs = DEFAULT_TIMEOUT_MS,
  stallMs = DEFAULT_STALL_MS,
  env = process.env,
  log = () => {},
  onProgress = () => {},
}) {
  const present = installedElectron(electronDir, env);
  if (present) return { ok: true, path: present, installed: false };
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    return { ok: false, reason: `ELECTRON_OVERRIDE_DIST_PATH (${env.ELECTRON_OVERRIDE_DIST_PATH}) has no ${executableName()}` };
  }
  const installer = path.join(electronDir, 'install.js');
  const version = packageVersion(electronDir);
  if (!version || !fs.existsSync(installer)) return { ok: false, reason: `the electron package is not installed in ${electronDir} (run npm ci)` };
  if (env.ELECTRON_SKIP_BINARY_DOWNLOAD && env.ELECTRON_SKIP_BINARY_DOWNLOAD !== '0') {
    return { ok: false, reason: 'ELECTRON_SKIP_BINARY_DOWNLOAD is set, so its binary is not downloaded' };
  }

  const url = electronDownloadUrl(version, env);
  log(`Electron ${version} is not downloaded yet: fetching it from ${hostOf(url)} with Electron's installer (gives up after ${Math.round(timeoutMs / 1000)} s).`);
  // The installer downloads into os.tmpdir(): a directory of our own shows how far it has got, and goes away after.
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'paydesk-electron-'));
  const started = Date.now();
  const child = spawn(process.execPath, [installer], {
    cwd: electronDir,
    env: { ...env, TMPDIR: temp, TMP: temp, TEMP: temp, ELECTRON_GET_NO_PROGRESS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    windowsHide: true,
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));

  let bytes = 0;
  let grewAt = started;
  let gaveUp = null;
  const timer = setInterval(() => {
    const now = Date.now();
    const seen = bytesUnder(temp);
    if (seen > bytes) {
      bytes = seen;
      grewAt = now;
    }
    if (bytes > 0) onProgress({ bytes, elapsedMs: now - started });
    if (now - started >= timeoutMs) gaveUp = `Electron's installer had not finished after ${Math.round(timeoutMs / 1000)} s`;
    else if (now - grewAt >= stallMs) gaveUp = `the download from ${hostOf(url)} made no progress for ${Math.round(stallMs / 1000)} s`;
    if (gaveUp) {
      clearInterval(timer);
      killTree(child);
    }
  }, POLL_MS);

  const status = await new Promise((resolve) => {
    child.on('error', (error) => resolve({ error }));
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  clearInterval(timer);
  fs.rmSync(temp, { recursive: true, force: true });

  if (gaveUp) return { ok: false, reason: gaveUp };
  if (status.error) return { ok: false, reason: `could not run Electron's installer: ${status.error.message}` };
  if (status.code === 0) {
    const installed = installedElectron(electronDir, env);
    if (installed) return { ok: true, path: installed, installed: true };
    return { ok: false, reason: `Electron's installer finished but ${path.join(electronDir, 'dist', executableName())} is not there` };
  }
  const error = installerError(output) || `Electron's installer exited with ${status.code ?? status.signal}`;
  if (/fetch failed/.test(error)) {
    const cause = await networkCause(url);
    return { ok: false, reason: `downloading ${url} failed${cause ? `: ${cause}` : ''}` };
  }
  return { ok: false, reason: `Electron's installer failed: ${error}` };
}

/** Progress for a terminal: one line rewritten in place on a TTY, else a line every 10 s. */
export function progressPrinter(stream = process.stdout) {
  let lastLine = 0;
  let drawn = false;
  return {
    onProgress({ bytes, elapsedMs }) {
      const size = bytes < 1e6 ? `${Math.round(bytes / 1e3)} kB` : `${(bytes / 1e6).toFixed(1)} MB`;
      const text = `  downloading Electron: ${size}, ${Math.round(elapsedMs / 1000)} s`;
      if (stream.isTTY) {
        stream.write(`\r${text}\x1b[K`);
        drawn = true;
      } else if (elapsedMs - lastLine >= 10_000) {
        lastLine = elapsedMs;
        stream.write(`${text}\n`);
      }
    },
    done() {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}
