// 'flags:new' (issue 11, notifications): a real auto-sync of a watched temp folder through createService, and
// through browser mode's event stream (`paydesk serve`), reports the rows it added to the stuck, duplicates and
// mismatches lists; a sync that adds none reports nothing; a sync by hand says auto: false.
// Needs the built import worker (npm run build).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { API_EVENT_NAMES, type ApiEvent, type NewFlags } from '../../shared/api.js';
import { DEFAULT_FLAG_SETTINGS } from '../../shared/domain.js';
import { computeFlags } from '../../main/core/flags/index.js';
import { refreshFlagLists } from '../../main/core/flag-lists/refresh.js';
import { syncPaths } from '../../main/core/import/sync.js';
import { countNewFlags, readFlagKeys } from '../../main/core/service/new-flags.js';
import { createService, type Service } from '../../main/core/service/index.js';
import { csv, fileDb, LEDGER_HEADER, PAYMENTS_HEADER, type TestDb } from '../support/db.js';

const root = path.resolve(__dirname, '..', '..');
const workerFile = path.join(root, 'dist/main/core/import-worker.js');

// Already in the lists before: one paid-and-credited payment, one duplicate cluster (both credited).
const SEED_PAYMENTS = csv(
  PAYMENTS_HEADER,
  'pay_ok,acct_1,10.00,usd,succeeded,2026-06-01T00:00:00Z,,,one@example.com,pack',
  'pay_d1,acct_2,10.00,usd,succeeded,2026-06-01T01:00:00Z,,,two@example.com,pack',
  'pay_d2,acct_2,10.00,usd,succeeded,2026-06-01T01:04:00Z,,,two@example.com,pack',
);
const SEED_LEDGER = csv(
  LEDGER_HEADER,
  'le_ok,acct_1,credit_purchased,10.00,usd,2026-06-01T00:00:30Z,pay_ok',
  'le_d1,acct_2,credit_purchased,10.00,usd,2026-06-01T01:00:30Z,pay_d1',
  'le_d2,acct_2,credit_purchased,10.00,usd,2026-06-01T01:04:30Z,pay_d2',
);
// The new exports: a payment pending for two hours (stuck), a new cluster, a payment credited twice.
const NEW_PAYMENTS = csv(
  PAYMENTS_HEADER,
  'pay_p1,acct_3,20.00,usd,pending,2026-06-02T00:00:00Z,,,three@example.com,pack',
  'pay_n1,acct_4,10.00,usd,succeeded,2026-06-02T01:00:00Z,,,four@example.com,pack',
  'pay_n2,acct_4,10.00,usd,succeeded,2026-06-02T01:03:00Z,,,four@example.com,pack',
  'pay_t,acct_5,10.00,usd,succeeded,2026-06-02T02:00:00Z,,,five@example.com,pack',
);
const NEW_LEDGER = csv(
  LEDGER_HEADER,
  'le_n1,acct_4,credit_purchased,10.00,usd,2026-06-02T01:00:30Z,pay_n1',
  'le_n2,acct_4,credit_purchased,10.00,usd,2026-06-02T01:03:30Z,pay_n2',
  'le_t1,acct_5,credit_purchased,10.00,usd,2026-06-02T02:00:30Z,pay_t',
  'le_t2,acct_5,credit_purchased,10.00,usd,2026-06-02T02:01:00Z,pay_t',
);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A database with the seed imported and its lists built, and an empty folder to watch. */
async function seeded(): Promise<{ dbFile: string; db: TestDb; watched: string }> {
  const dir = tempDir('paydesk-new-flags-');
  const seedDir = path.join(dir, 'seed');
  const watched = path.join(dir, 'exports');
  fs.mkdirSync(seedDir);
  fs.mkdirSync(watched);
  fs.writeFileSync(path.join(seedDir, 'payments.csv'), SEED_PAYMENTS);
  fs.writeFileSync(path.join(seedDir, 'ledger.csv'), SEED_LEDGER);
  const dbFile = path.join(dir, 'paydesk.db');
  const db = fileDb(dbFile);
  cleanups.push(() => db.close());
  await syncPaths(db, [path.join(seedDir, 'payments.csv'), path.join(seedDir, 'ledger.csv')]);
  await refreshFlagLists(db);
  return { dbFile, db, watched };
}

/** The flags computed directly (not from the lists), as keys: what the event is checked against. */
async function computedKeys(db: TestDb) {
  const flags = await computeFlags(db, { settings: DEFAULT_FLAG_SETTINGS, asOf: null });
  return {
    stuck: new Set((flags.stuck ?? []).map((s) => s.paymentId)),
    duplicates: new Set((flags.duplicates ?? []).map((d) => d.key)),
    mismatches: new Set((flags.mismatches ?? []).map((m) => m.key)),
  };
}

function recorder(service: Service) {
  const seen: ApiEvent[] = [];
  cleanups.push(service.events.subscribe((event) => seen.push(event)));
  const next = (name: ApiEvent['name'], after = seen.length, timeoutMs = 30_000) =>
    new Promise<ApiEvent>((resolve, reject) => {
      const started = Date.now();
      const poll = setInterval(() => {
        const found = seen.slice(after).find((e) => e.name === name);
        if (found) {
          clearInterval(poll);
          resolve(found);
        } else if (Date.now() - started > timeoutMs) {
          clearInterval(poll);
          reject(new Error(`no ${name} event in ${timeoutMs} ms; saw ${seen.map((e) => e.name).join(', ')}`));
        }
      }, 20);
    });
  return { seen, next };
}

