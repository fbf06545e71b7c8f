// The real desktop window, where an Electron binary exists (ELECTRON_OVERRIDE_DIST_PATH or a downloaded one);
// reported as skipped elsewhere, never as a silent pass.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron } from '@playwright/test';
import { hashToRoute, parsePaydeskLink } from '../../shared/links.js';
import { expect, test } from './fixtures.js';

const root = path.resolve(__dirname, '..', '..');

function electronBinary(): string | null {
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const candidates = ['electron', 'Electron.app/Contents/MacOS/Electron', 'electron.exe'].map((f) => path.join(override, f));
    return candidates.find((c) => fs.existsSync(c)) ?? null;
  }
  const pathTxt = path.join(root, 'node_modules', 'electron', 'path.txt');
  if (!fs.existsSync(pathTxt)) return null;
  const binary = path.join(root, 'node_modules', 'electron', 'dist', fs.readFileSync(pathTxt, 'utf8').trim());
  return fs.existsSync(binary) ? binary : null;
}

const binary = electronBinary();

test('the desktop window opens hardened, with the demo data', async () => {
  test.skip(binary === null, 'no Electron binary here (set ELECTRON_OVERRIDE_DIST_PATH or install electron with network access)');
  const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'paydesk-electron-'));
  const app = await electron.launch({
    executablePath: binary as string,
    args: [path.join(root, 'dist', 'main', 'index.js')],
    env: { ...process.env, PAYDESK_USER_DATA: userData },
  });
  const window = await app.firstWindow();
  await expect(window.getByRole('link', { name: /Duplicates/ })).toBeVisible();
  const exposed = await window.evaluate(() => ({
    require: typeof (globalThis as { require?: unknown }).require,
    process: typeof (globalThis as { process?: unknown }).process,
    bridge: Object.keys((window as unknown as { paydesk: object }).paydesk).sort(),
  }));
  expect(exposed).toEqual({ require: 'undefined', process: 'undefined', bridge: ['invoke', 'on'] });
  await app.close();
});

test('a paydesk:// link opens its screen, at launch and when a second launch hands it to the first', async () => {
  test.skip(binary === null, 'no Electron binary here (set ELECTRON_OVERRIDE_DIST_PATH or install electron with network access)');
  const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'paydesk-electron-'));
  const env = { ...process.env, PAYDESK_USER_DATA: userData };
  const main = path.join(root, 'dist', 'main', 'index.js');
  const app = await electron.launch({ executablePath: binary as string, args: [main, 'paydesk://duplicates?decision=open'], env });
  const window = await app.firstWindow();
  const route = () => window.evaluate(() => location.hash).then(hashToRoute);
  await expect.poll(route).toEqual(parsePaydeskLink('paydesk://duplicates?decision=open')!.route);
  await expect(window.getByRole('heading', { level: 1, name: /duplicate/i })).toBeVisible();

  // The second launch finds the first holding the lock, hands over its link and quits.
  const second = spawn(binary as string, [main, 'paydesk://mismatches?kind=refund_not_reversed'], { env, stdio: 'ignore' });
  const code = await new Promise<number | null>((resolve) => second.once('exit', resolve));
  expect(code).toBe(0);
  const mismatches = parsePaydeskLink('paydesk://mismatches?kind=refund_not_reversed')!.route;
  await expect.poll(route).toEqual(mismatches);

  // A link outside the closed list changes nothing.
  const hostile = spawn(binary as string, [main, 'paydesk://account/..%2F..%2Fetc'], { env, stdio: 'ignore' });
  await new Promise((resolve) => hostile.once('exit', resolve));
  await window.waitForTimeout(500);
  expect(parsePaydeskLink('paydesk://account/..%2F..%2Fetc')).toBeNull();
  expect(await route()).toEqual(mismatches);
  await app.close();
});
