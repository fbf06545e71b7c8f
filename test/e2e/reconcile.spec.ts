// Reconciliation in Chromium with the demo data (issue #9): the Mismatches and Follow-ups screens, a mismatch
// decision across a reload and a re-sync, the CSV export, the evidence card's arithmetic, and the stuck rule's
// per-method threshold. The planted cases are found through the API, never by their ids.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Papa from 'papaparse';
import type { MismatchRow, Reconciliation } from '../../shared/api.js';
import { MISMATCH_KINDS, type MismatchKind } from '../../shared/domain.js';
import { formatMoney } from '../../shared/money.js';
import type { Page } from '@playwright/test';
import { expect, gridKeys, screenshot, apiOf, type ApiCall, startServer, test as base } from './fixtures.js';

interface DemoServer {
  url: string;
  origin: string;
  token: string;
  exportsDir: string;
  call: ApiCall;
}

async function serve(withDemo: boolean, use: (demo: DemoServer) => Promise<void>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paydesk-e2e-reconcile-'));
  const dbFile = path.join(dir, 'paydesk.db');
  const { server, url } = await startServer(dbFile, withDemo ? ['--demo'] : []);
  const { origin, token, call } = apiOf(url);
  try {
    await use({ url, origin, token, exportsDir: path.join(dir, 'demo-exports'), call });
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const test = base.extend<{ demo: DemoServer; empty: DemoServer }>({
  demo: async ({}, use) => serve(true, use),
  empty: async ({}, use) => serve(false, use),
});

const KIND_WORDS: Record<MismatchKind, string> = {
  credited_twice: 'Credited twice',
  amount_differs: 'Amount differs',
  credited_not_paid: 'Credited but not paid',
  refund_not_reversed: 'Refund not reversed',
  unknown_payment: 'Credits for an unknown payment',
};

const BY_STAKE = { column: 'stake', dir: 'desc' } as const;

async function mismatches(demo: DemoServer, kind?: MismatchKind) {
  return demo.call('mismatches:listPage', { offset: 0, limit: 200, sort: BY_STAKE, filter: kind ? { mismatchKind: kind } : {} });
}

/** Opens the app (the URL carries the launch token in its fragment), then a screen through the sidebar. */
async function openScreen(page: Page, server: DemoServer, name: RegExp) {
  await page.goto(server.url);
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name }).click();
}

/** A mismatch's delta from its figures, as rules.md §4 defines it per kind (same currency). */
function ruleDelta(kind: MismatchKind, r: Reconciliation): number {
  switch (kind) {
    case 'credited_twice':
    case 'amount_differs':
      return r.creditedCents - r.paidCents;
    case 'credited_not_paid':
    case 'unknown_payment':
      return r.creditedCents;
    case 'refund_not_reversed':
      return Math.min(r.returnedCents, r.creditedCents) - r.reversedCents;
  }
}

const navCount = (page: Page, name: RegExp) => page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name }).locator('.count');

/** The amount at stake, as rules.md §4 sorts by it. */
const stake = (m: MismatchRow) => (m.deltaCents === null ? m.creditedCents : Math.abs(m.deltaCents));

test('the Mismatches screen lists every planted kind, largest amount at stake first, and filters by kind', async ({ page, demo }) => {
  const page1 = await mismatches(demo);
  const counts = await demo.call('flags:counts', {});
  expect(page1.total).toBeGreaterThan(0);
  expect(counts.mismatches).toBe(page1.unfiltered);
  const stakes = page1.rows.map(stake);
  expect(stakes).toEqual([...stakes].sort((a, b) => b - a));

  await page.goto(demo.url);
  await expect(navCount(page, /Mismatches/)).toHaveText(counts.mismatches.toLocaleString('en-US'));
  await page.getByRole('link', { name: /Mismatches/ }).click();
  const shown = await gridKeys(page);
  expect(shown.length).toBeGreaterThan(0);
  expect(shown).toEqual(page1.rows.slice(0, shown.length).map((r) => r.key));

  const first = page1.rows[0];
  const row = page.locator(`.grid-row[data-key="${first.key}"]`);
  await expect(row).toContainText(KIND_WORDS[first.kind]);
  await expect(row).toContainText(formatMoney(first.amountCents, first.currency));
  await expect(row).toContainText(first.paymentId);
  await screenshot(page, 'mismatches');

  for (const kind of MISMATCH_KINDS) {
    const ofKind = await mismatches(demo, kind);
    expect(ofKind.total, `the demo plants a ${kind} mismatch`).toBeGreaterThan(0);
    await page.getByLabel('Kind').selectOption({ label: KIND_WORDS[kind] });
    await expect(page.getByTestId('row-count')).toHaveText(`${ofKind.total.toLocaleString('en-US')} of ${page1.unfiltered.toLocaleString('en-US')} rows`);
    await expect.poll(async () => (await gridKeys(page)).every((k) => k.startsWith(`${kind}:`))).toBe(true);
    const keys = await gridKeys(page);
    expect(keys).toEqual(ofKind.rows.slice(0, keys.length).map((r) => r.key));
    await expect(page.locator('.grid-row').first()).toContainText(KIND_WORDS[kind]);
  }
});

