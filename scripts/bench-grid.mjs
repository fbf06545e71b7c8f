#!/usr/bin/env node
// Measures the Duplicates screen in Chromium over a database given with --db (e.g. 100,000 clusters): time to
// the first rows, and time to scroll to the last row.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const db = process.argv[process.argv.indexOf('--db') + 1];
const server = spawn(process.execPath, [path.join(root, 'bin', 'paydesk.js'), 'serve', '--db', db, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve) => {
  let text = '';
  server.stdout.on('data', (c) => {
    text += c;
    const m = /http:\/\/127\.0\.0\.1:\d+\/#token=\S+/.exec(text);
    if (m) resolve(m[0]);
  });
});
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  for (const run of ['cold', 'warm']) {
    const started = Date.now();
    await page.goto(url.replace('#token', '?r=' + run + '#token'));
    await page.goto(url.split('#')[0] + '#/duplicates');
    await page.waitForSelector('.grid-row[data-key]', { timeout: 120_000 });
    const firstRows = Date.now() - started;
    const total = await page.locator('.grid').getAttribute('aria-rowcount');
    const scrollStart = Date.now();
    await page.locator('[data-testid=grid-body]').evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await page.waitForSelector(`.grid-row[aria-rowindex="${total}"][data-key]`, { timeout: 60_000 });
    const toEnd = Date.now() - scrollStart;
    const domRows = await page.locator('.grid-row').count();
    console.log(`${run}: ${total} rows; first rows after ${firstRows} ms; scrolled to the last row in ${toEnd} ms; ${domRows} rows in the DOM`);
  }
} finally {
  await browser.close();
  server.kill('SIGTERM');
}
