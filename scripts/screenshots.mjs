#!/usr/bin/env node
// Screenshots of every screen with the demo data, for docs/screenshots (README). Browser mode in Debian's
// Chromium, at 1440 px (and the two reconciliation lists at 1280 px too); run after npm run build.
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
const base = url.split('#')[0];
const token = url.split('#token=')[1];

/** One call of the API contract, to pick what to show from the data rather than by a fixed id. */
async function call(method, args) {
  const res = await fetch(`${base}api/call/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-paydesk-token': token }, body: JSON.stringify(args) });
  const body = await res.json();
  if (!body.ok) throw new Error(`${method}: ${body.error.message}`);
  return body.value;
}

// The account of the half-done refund: a follow-up, a refunded payment and a mismatch on one screen.
const { followups } = await call('followups:list', {});
const halfDone = followups.find((f) => f.state === 'refunded_not_reversed') ?? followups[0];
const account = halfDone?.accountId ?? 'acct_00082';

const browser = await chromium.launch({
  executablePath: process.env.PAYDESK_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

async function shoot(page, name, hash, prepare) {
  await page.goto(base + hash);
  await page.waitForSelector('.screen');
  await page.waitForTimeout(800);
  if (prepare) await prepare(page);
  await page.screenshot({ path: path.join(out, `${name}.png`) });
}

const selectSync = (page) => page.getByTestId('import-row').first().click();
const editThresholds = async (page) => {
  await page.getByLabel('Bank debits stuck after', { exact: true }).fill('1');
  await page.getByRole('button', { name: 'Add a method' }).click();
  await page.getByLabel('Payment method 1').fill('sepa_debit');
  await page.getByLabel('Stuck after for sepa_debit', { exact: true }).fill('10');
  await page.getByLabel('Stuck after for sepa_debit: unit').selectOption('days');
  await page.waitForTimeout(900);
};
const openFirstRow = async (page) => {
  await page.locator('.grid-row').first().click();
  await page.waitForSelector('[data-testid=reply]');
};
const openMismatch = async (page) => {
  await page.getByLabel('Kind').selectOption('refund_not_reversed');
  await page.waitForTimeout(500);
  await openFirstRow(page);
  // The arithmetic and the note for finance, rather than the rule's inputs, fill the card.
  await page.getByRole('region', { name: 'Processor and ledger side by side' }).evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await page.waitForTimeout(200);
};

try {
  const shots = {
    light: {
      1440: [
        ['sync', '#/sync', selectSync],
        ['stuck', '#/stuck'],
        ['duplicates', '#/duplicates'],
        ['limited', '#/limited'],
        ['mismatches', '#/mismatches'],
        ['followups', '#/followups'],
        ['account', `#/account/${encodeURIComponent(account)}`],
        ['settings', '#/settings', editThresholds],
        ['evidence', '#/duplicates', openFirstRow],
        ['mismatch-evidence', '#/mismatches', openMismatch],
      ],
      1280: [
        ['mismatches-1280', '#/mismatches'],
        ['followups-1280', '#/followups'],
      ],
    },
    dark: {
      1440: [
        ['duplicates-dark', '#/duplicates'],
        ['mismatches-dark', '#/mismatches'],
        ['stuck-dark', '#/stuck'],
        ['settings-dark', '#/settings', editThresholds],
      ],
    },
  };
  for (const [scheme, widths] of Object.entries(shots)) {
    for (const [width, list] of Object.entries(widths)) {
      const page = await browser.newPage({ viewport: { width: Number(width), height: 900 }, colorScheme: scheme, timezoneId: 'Europe/Berlin' });
      await page.goto(url);
      for (const [name, hash, prepare] of list) await shoot(page, name, hash, prepare);
      await page.close();
    }
  }
} finally {
  await browser.close();
  server.kill('SIGTERM');
}
console.log(`screenshots in ${out}`);
