// Files: paths that come in through the API stay inside the exports folders the user chose, and what paydesk
// writes that holds customer data (the database, CSV exports) is readable by its owner only.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvents, ApiMethod, ApiResponse } from '../../shared/api.js';
import { openDb } from '../../main/core/db/open.js';
import { writePrivateFile } from '../../main/core/export-csv.js';
import { dispatch } from '../../main/core/service/dispatch.js';
import { createService, type Service } from '../../main/core/service/index.js';
import { SqliteStore } from '../../main/core/store/sqlite-store.js';

const root = path.resolve(__dirname, '..', '..');
const posix = process.platform !== 'win32';
const mode = (file: string) => fs.statSync(file).mode & 0o777;

let dir: string;
let chosen: string;
let outside: string;
let db: SqliteStore;
let service: Service;
const call = (method: ApiMethod, args: unknown): Promise<ApiResponse<unknown>> => dispatch(service.handlers, method, args);

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paydesk-files-'));
  chosen = path.join(dir, 'exports');
  outside = path.join(dir, 'private');
  fs.mkdirSync(path.join(chosen, 'march'), { recursive: true });
  fs.mkdirSync(outside);
  fs.copyFileSync(path.join(root, 'test/fixtures/csv/payments_basic.csv'), path.join(chosen, 'march', 'payments.csv'));
  fs.writeFileSync(path.join(outside, 'secrets.csv'), 'payment_id,account_id\n');
  fs.symlinkSync(outside, path.join(chosen, 'link-out'));
  const dbFile = path.join(dir, 'paydesk.db');
  db = SqliteStore.open(dbFile);
  service = createService(db, {
    dbFile, mode: 'browser', version: 'test', defaultReviewer: 'test',
    workerFile: path.join(root, 'dist/main/core/import-worker.js'),
  });
  expect(await call('settings:update', { exportFolders: [chosen], autoSync: false })).toMatchObject({ ok: true });
});

afterAll(async () => {
  await service?.close();
  await db?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('paths given to the API', () => {
  it('an exports folder must be an absolute path without ..', async () => {
    for (const folder of ['exports', './exports', '../exports', '~/exports', `${chosen}/../private`, `${chosen}/march/../..`, 'C:exports']) {
      const response = await call('settings:update', { exportFolders: [chosen, folder] });
      expect(response, folder).toMatchObject({ ok: false, error: { code: 'invalid-argument', message: expect.stringContaining('exportFolders') } });
    }
    expect(await call('settings:get', {})).toMatchObject({ ok: true, value: { exportFolders: [chosen] } });
  });

  it('a sync of named paths cannot leave the chosen folders', async () => {
    const escapes = [
      outside,
      path.join(outside, 'secrets.csv'),
      `${chosen}/../private/secrets.csv`,
      `${chosen}/march/../../private`,
      'march/payments.csv',
      '../private/secrets.csv',
      path.join(chosen, 'link-out'),
      path.join(chosen, 'link-out', 'secrets.csv'),
      '/etc/passwd',
      os.homedir(),
      `${chosen}-sibling/x.csv`,
    ];
    for (const p of escapes) {
      const response = await call('sync:start', { paths: [p] });
      expect(response, p).toMatchObject({ ok: false, error: { code: 'invalid-argument', message: expect.stringContaining('not inside an exports folder') } });
    }
    // One bad path refuses the whole sync.
    expect(await call('sync:start', { paths: [path.join(chosen, 'march'), outside] })).toMatchObject({ ok: false });
    expect(await call('imports:list', { limit: 10 })).toEqual({ ok: true, value: [] });
  });

  it('paths inside a chosen folder sync as before', async () => {
    const finished = new Promise<ApiEvents['import:finished']>((resolve) => {
      const off = service.events.subscribe((event) => {
        if (event.name === 'import:finished') {
          off();
          resolve(event.payload as ApiEvents['import:finished']);
        }
      });
    });
    expect(await call('sync:start', { paths: [path.join(chosen, 'march', 'payments.csv')] })).toEqual({ ok: true, value: { started: true, reason: null } });
    const result = await finished;
    expect(result.error).toBeNull();
    expect(result.reports.map((r) => [path.basename(r.path), r.status])).toEqual([['payments.csv', 'imported']]);
  });
});

describe.runIf(posix)('files holding customer data are readable by their owner only', () => {
  let umask: number;
  beforeAll(() => {
    umask = process.umask(0o000); // the loosest umask a user could have
  });
  afterAll(() => {
    process.umask(umask);
  });

  it('the database and its WAL files', () => {
    const file = path.join(dir, 'fresh', 'paydesk.db');
    const fresh = openDb(file);
    try {
      fresh.prepare("INSERT INTO settings (key, value) VALUES ('reviewerName', '\"x\"')").run();
      for (const f of [file, `${file}-wal`, `${file}-shm`]) if (fs.existsSync(f)) expect(mode(f), f).toBe(0o600);
      expect(mode(path.dirname(file))).toBe(0o700);
    } finally {
      fresh.close();
    }
  });

  it('a CSV export, new or overwriting a file that was readable by others', () => {
    const fresh = path.join(dir, 'export-new.csv');
    writePrivateFile(fresh, 'a,b\r\n');
    expect(mode(fresh)).toBe(0o600);
    const existing = path.join(dir, 'export-existing.csv');
    fs.writeFileSync(existing, 'old', { mode: 0o644 });
    fs.chmodSync(existing, 0o644);
    writePrivateFile(existing, 'a,b\r\n');
    expect(mode(existing)).toBe(0o600);
    expect(fs.readFileSync(existing, 'utf8')).toBe('a,b\r\n');
  });

  it('paydesk export --out', () => {
    const dbFile = path.join(dir, 'cli.db');
    const out = path.join(dir, 'stuck.csv');
    const run = spawnSync(process.execPath, [path.join(root, 'bin/paydesk.js'), 'export', 'stuck', '--db', dbFile, '--out', out], { encoding: 'utf8', env: { ...process.env, PAYDESK_DB: '' } });
    expect(run.status, run.stderr).toBe(0);
    expect(mode(out)).toBe(0o600);
    expect(mode(dbFile)).toBe(0o600);
  });
});
