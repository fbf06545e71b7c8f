#!/usr/bin/env node
// Screenshots of every screen with the demo data, for docs/screenshots (README). Browser mode in Debian's
// Chromium; run after npm run build.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const out = path.join(root, 'docs', 'screenshots');
fs.mkdirSync(out, { recursive: true });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paydesk-shots-'));
const server = spawn(process.execPath, [path.join(root, 'bin', 'paydesk.js'), 'serve', '--demo', '--db', path.join(dir, 'paydesk.db'), '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve) => {
  let text = '';
  server.stdout.on('data', (c) => {
    text += c;
    const m = /http:\/\/127\.0\.0\.1:\d+\/#token=\S+/.exec(text);
    if (m) resolve(m[0]);
  });
});
const browser = await chromium.launch({
  executablePath: process.env.PAYDESK_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  for (const scheme of ['light', 'dark']) {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme: scheme, timezoneId: 'Europe/Berlin' });
    await page.goto(url);
    const base = url.split('#')[0];
    const shots = scheme === 'light'
      ? [['sync', '#/sync'], ['stuck', '#/stuck'], ['duplicates', '#/duplicates'], ['limited', '#/limited'], ['account', '#/account/acct_00082'], ['settings', '#/settings']]
      : [['duplicates-dark', '#/duplicates']];
    for (const [name, hash] of shots) {
      await page.goto(base + hash);
      await page.waitForSelector('.screen');
      await page.waitForTimeout(800);
      if (name === 'sync') await page.getByTestId('import-row').first().click();
      if (name === 'settings') {
        await page.getByLabel('Stuck after (minutes)').fill('60');
        await page.waitForTimeout(800);
      }
      await page.screenshot({ path: path.join(out, `${name}.png`) });
    }
    if (scheme === 'light') {
      await page.goto(base + '#/duplicates');
      await page.locator('.grid-row').first().click();
      await page.waitForSelector('[data-testid=reply]');
      await page.screenshot({ path: path.join(out, 'evidence.png') });
    }
    await page.close();
  }
} finally {
  await browser.close();
  server.kill('SIGTERM');
}
console.log(`screenshots in ${out}`);
