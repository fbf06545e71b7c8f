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
// A home folder of its own, where the Browse dialog starts (not this machine's).
const home = path.join(dir, 'home');
for (const folder of ['Desktop', 'Documents', 'Downloads', 'Finance/paydesk-exports/stripe', 'Finance/paydesk-exports/ledger', 'Finance/invoices', 'Finance/2026 reports', 'Pictures', '.config', '.cache']) {
  fs.mkdirSync(path.join(home, folder), { recursive: true });
}
fs.writeFileSync(path.join(home, 'Finance', 'notes.txt'), 'not listed: the dialog shows folders only');
const server = spawn(process.execPath, [path.join(root, 'bin', 'paydesk.js'), 'serve', '--demo', '--db', path.join(dir, 'paydesk.db'), '--port', '0'], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, HOME: home },
});
const url = await new Promise((resolve) => {
  let text = '';
  server.stdout.on('data', (c) => {
    text += c;
    const m = /http:\/\/127\.0\.0\.1:\d+\/#token=\S+/.exec(text);
    if (m) resolve(m[0]);
  });
});
/** `node scripts/screenshots.mjs browse-dialog new-flags-toast`: only those. */
const only = process.argv.length > 2 ? process.argv.slice(2) : null;
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

// Browser mode's Browse dialog, inside ~/Finance with the exports folder highlighted.
const browse = async (page) => {
  await page.getByRole('button', { name: 'Browse…' }).click();
  const list = page.getByRole('dialog').getByRole('listbox');
  await list.getByRole('option', { name: 'Finance' }).dblclick();
  await list.getByRole('option', { name: 'paydesk-exports' }).waitFor();
  await list.focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.waitForTimeout(300);
};
// An auto-sync of the demo folder that finds 3 new stuck payments and 1 new mismatch: the toast and the marks.
const newFlags = async (page) => {
  const { asOf } = await call('flags:counts', {});
  const at = (minutes) => new Date(Date.parse(asOf) - minutes * 60_000).toISOString();
  const payments = ['payment_id,account_id,amount,currency,status,created_at,updated_at,invoice_id,email,description'];
  for (const [i, minutes] of [[1, 95], [2, 140], [3, 260]].map(([n, m]) => [n, m])) {
    payments.push(`pay_late_${i},acct_late_${i},${[10, 25, 50][i - 1]}.00,usd,pending,${at(minutes)},,,late.customer${i}@example.com,Credit pack`);
  }
  const ledger = ['entry_id,account_id,type,amount,currency,created_at,payment_id', `le_late_1,acct_late_9,credit_purchased,20.00,usd,${at(30)},pay_nowhere_1`];
  const exports = path.join(dir, 'demo-exports');
  fs.writeFileSync(path.join(exports, 'late-ledger.csv'), `${ledger.join('\n')}\n`);
  fs.writeFileSync(path.join(exports, 'late-payments.csv'), `${payments.join('\n')}\n`);
  await page.getByTestId('toast-new-flags').waitFor({ timeout: 60_000 });
  await page.waitForTimeout(1200);
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
        ['browse-dialog', '#/sync', browse],
        ['new-flags-toast', '#/duplicates', newFlags],
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
      for (const [name, hash, prepare] of list) if (!only || only.includes(name)) await shoot(page, name, hash, prepare);
      await page.close();
    }
  }
} finally {
  await browser.close();
  server.kill('SIGTERM');
}
console.log(`screenshots in ${out}`);