test('a mismatch decision with a note survives a reload and a re-sync', async ({ page, demo }) => {
  const target = (await mismatches(demo, 'credited_twice')).rows[0];
  await openScreen(page, demo, /Mismatches/);
  await page.getByLabel('Filter this list').fill(target.paymentId);
  const row = page.locator(`.grid-row[data-key="${target.key}"]`);
  await row.click();
  const card = page.getByRole('dialog', { name: 'Evidence' });
  await card.getByRole('radio', { name: 'expected' }).click();
  await card.getByLabel('Note').fill('Second credit was a goodwill grant (FIN-77)');
  await card.getByRole('button', { name: 'Save decision' }).click();
  await expect(card).toContainText('Second credit was a goodwill grant (FIN-77)');
  await expect(row).toContainText('expected');

  await page.reload();
  await page.getByLabel('Filter this list').fill(target.paymentId);
  await expect(page.locator(`.grid-row[data-key="${target.key}"]`)).toContainText('expected');

  // Re-sync the demo folder with a changed payments export (one more payment): the mismatch keeps its decision.
  const paymentsFile = path.join(demo.exportsDir, 'payments.csv');
  const header = fs.readFileSync(paymentsFile, 'utf8').split(/\r?\n/, 1)[0].split(',');
  const extra: Record<string, string> = {
    payment_id: 'pay_e2e_resync', account_id: 'acct_e2e_resync', amount: '7.00', currency: 'usd', status: 'succeeded',
    created_at: '2026-11-19T10:00:00Z', updated_at: '2026-11-19T10:00:00Z', email: 'resync@example.com',
  };
  fs.appendFileSync(paymentsFile, header.map((column) => extra[column] ?? '').join(',') + '\n');
  await page.getByRole('link', { name: 'Sync' }).click();
  await page.getByRole('button', { name: 'Sync now' }).click();
  await expect(page.getByTestId('progress-text')).toContainText('done');
  await expect(page.getByTestId('import-row').filter({ hasText: 'payments.csv' }).filter({ hasNotText: 'stripe_' }).first()).toContainText('imported');
  expect((await demo.call('account:get', { accountId: 'acct_e2e_resync' })).payments).toHaveLength(1);

  await page.getByRole('link', { name: /Mismatches/ }).click();
  await page.getByLabel('Filter this list').fill(target.paymentId);
  const after = page.locator(`.grid-row[data-key="${target.key}"]`);
  await expect(after).toContainText('expected');
  // Under load the list can still be reloading after the sync (it failed so once in CI, beside other browser
  // tests): a click on the row being replaced opens no card, so click until it does.
  await expect(async () => {
    await after.click();
    await expect(card).toBeVisible({ timeout: 1_000 });
  }).toPass();
  await expect(card).toContainText('Second credit was a goodwill grant (FIN-77)');
  await expect(card.getByRole('radio', { name: 'expected' })).toHaveAttribute('aria-checked', 'true');
  const stored = (await mismatches(demo, 'credited_twice')).rows.find((r) => r.key === target.key);
  expect(stored?.review).toMatchObject({ decision: 'expected', note: 'Second credit was a goodwill grant (FIN-77)' });
});

