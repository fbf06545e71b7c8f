// Browser mode, the real server (`paydesk serve`): reachable on 127.0.0.1 only, every API request needs this
// launch's token (compared in constant time), Host and Origin must be its own, nothing is cached, and
// malformed requests are refused without bringing it down.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStrictCsp, parseCsp } from './csp.js';

const root = path.resolve(__dirname, '..', '..');
let server: ChildProcess;
let dir: string;
let port: number;
let token: string;

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(options: { path: string; method?: string; headers?: Record<string, string>; body?: string; host?: string }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: options.host ?? '127.0.0.1', port, path: options.path, method: options.method ?? 'GET', headers: options.headers, agent: false },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => {
          body += chunk.toString();
          if (res.headers['content-type']?.startsWith('text/event-stream')) req.destroy();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('close', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Raw bytes, for requests an HTTP client would not send (no Host, absolute-form targets, bad escapes). */
function raw(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // write, not end: a half-closed socket may be dropped before an asynchronous answer (a file read) is sent.
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    socket.setTimeout(5000, () => socket.destroy());
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

const json = () => ({ 'content-type': 'application/json', 'x-paydesk-token': token });
const call = (method: string, headers: Record<string, string>, body = '{}') => request({ path: `/api/call/${method}`, method: 'POST', headers, body });
const host = () => `127.0.0.1:${port}`;

async function stillServing(): Promise<void> {
  expect(server.exitCode).toBeNull();
  const ok = await call('settings:get', json());
  expect(ok.status).toBe(200);
  expect(JSON.parse(ok.body)).toMatchObject({ ok: true });
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paydesk-browser-mode-'));
  server = spawn(process.execPath, [path.join(root, 'bin/paydesk.js'), 'serve', '--db', path.join(dir, 'paydesk.db'), '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PAYDESK_DB: '' },
  });
  const url = await new Promise<URL>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve printed no URL: ${out}`)), 30_000);
    server.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /http:\/\/[^\s]+\/#token=[A-Za-z0-9_-]+/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(new URL(match[0]));
      }
    });
    server.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
  expect(url.hostname).toBe('127.0.0.1');
  port = Number(url.port);
  token = url.hash.replace('#token=', '');
}, 40_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the listening socket', () => {
  it.runIf(process.platform === 'linux')('is bound to 127.0.0.1, not to every address (the kernel table says so)', () => {
    const listeners = (file: string) =>
      fs.readFileSync(file, 'utf8').split('\n').slice(1).map((line) => line.trim().split(/\s+/)).filter((f) => f[3] === '0A' && f[1]?.endsWith(`:${port.toString(16).toUpperCase().padStart(4, '0')}`)).map((f) => f[1].split(':')[0]);
    expect(listeners('/proc/net/tcp')).toEqual(['0100007F']);
    if (fs.existsSync('/proc/net/tcp6')) expect(listeners('/proc/net/tcp6')).toEqual([]);
  });

  it('refuses connections on other local addresses (127.0.0.2, ::1), which a 0.0.0.0 listener would take', async () => {
    const connects = (address: string) =>
      new Promise<boolean>((resolve) => {
        const socket = net.connect({ host: address, port, timeout: 2000 }, () => {
          socket.destroy();
          resolve(true);
        });
        socket.on('error', () => resolve(false));
        socket.on('timeout', () => {
          socket.destroy();
          resolve(false);
        });
      });
    expect(await connects('127.0.0.1')).toBe(true);
    expect(await connects('127.0.0.2')).toBe(false);
    expect(await connects('::1')).toBe(false);
  });

  it('the server code names 127.0.0.1 as its only host', () => {
    const source = fs.readFileSync(path.join(root, 'main/web/server.ts'), 'utf8');
    expect(source).toMatch(/host\?: '127\.0\.0\.1';/);
    expect(source).not.toMatch(/0\.0\.0\.0|'::'|INADDR_ANY/);
  });
});

describe('the token', () => {
  it('the right token is answered', async () => {
    await stillServing();
  });

  it('a request without it, with a wrong one, or with it in the URL instead of the header is refused', async () => {
    const wrongSameLength = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    expect(wrongSameLength).toHaveLength(token.length);
    const refused: Record<string, string>[] = [
      { 'content-type': 'application/json' },
      { 'content-type': 'application/json', 'x-paydesk-token': '' },
      { 'content-type': 'application/json', 'x-paydesk-token': wrongSameLength },
      { 'content-type': 'application/json', 'x-paydesk-token': token.toLowerCase() === token ? token.toUpperCase() : token.toLowerCase() },
      { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      { 'content-type': 'application/json', cookie: `paydesk-token=${token}` },
    ];
    for (const headers of refused) {
      expect((await call('settings:get', headers)).status, JSON.stringify(Object.keys(headers))).toBe(401);
    }
    expect((await request({ path: `/api/call/settings:get?token=${token}`, method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(401);
    expect((await request({ path: '/api/events' })).status).toBe(401);
    expect((await request({ path: '/api/events', headers: { 'x-paydesk-token': wrongSameLength } })).status).toBe(401);
  });

  it('a token of another length is refused without throwing, and the server keeps serving', async () => {
    for (const given of ['x', token.slice(0, -1), token + 'x', token + token, 'é'.repeat(token.length / 2), 'a'.repeat(8000)]) {
      expect((await call('settings:get', { ...json(), 'x-paydesk-token': given })).status, `${given.length} chars`).toBe(401);
    }
    await stillServing();
  });

  it('is compared in constant time (crypto.timingSafeEqual, never === or !==)', () => {
    const source = fs.readFileSync(path.join(root, 'main/web/server.ts'), 'utf8');
    expect(source).toMatch(/crypto\.timingSafeEqual\(/);
    const comparisons = source.split('\n').filter((line) => /(?<!typeof\s)\b(?:token|secret|given)\s*[!=]==|[!=]==\s*(?:token|secret|given)\b/i.test(line));
    expect(comparisons).toEqual([]);
    expect(source).toMatch(/sameSecret\(given, token\)/);
  });

  it('is new for every launch: 256 random bits, base64url', () => {
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('Host and Origin (DNS rebinding, other sites)', () => {
  it('a foreign Host is refused, for the API and for the page', async () => {
    for (const hostHeader of [`evil.example:${port}`, 'evil.example', '127.0.0.1', `127.0.0.1:${port + 1}`, `127.0.0.1.nip.io:${port}`, `[::1]:${port}`, `0.0.0.0:${port}`]) {
      expect((await call('settings:get', { ...json(), host: hostHeader })).status, hostHeader).toBe(421);
      expect((await request({ path: '/', headers: { host: hostHeader } })).status, hostHeader).toBe(421);
    }
    expect(await raw('GET / HTTP/1.0\r\nConnection: close\r\n\r\n')).toMatch(/^HTTP\/1\.1 421/);
  });

  it('a foreign Origin is refused', async () => {
    for (const origin of ['http://evil.example', `http://evil.example:${port}`, 'null', `https://${host()}`, `http://127.0.0.1:${port + 1}`, 'app://paydesk', `http://${host()}.evil.example`]) {
      expect((await call('settings:get', { ...json(), origin })).status, origin).toBe(403);
    }
    expect((await call('settings:get', { ...json(), origin: `http://${host()}` })).status).toBe(200);
  });
});