describe('flags:new through createService', () => {
  it('an auto-sync of a watched folder that receives new exports reports the new rows of each list, once', async () => {
    const { dbFile, db, watched } = await seeded();
    const before = await computedKeys(db);
    expect([before.stuck.size, before.duplicates.size, before.mismatches.size]).toEqual([0, 1, 0]);
    const service = createService(db, { dbFile, mode: 'browser', version: 'test', defaultReviewer: 'test', workerFile });
    cleanups.push(() => service.close());
    const { seen, next } = recorder(service);
    await service.handlers['settings:update']({ exportFolders: [watched], autoSync: true });

    const mark = seen.length;
    fs.writeFileSync(path.join(watched, 'payments-2.csv'), NEW_PAYMENTS);
    fs.writeFileSync(path.join(watched, 'ledger-2.csv'), NEW_LEDGER);
    const event = await next('flags:new', mark);
    await next('import:finished', mark);

    const after = await computedKeys(db);
    const expected = countNewFlags(before, after, true);
    expect(expected).toEqual({ stuck: 1, duplicates: 1, mismatches: 1, auto: true }); // the data does what it says
    expect(event.payload).toEqual(expected);
    expect(seen.slice(mark).filter((e) => e.name === 'flags:new')).toHaveLength(1);
    // the lists the event was read from are the ones the screens show
    expect(countNewFlags(before, await readFlagKeys(db), true)).toEqual(expected);
  });

  it('a sync that adds no new rows reports nothing; a sync by hand says auto: false', async () => {
    const { dbFile, db, watched } = await seeded();
    const service = createService(db, { dbFile, mode: 'browser', version: 'test', defaultReviewer: 'test', workerFile });
    cleanups.push(() => service.close());
    const { seen, next } = recorder(service);
    await service.handlers['settings:update']({ exportFolders: [watched], autoSync: true });

    // a file that only repeats what the lists already hold
    let mark = seen.length;
    fs.writeFileSync(path.join(watched, 'again.csv'), SEED_PAYMENTS);
    await next('import:finished', mark);
    expect(seen.slice(mark).map((e) => e.name)).not.toContain('flags:new');

    // by hand: the new exports, with the folder watch off
    await service.handlers['settings:update']({ autoSync: false });
    fs.writeFileSync(path.join(watched, 'payments-2.csv'), NEW_PAYMENTS);
    fs.writeFileSync(path.join(watched, 'ledger-2.csv'), NEW_LEDGER);
    mark = seen.length;
    expect(await service.handlers['sync:start']({})).toEqual({ started: true, reason: null });
    const event = await next('flags:new', mark);
    expect(event.payload).toEqual({ stuck: 1, duplicates: 1, mismatches: 1, auto: false } satisfies NewFlags);
  });

  it('is one of the contract’s event names', () => {
    expect(API_EVENT_NAMES).toContain('flags:new');
  });
});

describe('flags:new in browser mode’s event stream (paydesk serve)', () => {
  it('reaches the browser after an auto-sync', async () => {
    const { dbFile, db, watched } = await seeded();
    await db.close();
    const child: ChildProcess = spawn(process.execPath, [path.join(root, 'bin/paydesk.js'), 'serve', '--db', dbFile, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PAYDESK_DB: '' },
    });
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill();
        }),
    );
    const url = await new Promise<URL>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`serve printed no URL: ${out}`)), 30_000);
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /http:\/\/[^\s]+\/#token=[A-Za-z0-9_-]+/.exec(out);
        if (match) {
          clearTimeout(timer);
          resolve(new URL(match[0]));
        }
      });
    });
    const token = /token=([A-Za-z0-9_-]+)/.exec(url.hash)![1];
    const port = Number(url.port);

    const frames: ApiEvent[] = [];
    const stream = await new Promise<http.ClientRequest>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/api/events', headers: { 'x-paydesk-token': token }, agent: false }, (res) => {
        expect(res.statusCode).toBe(200);
        let buffer = '';
        res.on('data', (chunk: Buffer) => {
          buffer += chunk.toString();
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const data = buffer.slice(0, end).split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
            buffer = buffer.slice(end + 2);
            if (data) frames.push(JSON.parse(data) as ApiEvent);
          }
        });
        resolve(req);
      });
      req.on('error', reject);
    });
    cleanups.push(() => void stream.destroy());

    const call = (method: string, args: unknown) =>
      new Promise<unknown>((resolve, reject) => {
        const req = http.request(
          { host: '127.0.0.1', port, path: `/api/call/${method}`, method: 'POST', headers: { 'content-type': 'application/json', 'x-paydesk-token': token }, agent: false },
          (res) => {
            let body = '';
            res.on('data', (chunk: Buffer) => (body += chunk.toString()));
            res.on('end', () => resolve(JSON.parse(body)));
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify(args));
      });
    expect(await call('settings:update', { exportFolders: [watched], autoSync: true })).toMatchObject({ ok: true, value: { notifyNewFlags: true } });
    fs.writeFileSync(path.join(watched, 'payments-2.csv'), NEW_PAYMENTS);
    fs.writeFileSync(path.join(watched, 'ledger-2.csv'), NEW_LEDGER);

    const started = Date.now();
    while (!frames.some((f) => f.name === 'flags:new') && Date.now() - started < 30_000) await new Promise((r) => setTimeout(r, 50));
    expect(frames.filter((f) => f.name === 'flags:new').map((f) => f.payload)).toEqual([{ stuck: 1, duplicates: 1, mismatches: 1, auto: true }]);
    expect(await call('settings:update', { notifyNewFlags: false })).toMatchObject({ ok: true, value: { notifyNewFlags: false } });
    expect(await call('settings:update', { notifyNewFlags: 'yes' })).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
  });
});
