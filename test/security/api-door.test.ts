// Every API method's argument is validated at the door: dispatch() (both transports) and answerInvoke() (the
// IPC handler, which checks the sender first). A malformed argument never reaches the service.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { API_METHODS, type ApiMethod, type Handlers } from '../../shared/api.js';
import { dispatch } from '../../main/core/service/dispatch.js';
import { answerInvoke } from '../../main/ipc-door.js';

function spyHandlers() {
  const spies = Object.fromEntries(API_METHODS.map((m) => [m, vi.fn(() => ({}))])) as Record<ApiMethod, ReturnType<typeof vi.fn>>;
  return { handlers: spies as unknown as Handlers, calls: () => Object.values(spies).reduce((n, spy) => n + spy.mock.calls.length, 0), spies };
}

/** Garbage that no method takes. (null and undefined mean "no argument", which the no-argument methods take.) */
const GARBAGE: unknown[] = [
  42,
  'settings:get',
  true,
  [],
  [{}],
  { unexpected: 1 },
  JSON.parse('{"__proto__": {"polluted": true}}'),
  { constructor: { prototype: { polluted: true } } },
];

/** For each method, an argument that looks right but is not: the schema must catch the detail. */
const NEAR_MISS: Record<ApiMethod, unknown> = {
  'app:info': { verbose: true },
  'sync:start': { paths: '/home/me/exports' },
  'sync:cancel': { force: true },
  'sync:status': { id: 1 },
  'imports:list': { limit: 1e9 },
  'imports:report': { importId: '1' },
  'stuck:listPage': { offset: -1, limit: 10 },
  'duplicates:listPage': { offset: 0, limit: 10, sort: { column: 'key; DROP TABLE payments', dir: 'asc' } },
  'limited:listPage': { offset: 0, limit: 10.5 },
  'mismatches:listPage': { offset: 0, limit: 10, filter: { mismatchKind: 'stolen' } },
  'followups:list': { accountId: '' },
  'flags:counts': { settings: { stuckAfterMinutes: -5, duplicateWindowMinutes: 0, lookbackDays: 1, tierThresholdCents: 0 } },
  'flags:evidence': { kind: 'everything', key: 'pay_1' },
  'account:search': { term: 'x'.repeat(10_000) },
  'account:get': { accountId: '' },
  'reviews:decide': { kind: 'stuck', keys: ['pay_1'], decision: 'refunded', note: '' },
  'reviews:list': { kind: 'all' },
  'settings:get': { key: 'reviewerName' },
  'settings:update': { methodStuckAfterMinutes: { 'Card; DROP': 5 } },
  'export:csv': { list: 'payments' },
  'mappings:list': { all: true },
  'mappings:save': { importId: 1, kind: 'refunds', fields: {} },
  'mappings:delete': { id: 0 },
  'folders:pick': { defaultPath: '/' },
  'folders:list': { path: '../../etc' },
  'team:test': { url: 'mysql://paydesk@db.example/paydesk' },
  'team:use': { url: 'postgres://paydesk@db.example/paydesk', password: 12345 },
  'team:leave': { copy: true },
  'team:status': { refresh: true },
};

afterEach(() => {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

describe('argument validation', () => {
  it('has a near miss for every method of the contract', () => {
    expect(Object.keys(NEAR_MISS).sort()).toEqual([...API_METHODS].sort());
    expect(API_METHODS.length).toBeGreaterThanOrEqual(24);
  });

  it.each(API_METHODS)('%s refuses malformed arguments with a clear error, and the service is never called', async (method) => {
    const { handlers, calls } = spyHandlers();
    for (const args of [...GARBAGE, NEAR_MISS[method]]) {
      const response = await dispatch(handlers, method, args);
      expect(response, JSON.stringify(args)?.slice(0, 80)).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
      if (!response.ok) expect(response.error.message.startsWith(`${method}: `), response.error.message).toBe(true);
    }
    expect(calls()).toBe(0);
  });

  it('a well-formed argument does reach the service (the spy works)', async () => {
    const { handlers, spies } = spyHandlers();
    expect(await dispatch(handlers, 'stuck:listPage', { offset: 0, limit: 10 })).toEqual({ ok: true, value: {} });
    expect(spies['stuck:listPage']).toHaveBeenCalledWith({ offset: 0, limit: 10 });
  });

  it('unknown method names are refused, including the names every object inherits', async () => {
    const { handlers, calls } = spyHandlers();
    for (const method of ['evil:run', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'app:Info', ' app:info', '', 42, null, undefined, ['app:info'], { name: 'app:info' }]) {
      expect(await dispatch(handlers, method, {}), String(method)).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    }
    expect(calls()).toBe(0);
  });

  it('an error inside a handler comes back as a value, not a crash', async () => {
    const { handlers } = spyHandlers();
    (handlers as unknown as Record<string, () => never>)['app:info'] = () => {
      throw new Error('disk on fire');
    };
    expect(await dispatch(handlers, 'app:info', {})).toEqual({ ok: false, error: { code: 'failed', message: 'disk on fire' } });
  });
});

describe('the IPC handler', () => {
  const appFrame = { url: 'app://paydesk/index.html', parent: null };

  it('answers the app page in the top frame', async () => {
    const { handlers, spies } = spyHandlers();
    expect(await answerInvoke(handlers, appFrame, 'app:info', {})).toEqual({ ok: true, value: {} });
    expect(spies['app:info']).toHaveBeenCalledOnce();
  });

  it('refuses foreign origins, subframes and vanished frames before looking at the call', async () => {
    const { handlers, calls } = spyHandlers();
    const frames = [
      { url: 'https://evil.example/', parent: null },
      { url: 'file:///home/me/evil.html', parent: null },
      { url: 'app://paydesk.evil.example/index.html', parent: null },
      { url: 'about:blank', parent: null },
      { url: 'app://paydesk/index.html', parent: appFrame },
      { url: '', parent: null },
      null,
      undefined,
    ];
    for (const frame of frames) {
      const response = await answerInvoke(handlers, frame, 'settings:update', { reviewerName: 'mallory' });
      expect(response, JSON.stringify(frame)).toMatchObject({ ok: false, error: { message: expect.stringContaining('refused') } });
    }
    expect(calls()).toBe(0);
  });

  it('validates the argument of a trusted sender too', async () => {
    const { handlers, calls } = spyHandlers();
    for (const method of API_METHODS) {
      expect(await answerInvoke(handlers, appFrame, method, NEAR_MISS[method])).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    }
    expect(await answerInvoke(handlers, appFrame, 'evil:run', {})).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    expect(calls()).toBe(0);
  });
});