describe('responses', () => {
  it('every response carries Cache-Control: no-store, API and refusals and page alike', async () => {
    const replies: [string, Reply][] = [
      ['api ok', await call('settings:get', json())],
      ['api invalid argument', await call('stuck:listPage', json(), '{"offset":-1,"limit":5}')],
      ['api unknown method', await call('evil:run', json())],
      ['no token', await call('settings:get', { 'content-type': 'application/json' })],
      ['foreign host', await call('settings:get', { ...json(), host: 'evil.example' })],
      ['foreign origin', await call('settings:get', { ...json(), origin: 'http://evil.example' })],
      ['not JSON', await call('settings:get', json(), '{')],
      ['wrong content type', await call('settings:get', { ...json(), 'content-type': 'text/plain' })],
      ['no such endpoint', await request({ path: '/api/nothing', method: 'POST', headers: json() })],
      ['event stream', await request({ path: '/api/events', headers: { 'x-paydesk-token': token } })],
      ['page', await request({ path: '/' })],
      ['missing file', await request({ path: '/nothing.js' })],
    ];
    for (const [what, reply] of replies) expect(reply.headers['cache-control'], what).toBe('no-store');
    expect(replies.find(([w]) => w === 'event stream')?.[1].headers['content-type']).toMatch(/^text\/event-stream/);
    expect(JSON.parse(replies[1][1].body)).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
  });

  it('the page is sent with a strict Content-Security-Policy, framing forbidden', async () => {
    const page = await request({ path: '/' });
    expect(page.status).toBe(200);
    const policy = String(page.headers['content-security-policy']);
    expectStrictCsp(policy);
    expect(parseCsp(policy).get('frame-ancestors')).toEqual(["'none'"]);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves no file outside the built renderer', async () => {
    for (const target of ['/../package.json', '/..%2fpackage.json', '/..%2f..%2fpackage.json', '/%2e%2e/%2e%2e/package.json', '/assets/..%2f..%2f..%2fpackage.json', '/%2fetc%2fpasswd']) {
      const reply = await raw(`GET ${target} HTTP/1.1\r\nHost: ${host()}\r\nConnection: close\r\n\r\n`);
      expect(reply, target).toMatch(/^HTTP\/1\.1 (400|404)/);
      expect(reply).not.toContain('"name": "paydesk"');
    }
  });

  it('malformed requests are refused, and the server keeps serving', async () => {
    expect(await raw(`GET /%E0%A4%A HTTP/1.1\r\nHost: ${host()}\r\nConnection: close\r\n\r\n`)).toMatch(/^HTTP\/1\.1 400/);
    expect(await raw(`GET http://[ HTTP/1.1\r\nHost: ${host()}\r\nConnection: close\r\n\r\n`)).toMatch(/^HTTP\/1\.1 400/);
    // Over 1 MiB: answered 413 and cut off, so the client may see the reset before the answer.
    const tooLarge = await call('settings:get', json(), 'x'.repeat(2 << 20)).then((r) => r.status, (e: NodeJS.ErrnoException) => e.code);
    expect([413, 'ECONNRESET', 'EPIPE']).toContain(tooLarge);
    await stillServing();
  });
});
