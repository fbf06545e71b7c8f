// team.md: "An older paydesk connecting to a newer schema refuses to write and says which version is needed."
// A team database that a newer paydesk has migrated past what this one knows opens read-only: the lists, counts
// and accounts answer as the newer paydesks built them; decisions, settings and syncs are refused with a line
// that names both versions; nothing is written, no list is rebuilt; Test connection says the same.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshFlagLists } from '../../main/core/flag-lists/refresh.js';
import { syncPaths } from '../../main/core/import/sync.js';
import { dispatch } from '../../main/core/service/dispatch.js';
import { createService, type Service } from '../../main/core/service/index.js';
import { ServiceHost } from '../../main/core/service/service-host.js';
import { probeTeamDatabase } from '../../main/core/service/team-probe.js';
import { openStore } from '../../main/core/store/open-store.js';
import { POSTGRES_MIGRATIONS } from '../../main/core/store/postgres-migrate.js';
import { ReadOnlyError, type Store } from '../../main/core/store/store.js';
import { csv, LEDGER_HEADER, PAYMENTS_HEADER, tempDir, writeExport } from '../support/db.js';
import { freshPgDatabase, withPgClient, type PgDatabase } from '../support/postgres.js';

const root = path.resolve(__dirname, '..', '..');
const known = POSTGRES_MIGRATIONS.at(-1)!.version;
const newer = known + 1;
const refusal = `read-only: this team database is at schema version ${newer}, newer than this paydesk knows (${known}); update paydesk to make decisions and syncs`;

let database: PgDatabase;
let store: Store;
let service: Service;
const logged: string[] = [];

beforeAll(async () => {
  database = await freshPgDatabase();
  const writer = await openStore(database.url);
  const dir = tempDir();
  await syncPaths(writer, [
    writeExport('payments.csv', csv(PAYMENTS_HEADER, 'pay_1,acct_1,10.00,usd,succeeded,2026-03-15T09:00:00Z,,,a@x.com,', 'pay_2,acct_1,10.00,usd,succeeded,2026-03-15T09:04:00Z,,,a@x.com,'), dir),
    writeExport('ledger.csv', csv(LEDGER_HEADER, 'le_1,acct_1,credit_free,3.00,usd,2026-03-15T08:00:00Z,'), dir),
  ]);
  await refreshFlagLists(writer);
  await writer.close();
  // What a newer paydesk's migration leaves: its version recorded, and (here) a table this paydesk does not know.
  await withPgClient(database.url, async (client) => {
    await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, 0)', [newer, `${String(newer).padStart(4, '0')}_from_a_newer_paydesk`]);
    await client.query('CREATE TABLE from_a_newer_paydesk (id INTEGER)');
    await client.query(`UPDATE flag_lists SET built_for = 'a newer build'`);
  });
  store = await openStore(database.url);
  service = createService(store, {
    dbFile: store.location, mode: 'browser', version: 'test', defaultReviewer: 'cy', workerFile: path.join(root, 'dist/main/core/import-worker.js'),
    log: (line) => logged.push(line),
  });
}, 60_000);

afterAll(async () => {
  await service?.close();
  await store?.close();
  await database?.drop();
});

const call = (method: string, args: unknown = {}) => dispatch(service.handlers, method, args);

describe('a team database newer than this paydesk', () => {
  it('opens, and says it will not write here and which version it is at', async () => {
    expect(await store.canWrite()).toBe(false);
    expect(store.writeRefusal).toBe(refusal);
    await expect(store.write(async () => store.run(`INSERT INTO settings (key, value) VALUES ('x', 'y')`))).rejects.toEqual(new ReadOnlyError(refusal));
    expect(await withPgClient(database.url, async (client) => (await client.query('SELECT max(version) AS v FROM schema_migrations')).rows[0].v)).toBe(newer);
  });

  it('reads the lists as the newer paydesks built them, and rebuilds nothing', async () => {
    expect(await call('duplicates:listPage', { offset: 0, limit: 10 })).toMatchObject({ ok: true, value: { total: 1, rows: [{ paymentIds: ['pay_1', 'pay_2'] }] } });
    expect(await call('account:get', { accountId: 'acct_1' })).toMatchObject({ ok: true, value: { accountId: 'acct_1' } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(logged.filter((line) => line.startsWith('flag lists'))).toEqual([]);
    expect(await store.value('SELECT built_for FROM flag_lists WHERE id = 1')).toBe('a newer build');
  });

  it('refuses a decision, a setting and a sync with that line, and writes nothing', async () => {
    const decided = await call('reviews:decide', { kind: 'duplicates', keys: ['pay_1|pay_2'], decision: 'refund_needed', note: '' });
    expect(decided).toEqual({ ok: false, error: { code: 'read-only', message: refusal } });
    expect(await call('settings:update', { stuckAfterMinutes: 30 })).toEqual({ ok: false, error: { code: 'read-only', message: refusal } });
    expect(await call('sync:start', {})).toEqual({ ok: true, value: { started: false, reason: refusal } });
    expect(await store.value('SELECT count(*) FROM reviews')).toBe(0);
    expect(await store.value('SELECT count(*) FROM settings')).toBe(0);
  });

  it('shows in the app as read-only, with that line (team:status)', async () => {
    const host = await ServiceHost.start({
      localDbFile: path.join(tempDir(), 'paydesk.db'),
      commandLineTarget: database.url,
      service: { mode: 'browser', version: 'test', defaultReviewer: 'cy' },
    });
    try {
      expect(await dispatch(host.handlers, 'team:status', {})).toMatchObject({ ok: true, value: { database: { kind: 'team' }, readOnly: true, readOnlyReason: refusal, problem: null } });
    } finally {
      await host.close();
    }
  });

  it('is "read-only here" in Test connection, with both versions', async () => {
    const probe = await probeTeamDatabase(database.url, database.url);
    expect(probe).toMatchObject({ ok: true, readOnly: true });
    expect(probe.message).toContain(`read-only here, as its paydesk schema is version ${newer}, newer than this paydesk knows (${known})`);
  });
});
