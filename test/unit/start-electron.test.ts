// `npm start`'s way to Electron (scripts/start/electron-runtime.mjs) against a local HTTP server as ELECTRON_MIRROR:
// Electron's real installer runs in a copy of node_modules/electron, with its own download cache, and fetches a
// tiny zip holding a fake `electron`. Never the real network, the real cache or the real node_modules/electron.
// Also: the paydesk bin's one line for a better-sqlite3 built for another runtime, through Node's real loader.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findOrInstallElectron, installedElectron, installerError } from '../../scripts/start/electron-runtime.mjs';

const ROOT = path.resolve(__dirname, '../..');
const REAL_ELECTRON = path.join(ROOT, 'node_modules', 'electron');
const VERSION: string = JSON.parse(fs.readFileSync(path.join(REAL_ELECTRON, 'package.json'), 'utf8')).version;
const ZIP_NAME = `electron-v${VERSION}-${process.platform}-${process.arch}.zip`;
const EXECUTABLE = process.platform === 'win32' ? 'electron.exe' : process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : 'electron';
const FAKE_ELECTRON = '#!/bin/sh\necho "fake electron $*"\n';

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
});
function temp(prefix = 'paydesk-electron-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** A zip of stored (uncompressed) entries with Unix modes, which is all Electron's extractor needs. */
function zip(entries: { name: string; data: string; mode: number }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const data = Buffer.from(entry.data);
    const crc = zlib.crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix: the high half of the external attributes is the mode
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((0o100000 | entry.mode) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const ELECTRON_ZIP = zip([
  { name: EXECUTABLE, data: FAKE_ELECTRON, mode: 0o755 },
  { name: 'version', data: VERSION, mode: 0o644 },
]);
const sha256 = (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest('hex');

type MirrorMode = 'ok' | 'slow' | 'missing' | 'hang' | 'corrupt';
interface Mirror {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

/** What @electron/get asks a mirror for: `${mirror}v${version}/${zip}` (and SHASUMS256.txt with remote checksums). */
async function startMirror(mode: MirrorMode): Promise<Mirror> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    if (mode === 'hang') return;
    if (mode === 'missing' || req.url !== `/v${VERSION}/${ZIP_NAME}`) {
      res.writeHead(404).end('not here');
      return;
    }
    const body = mode === 'corrupt' ? Buffer.concat([ELECTRON_ZIP, Buffer.from('tampered')]) : ELECTRON_ZIP;
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': body.length });
    if (mode !== 'slow') return res.end(body);
    const half = Math.floor(body.length / 2);
    res.write(body.subarray(0, half));
    setTimeout(() => res.end(body.subarray(half)), 1200);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A node_modules with a copy of the electron package (its checksums.json knowing the fake zip, as the real one knows
 * the real zips) and links to the installer's own dependencies.
 */
function electronCopy(): string {
  const modules = path.join(temp(), 'node_modules');
  const dir = path.join(modules, 'electron');
  fs.mkdirSync(dir, { recursive: true });
  for (const name of fs.readdirSync(REAL_ELECTRON)) {
    if (['node_modules', 'dist', 'path.txt'].includes(name)) continue;
    fs.cpSync(path.join(REAL_ELECTRON, name), path.join(dir, name), { recursive: true });
  }
  const checksums = JSON.parse(fs.readFileSync(path.join(dir, 'checksums.json'), 'utf8'));
  checksums[ZIP_NAME] = sha256(ELECTRON_ZIP);
  fs.writeFileSync(path.join(dir, 'checksums.json'), JSON.stringify(checksums, null, 2));
  for (const scope of ['@electron', '@electron-internal']) {
    fs.symlinkSync(path.join(ROOT, 'node_modules', scope), path.join(modules, scope), 'junction');
  }
  return dir;
}

/** The installer's environment: this test's mirror and cache, nothing Electron-related from the outside. */
function installerEnv(mirror: Mirror | string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/electron/i.test(key)) env[key] = value;
  return { ...env, ELECTRON_MIRROR: typeof mirror === 'string' ? mirror : mirror.url, electron_config_cache: temp('paydesk-electron-cache-'), ...extra };
}

/** The real electron package, file by file, to prove it is never written. */
function snapshot(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).map((e) => {
    const full = path.join(e.parentPath, e.name);
    return `${full} ${fs.lstatSync(full).mtimeMs}`;
  });
}

describe('npm start: finding or installing Electron', () => {
  const mirrors: Mirror[] = [];
  let realBefore: string[];
  const mirror = async (mode: MirrorMode) => {
    const m = await startMirror(mode);
    mirrors.push(m);
    return m;
  };

  beforeAll(() => {
    realBefore = snapshot(REAL_ELECTRON);
  });
  afterEach(async () => {
    await Promise.all(mirrors.splice(0).map((m) => m.close()));
  });
  afterAll(() => {
    expect(snapshot(REAL_ELECTRON)).toEqual(realBefore);
  });

  it('binary present: uses it, without running the installer', async () => {
    const dir = electronCopy();
    fs.mkdirSync(path.dirname(path.join(dir, 'dist', EXECUTABLE)), { recursive: true });
    fs.writeFileSync(path.join(dir, 'dist', EXECUTABLE), FAKE_ELECTRON, { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'dist', 'version'), VERSION);
    fs.writeFileSync(path.join(dir, 'path.txt'), EXECUTABLE);
    const m = await mirror('ok');
    const lines: string[] = [];

    const result = await findOrInstallElectron({ electronDir: dir, env: installerEnv(m), log: (l) => lines.push(l) });

    expect(result).toEqual({ ok: true, path: path.join(dir, 'dist', EXECUTABLE), installed: false });
    expect(m.requests).toEqual([]);
    expect(lines).toEqual([]);
  });

  it('binary missing and installable: Electron\'s installer fetches it from the mirror, with progress', async () => {
    const dir = electronCopy();
    const m = await mirror('slow');
    const env = installerEnv(m);
    const lines: string[] = [];
    const progress: number[] = [];
    expect(installedElectron(dir, env)).toBeNull();

    const result = await findOrInstallElectron({ electronDir: dir, env, log: (l) => lines.push(l), onProgress: (p) => progress.push(p.bytes) });

    expect(result).toEqual({ ok: true, path: path.join(dir, 'dist', EXECUTABLE), installed: true });
    expect(m.requests).toEqual([`/v${VERSION}/${ZIP_NAME}`]);
    expect(lines).toEqual([`Electron ${VERSION} is not downloaded yet: fetching it from ${new URL(m.url).host} with Electron's installer (gives up after 600 s).`]);
    expect(progress.length).toBeGreaterThan(0);
    expect(Math.max(...progress)).toBeGreaterThan(0);
    expect(fs.readFileSync(path.join(dir, 'path.txt'), 'utf8')).toBe(EXECUTABLE);
    if (process.platform !== 'win32' && result.ok) {
      expect(spawnSync(result.path, ['--app'], { encoding: 'utf8' }).stdout).toBe('fake electron --app\n');
    }
    // The zip went into this test's cache, so a second install would not download again.
    const cache = env.electron_config_cache as string;
    expect(fs.readdirSync(cache, { recursive: true }).map(String).some((f) => f.endsWith(ZIP_NAME))).toBe(true);

    // Next start: present, nothing fetched.
    const again = await findOrInstallElectron({ electronDir: dir, env });
    expect(again).toEqual({ ok: true, path: path.join(dir, 'dist', EXECUTABLE), installed: false });
    expect(m.requests).toHaveLength(1);
  });

  it('binary of another Electron version: counts as missing and is replaced', async () => {
    const dir = electronCopy();
    fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'dist', EXECUTABLE), 'old', { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'dist', 'version'), '1.0.0');
    fs.writeFileSync(path.join(dir, 'path.txt'), EXECUTABLE);
    const m = await mirror('ok');

    const result = await findOrInstallElectron({ electronDir: dir, env: installerEnv(m) });

    expect(result).toMatchObject({ ok: true, installed: true });
    expect(fs.readFileSync(path.join(dir, 'dist', 'version'), 'utf8')).toBe(VERSION);
  });

  it('binary missing and not installable (the mirror has no such file): one line saying why, quickly', async () => {
    const dir = electronCopy();
    const m = await mirror('missing');
    const started = Date.now();

    const result = await findOrInstallElectron({ electronDir: dir, env: installerEnv(m) });

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe(`Electron's installer failed: HTTPError: Response code 404 (Not Found) for ${m.url}v${VERSION}/${ZIP_NAME}`);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(fs.existsSync(path.join(dir, 'path.txt'))).toBe(false);
  });

  it('binary missing and not installable (nothing listening, as offline): says what the network said', async () => {
    const dir = electronCopy();
    const closed = await mirror('ok');
    await closed.close();
    const started = Date.now();

    const result = await findOrInstallElectron({ electronDir: dir, env: installerEnv(closed.url) });

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toMatch(new RegExp(`^downloading ${closed.url}v${VERSION}/${ZIP_NAME} failed: connect ECONNREFUSED 127\\.0\\.0\\.1:\\d+$`));
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('binary missing and the download does not match its checksum: not installed', async () => {
    const dir = electronCopy();
    const m = await mirror('corrupt');

    const result = await findOrInstallElectron({ electronDir: dir, env: installerEnv(m) });

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toMatch(/^Electron's installer failed: .*checksum/i);
    expect(fs.existsSync(path.join(dir, 'dist', EXECUTABLE))).toBe(false);
  });

  it('a mirror that never answers: gives up after the bounded wait', async () => {
    const dir = electronCopy();
    const m = await mirror('hang');
    const started = Date.now();

    const result = await findOrInstallElectron({ electronDir: dir, env: installerEnv(m), timeoutMs: 2000, stallMs: 60_000 });

    expect(result).toEqual({ ok: false, reason: "Electron's installer had not finished after 2 s" });
    expect(Date.now() - started).toBeLessThan(6000);
  });

  it('a download that stalls: gives up when nothing has arrived for the stall time', async () => {
    const dir = electronCopy();
    const m = await mirror('hang');

    const result = await findOrInstallElectron({ electronDir: dir, env: installerEnv(m), timeoutMs: 60_000, stallMs: 1000 });

    expect(result).toEqual({ ok: false, reason: `the download from ${new URL(m.url).host} made no progress for 1 s` });
  });

  it('ELECTRON_SKIP_BINARY_DOWNLOAD and ELECTRON_OVERRIDE_DIST_PATH are honoured without a download', async () => {
    const dir = electronCopy();
    const m = await mirror('ok');

    const skipped = await findOrInstallElectron({ electronDir: dir, env: installerEnv(m, { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }) });
    expect(skipped).toEqual({ ok: false, reason: 'ELECTRON_SKIP_BINARY_DOWNLOAD is set, so its binary is not downloaded' });

    const override = temp();
    const overridden = await findOrInstallElectron({ electronDir: dir, env: installerEnv(m, { ELECTRON_OVERRIDE_DIST_PATH: override }) });
    expect(overridden).toEqual({ ok: false, reason: `ELECTRON_OVERRIDE_DIST_PATH (${override}) has no ${EXECUTABLE}` });
    fs.mkdirSync(path.dirname(path.join(override, EXECUTABLE)), { recursive: true });
    fs.writeFileSync(path.join(override, EXECUTABLE), FAKE_ELECTRON, { mode: 0o755 });
    const found = await findOrInstallElectron({ electronDir: dir, env: installerEnv(m, { ELECTRON_OVERRIDE_DIST_PATH: override }) });
    expect(found).toEqual({ ok: true, path: path.join(override, EXECUTABLE), installed: false });

    expect(m.requests).toEqual([]);
  });

  it('the installer\'s stack trace comes down to its error line', () => {
    const stderr = [
      '(node:123) ExperimentalWarning: CommonJS module install.js is loading ES Module @electron/get using require().',
      '(Use `node --trace-warnings ...` to show where the warning was created)',
      'TypeError: fetch failed',
      '    at node:internal/deps/undici/undici:14976:13',
      '    at async downloadArtifact (file:///x/index.js:154:12)',
    ].join('\n');
    expect(installerError(stderr)).toBe('TypeError: fetch failed');
    expect(installerError('')).toBe('');
  });
});

describe('paydesk bin: a better-sqlite3 built for another runtime', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { nativeModuleProblem } = require('../../bin/paydesk.js') as { nativeModuleProblem(error: unknown): string | null };
  const fix = `run \`npm rebuild better-sqlite3\` in ${ROOT}, then try again.`;
  // Node's own wording (src/node_binding.cc), as it loads an Electron build of the module.
  const loaderError = Object.assign(
    new Error(
      "The module '/x/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\nwas compiled against a different Node.js version using\n" +
        'NODE_MODULE_VERSION 140. This version of Node.js requires\nNODE_MODULE_VERSION 115. Please try re-compiling or re-installing\n' +
        'the module (for instance, using `npm rebuild` or `npm install`).',
    ),
    { code: 'ERR_DLOPEN_FAILED' },
  );

  it('is told in one line with the fix; other errors are left to the command', () => {
    expect(nativeModuleProblem(loaderError)).toBe(
      `paydesk: better-sqlite3 is built for another runtime (NODE_MODULE_VERSION 140, Electron's after a desktop \`npm start\`), not for this Node (115): ${fix}`,
    );
    expect(nativeModuleProblem(new Error('Could not locate the bindings file. Tried: ...'))).toBe(`paydesk: better-sqlite3 has no native build for this Node: ${fix}`);
    expect(nativeModuleProblem(new Error('SQLITE_CANTOPEN: unable to open database file'))).toBeNull();
    expect(nativeModuleProblem(undefined)).toBeNull();
  });

  // A real mismatch through Node's loader: a module that registers itself under another NODE_MODULE_VERSION, in
  // place of better_sqlite3.node in a copy of the package (needs a C compiler, as building better-sqlite3 does).
  const cc = process.platform === 'linux' && spawnSync('cc', ['--version']).status === 0;
  it.skipIf(!cc)('the real bin prints that line and exits 1, no stack trace', () => {
    const project = temp();
    fs.mkdirSync(path.join(project, 'bin'));
    fs.copyFileSync(path.join(ROOT, 'bin', 'paydesk.js'), path.join(project, 'bin', 'paydesk.js'));
    const realPackage = path.join(ROOT, 'node_modules', 'better-sqlite3');
    const copy = path.join(project, 'node_modules', 'better-sqlite3');
    fs.mkdirSync(path.join(copy, 'build', 'Release'), { recursive: true });
    fs.cpSync(path.join(realPackage, 'lib'), path.join(copy, 'lib'), { recursive: true });
    fs.copyFileSync(path.join(realPackage, 'package.json'), path.join(copy, 'package.json'));
    for (const dep of ['bindings', 'file-uri-to-path']) {
      fs.symlinkSync(path.join(ROOT, 'node_modules', dep), path.join(project, 'node_modules', dep), 'junction');
    }
    const source = path.join(project, 'other-abi.c');
    fs.writeFileSync(
      source,
      [
        'struct node_module { int nm_version; unsigned int nm_flags; void *nm_dso_handle; const char *nm_filename;',
        '  void *nm_register_func; void *nm_context_register_func; const char *nm_modname; void *nm_priv; struct node_module *nm_link; };',
        'extern void node_module_register(void *);',
        'static struct node_module m = { 140, 0, 0, "other-abi.c", 0, 0, "better_sqlite3", 0, 0 };',
        '__attribute__((constructor)) static void reg(void) { node_module_register(&m); }',
      ].join('\n'),
    );
    const compiled = spawnSync('cc', ['-shared', '-fPIC', '-o', path.join(copy, 'build', 'Release', 'better_sqlite3.node'), source], { encoding: 'utf8' });
    expect(compiled.status, compiled.stderr).toBe(0);

    const result = spawnSync(process.execPath, [path.join(project, 'bin', 'paydesk.js'), 'flags', '--db', path.join(project, 'x.db')], { encoding: 'utf8' });

    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `paydesk: better-sqlite3 is built for another runtime (NODE_MODULE_VERSION 140, Electron's after a desktop \`npm start\`), not for this Node (${process.versions.modules}): run \`npm rebuild better-sqlite3\` in ${project}, then try again.\n`,
    );
  });
});
