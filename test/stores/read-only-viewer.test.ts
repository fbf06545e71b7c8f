// A team's viewer (a database user with read-only rights) opens paydesk: the lists, accounts and exports answer,
// and decisions, settings and syncs get "read-only: decisions and syncs need write access", never an error from
// the database. The lists are read as the writers last built them (no rebuild is attempted).
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../main/core/service/dispatch.js';
import { createService, type Service } from '../../main/core/service/index.js';
import { openStore } from '../../main/core/store/open-store.js';
import { READ_ONLY_MESSAGE, type Store } from '../../main/core/store/store.js';
import { refreshFlagLists } from '../../main/core/flag-lists/refresh.js';
import { syncPaths } from '../../main/core/import/sync.js';
import { csv, LEDGER_HEADER, PAYMENTS_HEADER, tempDir, writeExport } from '../support/db.js';
import { freshStore, type FreshStore } from '../support/stores.js';

const root = path.resolve(__dirname, '..', '..');
const role = `viewer_${Math.random().toString(16).slice(2, 10)}`;
let team: FreshStore;
let viewer: Store;
let service: Service;
const logged: string[] = [];

async function asAdmin(sql: string) {
  const client = new pg.Client({ connectionString: team.target });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  team = await freshStore('postgres');
  const dir = tempDir();
  await syncPaths(team.store, [
    writeExport('payments.csv', csv(PAYMENTS_HEADER, 'pay_1,acct_1,10.00,usd,succeeded,2026-03-15T09:00:00Z,,,a@x.com,', 'pay_2,acct_1,10.00,usd,succeeded,2026-03-15T09:04:00Z,,,a@x.com,'), dir),
    writeExport('ledger.csv', csv(LEDGER_HEADER, 'le_1,acct_1,credit_free,3.00,usd,2026-03-15T08:00:00Z,'), dir),
  ]);
  await refreshFlagLists(team.store);
  // Role names cannot be bound as parameters: ours is generated here from random hex.
  await asAdmin(`CREATE ROLE ${role} LOGIN`);
  await asAdmin(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${role}`);
  const url = new URL(team.target);
  url.username = role;
  viewer = await openStore(url.toString());
  service = createService(viewer, {
    dbFile: viewer.location, mode: 'browser', version: 'test', defaultReviewer: 'cy', workerFile: path.join(root, 'dist/main/core/import-worker.js'),
    log: (line) => logged.push(line),
  });
  // The writers' last build is stale for this viewer's settings: it must be read as it is, not rebuilt.
  await asAdmin(`UPDATE flag_lists SET built_for = 'an older build'`);
}, 60_000);

afterAll(async () => {
  await service?.close();
  await viewer?.close();
  await team?.close();
  await asAdmin(`DROP ROLE IF EXISTS ${role}`).catch(() => {});
});

const call = (method: string, args: unknown = {}) => dispatch(service.handlers, method, args);

describe('a read-only team database user', () => {
  it('reads the lists, the counts, an account and an export', async () => {
    expect(await call('duplicates:listPage', { offset: 0, limit: 10 })).toMatchObject({ ok: true, value: { total: 1, rows: [{ paymentIds: ['pay_1', 'pay_2'] }] } });
    expect(await call('flags:counts', {})).toMatchObject({ ok: true, value: { duplicates: 1 } });
    expect(await call('account:get', { accountId: 'acct_1' })).toMatchObject({ ok: true, value: { accountId: 'acct_1' } });
    expect(await call('export:csv', { list: 'duplicates' })).toMatchObject({ ok: true, value: { rows: 1 } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(logged.filter((line) => line.startsWith('flag lists'))).toEqual([]);
  });

  it('is told "read-only" for a decision, a setting and a sync, and nothing is written', async () => {
    const decided = await call('reviews:decide', { kind: 'duplicates', keys: ['pay_1|pay_2'], decision: 'refund_needed', note: '' });
    expect(decided).toEqual({ ok: false, error: { code: 'read-only', message: READ_ONLY_MESSAGE } });
    expect(await call('settings:update', { stuckAfterMinutes: 30 })).toEqual({ ok: false, error: { code: 'read-only', message: READ_ONLY_MESSAGE } });
    expect(await call('sync:start', {})).toEqual({ ok: true, value: { started: false, reason: READ_ONLY_MESSAGE } });
    expect(await team.store.value('SELECT count(*) FROM reviews')).toBe(0);
    expect(await team.store.value('SELECT count(*) FROM settings')).toBe(0);
  });
});