test("the mismatches CSV holds the list's rows, kinds and amounts in the list's order", async ({ page, demo }) => {
  const page1 = await mismatches(demo);
  await openScreen(page, demo, /Mismatches/);
  await gridKeys(page);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^paydesk-mismatches-\d{4}-\d{2}-\d{2}\.csv$/);
  let text = '';
  for await (const chunk of await file.createReadStream()) text += chunk.toString();
  const csv = Papa.parse<Record<string, string>>(text.trim(), { header: true });
  expect(csv.errors).toEqual([]);
  expect(csv.data).toHaveLength(page1.unfiltered);
  expect(csv.meta.fields).toEqual(expect.arrayContaining(['key', 'kind', 'payment_id', 'currency', 'amount_cents', 'credited_cents', 'reversed_cents', 'returned_cents', 'delta_cents']));
  const firstRows = csv.data.slice(0, page1.rows.length);
  expect(firstRows.map((r) => r.key)).toEqual(page1.rows.map((r) => r.key));
  for (const [i, m] of page1.rows.entries()) {
    const r = firstRows[i];
    expect({ kind: r.kind, payment: r.payment_id, amount: Number(r.amount_cents), credited: Number(r.credited_cents), reversed: Number(r.reversed_cents), returned: Number(r.returned_cents) }).toEqual({
      kind: m.kind, payment: m.paymentId, amount: m.amountCents, credited: m.creditedCents, reversed: m.reversedCents, returned: m.returnedCents,
    });
    expect(r.delta_cents === '' ? null : Number(r.delta_cents)).toBe(m.deltaCents);
  }
});

test("the evidence card's arithmetic is the API's and adds up, for every kind", async ({ page, demo }) => {
  await openScreen(page, demo, /Mismatches/);
  await gridKeys(page);
  const money = (cents: number, currency: string) => formatMoney(cents, currency);
  for (const kind of MISMATCH_KINDS) {
    const m = (await mismatches(demo, kind)).rows[0];
    const evidence = await demo.call('flags:evidence', { kind: 'mismatches', key: m.key });
    const r = evidence.reconciliation as Reconciliation;
    expect(r, `${m.key} has its arithmetic`).toBeDefined();
    // Both sides add up, the delta is the one the list shows, and it is the kind's delta of rules.md §4.
    expect(r.paidCents - r.returnedCents).toBe(r.keptCents);
    expect(r.creditedCents - r.reversedCents).toBe(r.netCreditedCents);
    expect(r.deltaCents).toBe(m.deltaCents);
    if (r.deltaCents !== null) expect(r.deltaCents).toBe(ruleDelta(kind, r));

    await page.getByLabel('Filter this list').fill(m.paymentId);
    const card = page.getByRole('dialog', { name: 'Evidence' });
    // The row is on screen before the filtered list replaces it (it failed so once in CI): a click on the row
    // being replaced opens no card, so click until it does.
    await expect(async () => {
      await page.locator(`.grid-row[data-key="${m.key}"]`).click();
      await expect(card).toBeVisible({ timeout: 1_000 });
    }).toPass();
    const credits = r.creditedCurrency ?? r.currency;
    await expect(card.getByTestId('recon-paid')).toHaveText(money(r.paidCents, r.currency));
    await expect(card.getByTestId('recon-returned')).toHaveText(money(r.returnedCents, r.currency));
    await expect(card.getByTestId('recon-kept')).toHaveText(money(r.keptCents, r.currency));
    await expect(card.getByTestId('recon-credited')).toHaveText(money(r.creditedCents, credits));
    await expect(card.getByTestId('recon-reversed')).toHaveText(money(r.reversedCents, credits));
    await expect(card.getByTestId('recon-net')).toHaveText(money(r.netCreditedCents, credits));
    if (r.deltaCents === null) await expect(card.getByTestId('recon-delta')).toContainText('does not convert');
    else {
      const amount = money(Math.abs(r.deltaCents), r.currency);
      const words = r.deltaCents > 0 ? `+${amount} over-credited` : r.deltaCents < 0 ? `−${amount} owed` : `${amount}, even`;
      await expect(card.getByTestId('recon-delta')).toHaveText(words);
      // The card says "net credited − kept" only where that is the delta.
      const formula = await card.getByTestId('recon-delta-formula').textContent();
      if (formula === 'Net credited − kept') expect(r.netCreditedCents - r.keptCents).toBe(r.deltaCents);
      else expect(r.netCreditedCents - r.keptCents).not.toBe(r.deltaCents);
    }
    // Every linked ledger entry is on the card, next to the payment.
    for (const entry of evidence.ledger) await expect(card.getByRole('region', { name: 'Processor and ledger side by side' })).toContainText(entry.entryId);
    await expect(card.getByTestId('reply')).toHaveText(evidence.reply);
    await expect(card.getByRole('button', { name: 'Copy note' })).toBeVisible();
    if (kind === 'refund_not_reversed') await screenshot(page, 'mismatch-evidence');
    await card.getByRole('button', { name: 'Close' }).click();
    await expect(card).toHaveCount(0);
  }
});

