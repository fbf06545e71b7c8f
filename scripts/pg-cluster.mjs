#!/usr/bin/env node
// A throw-away PostgreSQL cluster for the test command, the bench and developers: initdb into a fresh temp
// folder as the unprivileged `postgres` user, one server on 127.0.0.1 at a free port, and a database `paydesk`
// owned by the superuser role `paydesk`. Never touches a system cluster (port 5432, /var/run/postgresql).
//
//   node scripts/pg-cluster.mjs start            prints {"url","port","dataDir","pid"} and leaves it running
//   node scripts/pg-cluster.mjs stop <dataDir>   stops it and removes the folder
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const PG_ROOT = '/usr/lib/postgresql';
const PREFERRED_VERSION = '15';
const START_ATTEMPTS = 5;

/** The folder holding initdb/pg_ctl: PG_BIN, else version 15, else the newest installed version. */
export function pgBinDir() {
  if (process.env.PG_BIN) {
    if (fs.existsSync(path.join(process.env.PG_BIN, 'initdb'))) return process.env.PG_BIN;
    throw new Error(`PG_BIN=${process.env.PG_BIN} has no initdb in it`);
  }
  const versions = fs.existsSync(PG_ROOT) ? fs.readdirSync(PG_ROOT).filter((v) => /^\d+$/.test(v)) : [];
  versions.sort((a, b) => (a === PREFERRED_VERSION ? -1 : b === PREFERRED_VERSION ? 1 : Number(b) - Number(a)));
  const found = versions.map((v) => path.join(PG_ROOT, v, 'bin')).find((bin) => fs.existsSync(path.join(bin, 'initdb')));
  if (!found) {
    throw new Error(`PostgreSQL server binaries not found in ${PG_ROOT}/*/bin (or PG_BIN): apt-get install postgresql`);
  }
  return found;
}

const isRoot = () => process.getuid?.() === 0;

/** Runs a PostgreSQL program as `postgres` when we are root (the server refuses to run as root), else as us. */
function runAsServerUser(cmd, args, cwd) {
  const options = { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] };
  if (!isRoot()) return spawnSync(cmd, args, options);
  const viaRunuser = spawnSync('runuser', ['-u', 'postgres', '--', cmd, ...args], options);
  if (viaRunuser.error?.code !== 'ENOENT') return viaRunuser;
  return spawnSync('setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', cmd, ...args], options);
}

function check(result, what) {
  if (result.error) throw new Error(`${what}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status}):\n${(result.stderr || result.stdout).trim()}`);
  return result;
}

function idOf(flag) {
  return Number(check(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }), 'looking up the postgres user').stdout);
}

/** A port nobody listened on a moment ago; the start retries when someone took it in between. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const logFile = (dataDir) => path.join(dataDir, 'server.log');

function logTail(dataDir, from = 0, lines = 20) {
  try {
    return fs.readFileSync(logFile(dataDir), 'utf8').slice(from).trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no server log)';
  }
}

function logSize(dataDir) {
  try {
    return fs.statSync(logFile(dataDir)).size;
  } catch {
    return 0;
  }
}

/**
 * Starts a fresh cluster and returns its URL. With `ownerPid`, a small detached watcher stops the cluster once
 * that process is gone, even when it was killed without a chance to clean up.
 */
export async function startCluster({ ownerPid } = {}) {
  const bin = pgBinDir();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paydesk-pg-'));
  try {
    if (isRoot()) fs.chownSync(dataDir, idOf('-u'), idOf('-g'));
    // Trust auth is fine here: the server listens on 127.0.0.1 only and lives for one run.
    check(
      runAsServerUser(path.join(bin, 'initdb'), ['-D', dataDir, '--auth=trust', '--username=paydesk', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'], dataDir),
      'initdb',
    );
    const port = await startServer(bin, dataDir);
    check(
      spawnSync(path.join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'paydesk', '-O', 'paydesk', 'paydesk'], { encoding: 'utf8' }),
      'createdb paydesk',
    );
    const pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (ownerPid) watchOwner(ownerPid, dataDir);
    return { url: `postgres://paydesk@127.0.0.1:${port}/paydesk`, port, dataDir, pid, stop: () => stopCluster(dataDir) };
  } catch (error) {
    stopCluster(dataDir);
    throw error;
  }
}

async function startServer(bin, dataDir) {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    // fsync, synchronous_commit and full_page_writes off: a throw-away test cluster need not survive a power cut.
    // The socket goes in the data folder, so /var/run/postgresql (a system cluster's) is never needed.
    const serverOptions = `-c listen_addresses=127.0.0.1 -p ${port} -k '${dataDir}' -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    const logStart = logSize(dataDir);
    const started = runAsServerUser(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-l', logFile(dataDir), '-w', '-t', '60', '-o', serverOptions, 'start'], dataDir);
    if (started.status === 0) return port;
    const tail = logTail(dataDir, logStart);
    if (/Address already in use/i.test(tail) && attempt < START_ATTEMPTS) continue;
    throw new Error(`PostgreSQL did not start on 127.0.0.1:${port} (${(started.stderr || started.error?.message || '').trim()}); server log:\n${tail}`);
  }
}

/**
 * Stops the server and removes the folder. Synchronous, for exit handlers. `immediate`: the data is thrown away
 * next, so the shutdown checkpoint of a `fast` stop (seconds after a test run's hundreds of databases) is waste.
 */
export function stopCluster(dataDir) {
  if (!path.basename(dataDir).startsWith('paydesk-pg-')) throw new Error(`${dataDir} is not a folder made by pg-cluster.mjs`);
  if (!fs.existsSync(dataDir)) return;
  if (fs.existsSync(path.join(dataDir, 'postmaster.pid'))) {
    const bin = pgBinDir();
    runAsServerUser(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', '-t', '30', 'stop'], dataDir);
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
}

function watchOwner(ownerPid, dataDir) {
  const self = new URL(import.meta.url).pathname;
  spawn(process.execPath, [self, 'stop-when-gone', String(ownerPid), dataDir], { detached: true, stdio: 'ignore' }).unref();
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

async function main([command, ...args]) {
  if (command === 'start') {
    const { url, port, dataDir, pid } = await startCluster();
    console.log(JSON.stringify({ url, port, dataDir, pid }));
  } else if (command === 'stop' && args[0]) {
    stopCluster(path.resolve(args[0]));
  } else if (command === 'stop-when-gone' && args[1]) {
    const [ownerPid, dataDir] = [Number(args[0]), args[1]];
    const timer = setInterval(() => {
      if (!fs.existsSync(dataDir)) clearInterval(timer);
      else if (!alive(ownerPid)) {
        clearInterval(timer);
        stopCluster(dataDir);
      }
    }, 1000);
  } else {
    console.error('usage: node scripts/pg-cluster.mjs start | stop <dataDir>');
    process.exitCode = 2;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(error.message);
    process.exitCode = 1;
  });
}
