// The built `paydesk` bin for tests that need a real process: run it to completion, or spawn it to kill it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../../main/core/store/open-store.js';
import type { Store } from '../../main/core/store/store.js';
import { freshStore, type StoreKind } from './stores.js';

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const PAYDESK_BIN = path.join(REPO_ROOT, 'bin/paydesk.js');
const BUILT_CLI = path.join(REPO_ROOT, 'dist/main/cli/index.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** PAYDESK_DB is cleared so that no test ever falls back to the user's own database. */
const cliEnv = () => ({ ...process.env, PAYDESK_DB: '' });

/**
 * Builds dist/ with `tsc -p tsconfig.node.json` when the CLI is missing or older than the sources, so the bin
 * runs the code under test. A type error elsewhere in the tree does not stop tsc from emitting; only a missing
 * CLI afterwards is an error.
 */
export function ensureCliBuilt(): void {
  if (fs.existsSync(BUILT_CLI) && newestMtime(path.join(REPO_ROOT, 'dist'), '.js') >= newestSourceMtime()) return;
  const tsc = path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc');
  const build = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.node.json'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (!fs.existsSync(BUILT_CLI)) throw new Error(`building the CLI failed:\n${build.stdout}${build.stderr}`);
}

function newestSourceMtime(): number {
  return Math.max(newestMtime(path.join(REPO_ROOT, 'main'), '.ts'), newestMtime(path.join(REPO_ROOT, 'shared'), '.ts'));
}

function newestMtime(dir: string, extension: string): number {
  let newest = 0;
  if (!fs.existsSync(dir)) return newest;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith(extension)) continue;
    newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** Runs `paydesk ...args` to completion. */
export function runPaydesk(args: readonly string[], options: { timeoutMs?: number } = {}): CliResult {
  const result = spawnSync(process.execPath, [PAYDESK_BIN, ...args], {
    encoding: 'utf8',
    env: cliEnv(),
    timeout: options.timeoutMs ?? 60_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs `paydesk ...args` to completion without blocking, at most `CONCURRENT_RUNS` at a time. */
export async function runPaydeskAsync(args: readonly string[]): Promise<CliResult> {
  while (running >= CONCURRENT_RUNS) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    const child = spawn(process.execPath, [PAYDESK_BIN, ...args], { env: cliEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve); // after the output streams have ended
    });
    return { code, stdout, stderr };
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** Two CLI processes at once: both cores busy, no more (other work shares this machine). */
const CONCURRENT_RUNS = 2;
let running = 0;
const waiting: (() => void)[] = [];

/** Runs `paydesk ...args` through `sh` under a given umask (to show file modes do not depend on it). */
export function runPaydeskWithUmask(umask: string, args: readonly string[]): CliResult {
  const quoted = [process.execPath, PAYDESK_BIN, ...args].map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
  const result = spawnSync('sh', ['-c', `umask ${umask} && exec ${quoted}`], { encoding: 'utf8', env: cliEnv() });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts `paydesk ...args` without waiting; output is discarded. */
export function spawnPaydesk(args: readonly string[]): ChildProcess {
  return spawn(process.execPath, [PAYDESK_BIN, ...args], { env: cliEnv(), stdio: 'ignore' });
}

export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** A database the CLI opens by `--db <target>`, and the test's own connection to it for reads and writes. */
export interface CliDatabase {
  target: string;
  /** The test's connection (opened on first use, closed by closeCliDatabases). */
  store(): Promise<Store>;
}

const cliDatabases: { close(): Promise<void> }[] = [];

/**
 * A database of the kind for CLI runs: a SQLite file not yet created in a fresh temp folder (SQLite in memory
 * cannot be shared with another process), or a fresh migrated PostgreSQL database. Call closeCliDatabases in
 * afterEach/afterAll.
 */
export async function cliDatabase(kind: StoreKind): Promise<CliDatabase> {
  if (kind === 'postgres') {
    const fresh = await freshStore(kind);
    cliDatabases.push(fresh);
    return { target: fresh.target, store: () => Promise.resolve(fresh.store) };
  }
  const target = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'paydesk-test-')), 'paydesk.db');
  let opened: Promise<Store> | undefined;
  cliDatabases.push({ close: async () => (await opened)?.close() });
  return { target, store: () => (opened ??= openStore(target)) };
}

/** Closes the test's connections to every CliDatabase, and drops the PostgreSQL ones. */
export async function closeCliDatabases(): Promise<void> {
  while (cliDatabases.length) await cliDatabases.pop()!.close();
}
