// A browser-mode server per test, on its own temp database, with the fixture exports copied to a temp folder.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import type { ApiArgs, ApiMethod, ApiResult } from '../../shared/api.js';

const root = path.resolve(__dirname, '..', '..');
const cli = path.join(root, 'bin', 'paydesk.js');
export const FIXTURES = path.join(root, 'test', 'fixtures', 'csv');

export interface PaydeskServer {
  url: string;
  origin: string;
  port: number;
  token: string;
  dir: string;
  exportsDir: string;
  dbFile: string;
}

/** The API of a browser-mode server, called as the renderer does (token header), outside the page. */
export type ApiCall = <M extends ApiMethod>(method: M, args: ApiArgs<M>) => Promise<ApiResult<M>>;

/** The origin, token and API of a server from the URL `serve` printed. */
export function apiOf(url: string): { origin: string; token: string; call: ApiCall } {
  const parsed = new URL(url);
  const token = parsed.hash.replace('#token=', '');
  const call: ApiCall = async (method, args) => {
    const res = await fetch(`${parsed.origin}/api/call/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-paydesk-token': token },
      body: JSON.stringify(args),
    });
    const body = (await res.json()) as { ok: boolean; value?: unknown; error?: { message: string } };
    if (!body.ok) throw new Error(`${method}: ${body.error?.message}`);
    return body.value as ApiResult<typeof method>;
  };
  return { origin: parsed.origin, token, call };
}

/** `env`: added to this process's environment (e.g. HOME, where the Browse dialog starts). */
export async function startServer(dbFile: string, extraArgs: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<{ server: ChildProcess; url: string }> {
  const server = spawn(process.execPath, [cli, 'serve', '--db', dbFile, '--port', '0', ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  // Read for as long as the server runs: its log goes to stderr, and a pipe nobody reads fills up (64 KB) and then
  // blocks the server's writes, and with them the server (Node writes to pipes synchronously on Linux).
  server.stderr?.resume();
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve did not print its URL: ${out}`)), 30_000);
    server.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]+/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    });
    server.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
  return { server, url };
}

/** Imports files with the CLI before the server starts (for tests that are not about syncing). */
export function importWithCli(dbFile: string, paths: string[]): void {
  spawnSync(process.execPath, [cli, 'import', '--db', dbFile, ...paths], { stdio: 'ignore' });
}

export const test = base.extend<{ paydesk: PaydeskServer; preload: 'none' | 'fixtures' }>({
  preload: ['none', { option: true }],
  paydesk: async ({ preload }, use) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paydesk-e2e-'));
    const exportsDir = path.join(dir, 'exports');
    fs.mkdirSync(exportsDir);
    for (const file of fs.readdirSync(FIXTURES)) fs.copyFileSync(path.join(FIXTURES, file), path.join(exportsDir, file));
    const dbFile = path.join(dir, 'paydesk.db');
    if (preload === 'fixtures') importWithCli(dbFile, [exportsDir]);
    const { server, url } = await startServer(dbFile);
    const parsed = new URL(url);
    await use({ url, origin: parsed.origin, port: Number(parsed.port), token: parsed.hash.replace('#token=', ''), dir, exportsDir, dbFile });
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    fs.rmSync(dir, { recursive: true, force: true });
  },
});

export { expect };

export async function gridKeys(page: Page): Promise<string[]> {
  await expect(page.locator('.grid-skeleton')).toHaveCount(0);
  return page.locator('.grid-row[data-key]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key') ?? ''));
}

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`) });
  await test.info().attach(name, { path: test.info().outputPath(`${name}.png`), contentType: 'image/png' });
}
