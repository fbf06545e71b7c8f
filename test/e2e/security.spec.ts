import http from 'node:http';
import { expect, test } from './fixtures.js';

function request(port: number, options: { path: string; method?: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: options.path, method: options.method ?? 'POST', headers: options.headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

test('browser mode refuses requests without the token, with a foreign Host or a foreign Origin', async ({ paydesk }) => {
  const json = { 'content-type': 'application/json' };
  const call = { path: '/api/call/settings:get', body: '{}' };
  const ok = await request(paydesk.port, { ...call, headers: { ...json, 'x-paydesk-token': paydesk.token } });
  expect(ok.status).toBe(200);
  expect(JSON.parse(ok.body).ok).toBe(true);

  expect((await request(paydesk.port, { ...call, headers: json })).status).toBe(401);
  expect((await request(paydesk.port, { ...call, headers: { ...json, 'x-paydesk-token': paydesk.token.slice(0, -1) + 'x' } })).status).toBe(401);
  expect((await request(paydesk.port, { ...call, headers: { ...json, 'x-paydesk-token': paydesk.token, host: `evil.example:${paydesk.port}` } })).status).toBe(421);
  expect((await request(paydesk.port, { path: '/', method: 'GET', headers: { host: 'attacker.test' } })).status).toBe(421);
  expect((await request(paydesk.port, { ...call, headers: { ...json, 'x-paydesk-token': paydesk.token, origin: 'http://evil.example' } })).status).toBe(403);
  expect((await request(paydesk.port, { path: '/api/events', method: 'GET', headers: {} })).status).toBe(401);

  const invalid = await request(paydesk.port, { path: '/api/call/stuck:listPage', body: '{"offset":-1,"limit":5}', headers: { ...json, 'x-paydesk-token': paydesk.token } });
  expect(JSON.parse(invalid.body)).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
});
