// The service host: Settings → Team database switches the running app between this computer's file and a team
// database, remembers it for the next start, keeps the password out of every answer, and a team database that
// cannot be reached at start stays the choice, answered with 'unavailable' while it is retried.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../shared/api.js';
import { dispatch } from '../../main/core/service/dispatch.js';
import { ServiceHost, type ServiceHostOptions } from '../../main/core/service/service-host.js';
import type { Secrets } from '../../main/core/service/team-config.js';
import { freshPgDatabase, type PgDatabase } from '../support/postgres.js';

const keychain: Secrets = {
  available: () => true,
  encrypt: (text) => Buffer.from(Buffer.from(text, 'utf8').map((b) => b ^ 0x5a)),
  decrypt: (data) => Buffer.from(data.map((b) => b ^ 0x5a)).toString('utf8'),
};
const PASSWORD = 'no-one-reads-this-9f3k';
const UNREACHABLE = 'postgres://paydesk@127.0.0.1:1/paydesk';

let team: PgDatabase;
beforeAll(async () => {
  team = await freshPgDatabase();
});
afterAll(async () => {
  await team?.drop();
});

const hosts: ServiceHost[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function folder(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paydesk-host-'));
  dirs.push(dir);
  return dir;
}

async function start(dir: string, options: Partial<ServiceHostOptions> = {}) {
  const lines: string[] = [];
  const host = await ServiceHost.start({
    localDbFile: path.join(dir, 'paydesk.db'),
    service: { mode: 'desktop', version: 'test', defaultReviewer: 'tester', log: (l) => lines.push(l) },
    retryMs: [100],
    ...options,
  });
  hosts.push(host);
  const events: ApiEvent[] = [];
  host.events.subscribe((e) => events.push(e));
  const call = async (method: string, args: unknown = {}) => dispatch(host.handlers, method, args);
  return { host, events, lines, call };
}

/** The team database's URL with a password in it (the test cluster trusts 127.0.0.1, so any password connects). */
const withPassword = (url: string) => {
  const u = new URL(url);
  u.password = PASSWORD;
  return u.toString();
};

describe('the service host', () => {
  it('starts on this computer’s database, switches to a team database and back, and remembers the choice', async () => {
    const dir = folder();
    const { host, events, call } = await start(dir, { secrets: keychain });
    expect(host.store?.kind).toBe('local');
    expect(await call('team:status')).toMatchObject({ ok: true, value: { database: { kind: 'local' }, configuredUrl: null, passwordFrom: 'keychain' } });

    const tested = await call('team:test', { url: team.url, password: PASSWORD });
    expect(tested).toMatchObject({ ok: true, value: { ok: true, message: expect.stringMatching(/^Connected to paydesk_test_\w+ on 127\.0\.0\.1:\d+ as paydesk/) } });

    const used = await call('team:use', { url: withPassword(team.url) });
    expect(used).toMatchObject({ ok: true, value: { database: { kind: 'team' }, configuredUrl: team.url, passwordStored: true, readOnly: false, readOnlyReason: null, problem: null } });
    expect(host.store?.kind).toBe('team');
    expect(events).toContainEqual({ name: 'data:changed', payload: { tables: expect.arrayContaining(['reviews', 'settings', 'flags']) } });
    const info = await call('app:info');
    expect(info).toMatchObject({ ok: true, value: { database: { kind: 'team' } } });
    const config = fs.readFileSync(path.join(dir, 'team-database.json'), 'utf8');
    for (const text of [JSON.stringify(used), JSON.stringify(info), config]) expect(text).not.toContain(PASSWORD);
    // The service works on the team database now.
    expect(await call('settings:update', { reviewerName: 'Ana', stuckAfterMinutes: 30 })).toMatchObject({ ok: true });

    // The next start opens the team database again, with the keychain's password.
    await host.close();
    const again = await start(dir, { secrets: keychain });
    expect(again.host.store?.kind).toBe('team');
    expect(await again.call('settings:get')).toMatchObject({ ok: true, value: { reviewerName: 'Ana', stuckAfterMinutes: 30 } });

    const left = await again.call('team:leave');
    expect(left).toMatchObject({ ok: true, value: { database: { kind: 'local', location: path.join(dir, 'paydesk.db') }, configuredUrl: null } });
    expect(fs.existsSync(path.join(dir, 'team-database.json'))).toBe(false);
    // The team's rules stay the team's (nothing was copied); the reviewer name was this computer's all along.
    expect(await again.call('settings:get')).toMatchObject({ ok: true, value: { reviewerName: 'Ana', stuckAfterMinutes: 15 } });
  });

  it('tells another paydesk on the same team database who decided', async () => {
    const a = await start(folder(), { commandLineTarget: team.url });
    const b = await start(folder(), { commandLineTarget: team.url });
    await a.call('settings:update', { reviewerName: 'Ana' });
    // No flags in an empty database: the decision is recorded all the same, as the audit log keeps any key.
    const decided = await a.call('reviews:decide', { kind: 'stuck', keys: ['pay_1', 'pay_2'], decision: 'escalated', note: '' });
    expect(decided).toMatchObject({ ok: true });
    await expect.poll(() => b.events.find((e) => e.name === 'decisions:arrived')?.payload, { timeout: 2000 }).toEqual({ reviewer: 'Ana', decisions: 2 });
  });

  it('a failed test says so in one line, without the password; a failed switch keeps the database in use', async () => {
    const { host, call } = await start(folder(), { secrets: keychain });
    const tested = await call('team:test', { url: UNREACHABLE, password: PASSWORD });
    expect(tested).toMatchObject({ ok: true, value: { ok: false } });
    const message = (tested as { value: { message: string } }).value.message;
    expect(message).toMatch(/cannot reach the team database at postgres:\/\/paydesk@127\.0\.0\.1:1\/paydesk/);
    expect(message).not.toContain(PASSWORD);
    expect(message).not.toContain('\n');

    const used = await call('team:use', { url: UNREACHABLE, password: PASSWORD });
    expect(used).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(JSON.stringify(used)).not.toContain(PASSWORD);
    expect(host.store?.kind).toBe('local');
    expect(await call('settings:get')).toMatchObject({ ok: true });
  });

  it('browser mode takes no password: it must come from the environment', async () => {
    const { call } = await start(folder());
    for (const args of [{ url: team.url, password: PASSWORD }, { url: withPassword(team.url) }]) {
      const used = await call('team:use', args);
      expect(used).toMatchObject({ ok: false, error: { code: 'invalid-argument', message: expect.stringContaining('PGPASSWORD') } });
      expect(JSON.stringify(used)).not.toContain(PASSWORD);
      expect(await call('team:test', args)).toMatchObject({ ok: true, value: { ok: false, message: expect.stringContaining('PGPASSWORD') } });
    }
    expect(await call('team:status')).toMatchObject({ ok: true, value: { passwordFrom: 'environment', database: { kind: 'local' } } });
  });

  it('a remembered team database that cannot be reached stays the choice: unavailable, retried, and back to this computer on request', async () => {
    const dir = folder();
    fs.writeFileSync(path.join(dir, 'team-database.json'), JSON.stringify({ url: UNREACHABLE }));
    const { host, call, lines } = await start(dir);
    expect(host.store).toBeNull();
    expect(lines.filter((l) => l.includes('cannot reach'))).toHaveLength(1);
    expect(await call('settings:get')).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringContaining('127.0.0.1:1') } });
    expect(await call('app:info')).toMatchObject({ ok: true, value: { database: { kind: 'team', location: UNREACHABLE } } });
    expect(await call('team:status')).toMatchObject({ ok: true, value: { configuredUrl: UNREACHABLE, problem: expect.stringContaining('cannot reach') } });
    await new Promise((r) => setTimeout(r, 350)); // retried meanwhile, logged once
    expect(lines.filter((l) => l.includes('cannot reach'))).toHaveLength(1);
    expect(await call('team:leave')).toMatchObject({ ok: true, value: { database: { kind: 'local' }, problem: null } });
    expect(await call('settings:get')).toMatchObject({ ok: true });
  });
});