test('the Follow-ups screen shows the half-done refund decision, and a new escalation joins it', async ({ page, demo }) => {
  const before = await demo.call('followups:list', {});
  const halfDone = before.followups.find((f) => f.list === 'duplicates' && f.decision === 'refund_needed' && f.state === 'refunded_not_reversed');
  expect(halfDone, 'the demo plants a refund_needed decision whose refund went out but whose credits were not taken back').toBeDefined();
  const counts = await demo.call('flags:counts', {});
  expect(counts.followups).toBe(before.followups.length);

  await page.goto(demo.url);
  await expect(navCount(page, /Follow-ups/)).toHaveText(String(before.followups.length));
  await page.getByRole('link', { name: /Follow-ups/ }).click();
  await expect(page.getByTestId('row-count')).toHaveText(`${before.followups.length} ${before.followups.length === 1 ? 'row' : 'rows'}`);
  expect(await gridKeys(page)).toEqual(before.followups.map((f) => `${f.list}:${f.key}`));
  const row = page.locator(`.grid-row[data-key="duplicates:${halfDone?.key}"]`);
  await expect(row).toContainText('Refunded, credits not taken back');
  await expect(row).toContainText('refund needed');
  await expect(row).toContainText(halfDone?.by ?? '');
  await screenshot(page, 'followups');
  // Its card says where the action stands, even though the refunded cluster has left the Duplicates list.
  await row.click();
  const followupCard = page.getByRole('dialog', { name: 'Evidence' }).getByRole('region', { name: 'Follow-up' });
  await expect(followupCard).toContainText('Refunded, credits not taken back');
  await expect(followupCard).toContainText(halfDone?.detail ?? '');
  await page.getByRole('dialog', { name: 'Evidence' }).getByRole('button', { name: 'Close' }).click();

  // Escalate a stuck payment: it waits in Follow-ups until the data shows it unstuck.
  const stuck = (await demo.call('stuck:listPage', { offset: 0, limit: 200, sort: { column: 'age', dir: 'desc' }, filter: { review: 'open' } })).rows[0];
  await page.getByRole('link', { name: /Stuck payments/ }).click();
  await page.getByLabel('Filter this list').fill(stuck.paymentId);
  await page.locator(`.grid-row[data-key="${stuck.paymentId}"]`).click();
  const card = page.getByRole('dialog', { name: 'Evidence' });
  await card.getByRole('radio', { name: 'escalated' }).click();
  await card.getByRole('button', { name: 'Save decision' }).click();
  await expect(page.locator(`.grid-row[data-key="${stuck.paymentId}"]`)).toContainText('escalated');
  await card.getByRole('button', { name: 'Close' }).click();

  await page.getByRole('link', { name: /Follow-ups/ }).click();
  const escalated = page.locator(`.grid-row[data-key="stuck:${stuck.paymentId}"]`);
  await expect(escalated).toContainText('Waiting: still stuck');
  await expect(escalated).toContainText('escalated');
  await expect(page.getByTestId('row-count')).toHaveText(`${before.followups.length + 1} rows`);
  await expect(navCount(page, /Follow-ups/)).toHaveText(String(before.followups.length + 1));
  const after = await demo.call('followups:list', {});
  expect(after.followups.find((f) => f.list === 'stuck' && f.key === stuck.paymentId)).toMatchObject({ state: 'waiting', decision: 'escalated' });

  // The CSV holds the same follow-ups, oldest decision first, with their states.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^paydesk-followups-\d{4}-\d{2}-\d{2}\.csv$/);
  let text = '';
  for await (const chunk of await file.createReadStream()) text += chunk.toString();
  const csv = Papa.parse<Record<string, string>>(text.trim(), { header: true });
  expect(csv.errors).toEqual([]);
  expect(csv.data.map((r) => [r.list, r.key, r.decision, r.state, r.by])).toEqual(after.followups.map((f) => [f.list, f.key, f.decision, f.state, f.by]));
});

test('Follow-ups with no decision waiting says so', async ({ page, empty }) => {
  await openScreen(page, empty, /Follow-ups/);
  await expect(page.getByText('Nothing waiting: every decision’s action shows in the data.')).toBeVisible();
});

test('a stuck bank debit shows its method and the 7-day threshold; Settings previews a shorter one', async ({ page, demo }) => {
  const stuck = await demo.call('stuck:listPage', { offset: 0, limit: 200, sort: { column: 'age', dir: 'desc' }, filter: {} });
  const ach = stuck.rows.find((r) => r.method === 'us_bank_account' && r.stage === 'processor');
  expect(ach, 'the demo plants an ACH debit pending for 9 days').toBeDefined();
  expect(ach?.stuckAfterMinutes).toBe(10_080);
  expect(ach?.ageSeconds).toBeGreaterThan(7 * 86_400);
  const card = stuck.rows.find((r) => r.stage === 'processor' && (r.method === 'card' || r.method === null));
  expect(card?.stuckAfterMinutes).toBe(15);

  await openScreen(page, demo, /Stuck payments/);
  await page.getByLabel('Filter this list').fill(ach?.paymentId ?? '');
  await expect(page.locator(`.grid-row[data-key="${ach?.paymentId}"]`).getByTestId('method-threshold')).toHaveText('ACH debit · after 7 d');
  await screenshot(page, 'stuck-ach');
  await page.getByLabel('Filter this list').fill(card?.paymentId ?? '');
  await expect(page.locator(`.grid-row[data-key="${card?.paymentId}"]`).getByTestId('method-threshold')).toHaveText(/ · after 15 min$/);

  // One day for bank debits: the ACH debit pending for 2 days becomes stuck too, and the preview says so.
  const settings = await demo.call('settings:get', {});
  const now = await demo.call('flags:counts', {});
  const shorter = await demo.call('flags:counts', {
    settings: {
      stuckAfterMinutes: settings.stuckAfterMinutes, duplicateWindowMinutes: settings.duplicateWindowMinutes, lookbackDays: settings.lookbackDays,
      tierThresholdCents: settings.tierThresholdCents, bankDebitStuckAfterMinutes: 1440, methodStuckAfterMinutes: settings.methodStuckAfterMinutes,
    },
  });
  expect(shorter.stuck).toBeGreaterThan(now.stuck);
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByTestId('bank-debit-explained')).toContainText('only after 7 d');
  await page.getByLabel('Bank debits stuck after', { exact: true }).fill('1');
  await expect(page.getByTestId('bank-debit-explained')).toContainText('only after 1 d');
  await expect(page.getByTestId('preview-stuck')).toHaveText(`${now.stuck} → ${shorter.stuck} (+${shorter.stuck - now.stuck})`);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Settings saved')).toBeVisible();
  await expect(page.getByText('Flag counts now')).toBeVisible();
  await expect(page.locator('.preview dd').first()).toHaveText(String(shorter.stuck));
  expect((await demo.call('settings:get', {})).bankDebitStuckAfterMinutes).toBe(1440);

  // A method of its own wins over the bank-debit threshold.
  await page.getByRole('button', { name: 'Add a method' }).click();
  await page.getByLabel('Payment method 1').fill('us_bank_account');
  await page.getByLabel('Stuck after for us_bank_account', { exact: true }).fill('30');
  await page.getByLabel('Stuck after for us_bank_account: unit').selectOption('days');
  await expect(page.getByTestId('preview-stuck')).toContainText(`${shorter.stuck} → `);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect.poll(async () => (await demo.call('settings:get', {})).methodStuckAfterMinutes).toEqual({ us_bank_account: 43_200 });
  await page.getByRole('link', { name: /Stuck payments/ }).click();
  await page.getByLabel('Filter this list').fill(ach?.paymentId ?? '');
  await expect(page.getByText('No rows match')).toBeVisible();
});
