// Issue #11 in browser mode: every screen has a URL (a cold start on it opens that screen, a list with its filter),
// back/forward, hostile fragments that do nothing, the toast and sidebar marks after an auto-sync finds new flags,
// and the Browse dialog. Ids come from the API, never from the demo generator's internals.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, gridKeys, apiOf, type ApiCall, startServer, test as base } from './fixtures.js';

interface Server {
  origin: string;
  token: string;
  dir: string;
  home: string;
  exportsDir: string;
  call: ApiCall;
}

async function serve(withDemo: boolean, use: (server: Server) => Promise<void>) {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'paydesk-e2e-links-')));
  const home = path.join(dir, 'home');
  fs.mkdirSync(home);
  const dbFile = path.join(dir, 'paydesk.db');
  const { server, url } = await startServer(dbFile, withDemo ? ['--demo'] : [], { HOME: home, USERPROFILE: home });
  const { origin, token, call } = apiOf(url);
  try {
    await use({ origin, token, dir, home, exportsDir: path.join(dir, 'demo-exports'), call });
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const test = base.extend<{ demo: Server; empty: Server }>({
  demo: async ({}, use) => serve(true, use),
  empty: async ({}, use) => serve(false, use),
});

/** The URL a fresh tab opens for an in-app hash: the launch token travels in the fragment with it. */
const deepLink = (server: Server, hash: string) => `${server.origin}/#token=${server.token}&${hash.slice(1)}`;

/** Fails the test on any dialog (alert, confirm…) the page opens. */
function noDialogs(page: Page) {
  page.on('dialog', (dialog) => {
    void dialog.dismiss();
    throw new Error(`unexpected ${dialog.type()} dialog: ${dialog.message()}`);
  });
}

const sidebar = (page: Page) => page.getByRole('navigation', { name: 'Screens' });
/** The sidebar entry marked as the screen on show. */
const currentScreen = (page: Page) => sidebar(page).locator('a[aria-current="page"]');
/** The decision filter of a list (found by its options, whatever its label says). */
const decisionSelect = (page: Page) => page.locator('select:has(option[value="decided"])');
const kindSelect = (page: Page) => page.locator('select:has(option[value="refund_not_reversed"])');

/** axe-core's serious and critical violations on the page as it is now (the a11y spec covers the screens). */
async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: require.resolve('axe-core') });
  return page.evaluate(async () => {
    type Result = { violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] };
    const result = await (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<Result> } }).axe.run(document, { resultTypes: ['violations'] });
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

async function expectScreen(page: Page, href: string) {
  await expect(currentScreen(page)).toHaveAttribute('href', href);
}

test('a cold start on each screen\'s URL opens that screen directly, lists with their filter', async ({ demo, browser }) => {
  const stuck = await demo.call('stuck:listPage', { offset: 0, limit: 200 });
  const withEmail = stuck.rows.find((r) => r.email && r.accountId);
  expect(withEmail, 'the demo has a stuck payment with an email').toBeTruthy();
  const dupes = await demo.call('duplicates:listPage', { offset: 0, limit: 10 });
  const cluster = dupes.rows[0];
  const refundsOpen = await demo.call('mismatches:listPage', { offset: 0, limit: 200, filter: { mismatchKind: 'refund_not_reversed', review: 'open' } });
  expect(refundsOpen.total).toBeGreaterThan(0);
  const decidedStuck = await demo.call('stuck:listPage', { offset: 0, limit: 200, filter: { review: 'decided' } });

  const cases: { hash: string; href: string; check: (page: Page) => Promise<void> }[] = [
    { hash: '#/sync', href: '#/sync', check: async (p) => expect(p.getByLabel('Folder path')).toBeVisible() },
    { hash: '#/stuck', href: '#/stuck', check: async (p) => expect(decisionSelect(p)).toHaveValue('any') },
    {
      hash: '#/stuck?decision=decided',
      href: '#/stuck',
      check: async (p) => {
        await expect(decisionSelect(p)).toHaveValue('decided');
        expect(await gridKeys(p)).toEqual(decidedStuck.rows.map((r) => r.paymentId));
      },
    },
    {
      hash: '#/duplicates?decision=open',
      href: '#/duplicates',
      check: async (p) => {
        await expect(decisionSelect(p)).toHaveValue('open');
        await expect(p.getByTestId('row-count')).toBeVisible();
      },
    },
    { hash: '#/limited', href: '#/limited', check: async (p) => expect(decisionSelect(p)).toHaveValue('any') },
    {
      hash: '#/mismatches?kind=refund_not_reversed&decision=open',
      href: '#/mismatches',
      check: async (p) => {
        await expect(decisionSelect(p)).toHaveValue('open');
        await expect(kindSelect(p)).toHaveValue('refund_not_reversed');
        expect(await gridKeys(p)).toEqual(refundsOpen.rows.map((r) => r.key));
      },
    },
    { hash: '#/followups', href: '#/followups', check: async (p) => expect(p.locator('.screen h1')).toBeVisible() },
    { hash: '#/settings', href: '#/settings', check: async (p) => expect(p.getByRole('checkbox', { name: /automatic sync finds new/ })).toBeChecked() },
    { hash: '#/account', href: '#/account', check: async (p) => expect(p.getByRole('status').first()).toBeVisible() },
    {
      hash: `#/account/${encodeURIComponent(withEmail!.accountId!)}`,
      href: '#/account',
      check: async (p) => expect(p.locator('.screen h1 code')).toHaveText(withEmail!.accountId!),
    },
    {
      hash: `#/account/${encodeURIComponent(withEmail!.email!)}`,
      href: '#/account',
      check: async (p) => expect(p.locator('.screen h1 code')).toHaveText(withEmail!.accountId!),
    },
    {
      hash: `#/payment/${encodeURIComponent(cluster.paymentIds[1])}`,
      href: '#/account',
      check: async (p) => expect(p.locator('.screen h1 code')).toHaveText(cluster.accountId),
    },
  ];
  for (const c of cases) {
    const context = await browser.newContext(); // a new tab of a fresh browser: nothing cached, no session
    const page = await context.newPage();
    noDialogs(page);
    await page.goto(deepLink(demo, c.hash));
    await expectScreen(page, c.href);
    await c.check(page);
    // The token left the address bar; the route stayed.
    expect(new URL(page.url()).hash, c.hash).toBe(c.hash);
    await context.close();
  }
});

test('a payment id no export has shows that no account matches, and nothing else', async ({ demo, page }) => {
  noDialogs(page);
  await page.goto(deepLink(demo, '#/payment/pi_nowhere_0000'));
  await expectScreen(page, '#/account');
  await expect(page.getByText('No account matches “pi_nowhere_0000”')).toBeVisible();
});

test('back and forward move across screens; a filter change replaces the entry, not adds one', async ({ demo, page }) => {
  noDialogs(page);
  await page.goto(deepLink(demo, '#/sync'));
  await expectScreen(page, '#/sync');
  await sidebar(page).getByRole('link', { name: /Stuck payments/ }).click();
  await expectScreen(page, '#/stuck');
  await sidebar(page).getByRole('link', { name: /Duplicates/ }).click();
  await expectScreen(page, '#/duplicates');
  await decisionSelect(page).selectOption('open');
  await expect(page).toHaveURL(/#\/duplicates\?decision=open$/);

  await page.goBack();
  await expectScreen(page, '#/stuck');
  await expect(page).toHaveURL(/#\/stuck$/);
  await page.goBack();
  await expectScreen(page, '#/sync');
  await page.goForward();
  await expectScreen(page, '#/stuck');
  await page.goForward();
  await expectScreen(page, '#/duplicates');
  await expect(decisionSelect(page)).toHaveValue('open');
  await expect(page).toHaveURL(/#\/duplicates\?decision=open$/);

  // An account opened from a row is a screen of its own: back returns to the list with its filter.
  const first = (await gridKeys(page))[0];
  const cluster = await demo.call('flags:evidence', { kind: 'duplicates', key: first });
  expect(cluster.accountId).toBeTruthy();
  await page.goto(`${demo.origin}/#/account/${encodeURIComponent(cluster.accountId!)}`);
  await expect(page.locator('.screen h1 code')).toHaveText(cluster.accountId!);
  await page.goBack();
  await expectScreen(page, '#/duplicates');
  await expect(decisionSelect(page)).toHaveValue('open');
});

test('hostile or unknown fragments show the default screen and do nothing else', async ({ demo, browser }) => {
  // Each fragment, and the screen it shows: the default one, except a well-formed account route whose id is odd
  // (it is looked up as text, found nowhere, and nothing opens).
  const hostile: [string, string][] = [
    ['#/account/../../etc', '#/stuck'],
    ['#/account/..%2F..%2Fetc%2Fpasswd', '#/account'],
    ['#/javascript:alert(1)', '#/stuck'],
    ['#javascript:alert(1)', '#/stuck'],
    ['#/unknown', '#/stuck'],
    ['#/stuck?decision=open&decision=decided', '#/stuck'],
    ['#/mismatches?kind=<script>', '#/stuck'],
    ['#/settings?x=1', '#/stuck'],
    ['#//evil.example/', '#/stuck'],
  ];
  const requests: string[] = [];
  for (const [hash, shown] of hostile) {
    const context = await browser.newContext();
    const page = await context.newPage();
    noDialogs(page);
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(deepLink(demo, hash));
    await expectScreen(page, shown);
    if (shown === '#/account') await expect(page.getByText(/No account matches/)).toBeVisible();
    expect(new URL(page.url()).origin, hash).toBe(demo.origin);
    // The same fragment arriving in a page already open (a pasted link, the desktop app's handoff).
    await page.evaluate((h) => (window.location.hash = h), '#/sync');
    await expectScreen(page, '#/sync');
    await page.evaluate((h) => (window.location.hash = h), hash);
    await expectScreen(page, shown);
    expect(new URL(page.url()).origin, hash).toBe(demo.origin);
    await context.close();
  }
  expect(requests.filter((u) => !u.startsWith(demo.origin))).toEqual([]);
});

/** A canonical payments export with one card payment pending for two hours before the data's newest time. */
function newStuckExport(asOf: string, id: string): string {
  const created = new Date(Date.parse(asOf) - 2 * 3_600_000).toISOString();
  return `payment_id,account_id,amount,currency,status,created_at,updated_at,invoice_id,email,description\n${id},acct_links_e2e,25.00,usd,pending,${created},,,links-e2e@example.com,credits\n`;
}

test.describe('with axe-core injected into the page', () => {
  test.use({ bypassCSP: true }); // axe is injected as a script; the hostile-fragment test above keeps the CSP on

  test('an auto-sync that finds a new stuck payment shows one toast and marks the list until it is visited', async ({ demo, page }) => {
    noDialogs(page);
    const before = await demo.call('flags:counts', {});
    await page.goto(deepLink(demo, '#/sync'));
    await expectScreen(page, '#/sync');
    await expect(sidebar(page).getByTestId('fresh-stuck')).toHaveCount(0);

    fs.writeFileSync(path.join(demo.exportsDir, 'late-payments.csv'), newStuckExport(before.asOf, 'pi_links_e2e_1'));
    const toast = page.getByTestId('toast-new-flags');
    await expect(toast).toBeVisible({ timeout: 30_000 });
    await expect(toast).toContainText('1 new stuck payment');
    await expect(sidebar(page).getByTestId('fresh-stuck')).toHaveText(/\+1/);
    expect(await seriousViolations(page)).toEqual([]);
    await expect.poll(async () => (await demo.call('flags:counts', {})).stuck).toBe(before.stuck + 1);

    await toast.getByRole('button', { name: 'Show stuck payments' }).click();
    await expect(page).toHaveURL(/#\/stuck\?decision=open$/);
    await expect(decisionSelect(page)).toHaveValue('open');
    expect(await gridKeys(page)).toContain('pi_links_e2e_1');
    await expect(toast).toHaveCount(0);
    await expect(sidebar(page).getByTestId('fresh-stuck')).toHaveCount(0); // visited: the mark is gone

    // Switched off in Settings: the next new stuck payment syncs in silence.
    await sidebar(page).getByRole('link', { name: /Settings/ }).click();
    const notify = page.getByRole('checkbox', { name: /automatic sync finds new/ });
    await notify.uncheck();
    await expect.poll(async () => (await demo.call('settings:get', {})).notifyNewFlags).toBe(false);
    await sidebar(page).getByRole('link', { name: /^Sync/ }).click();
    fs.writeFileSync(path.join(demo.exportsDir, 'later-payments.csv'), newStuckExport(before.asOf, 'pi_links_e2e_2'));
    await expect.poll(async () => (await demo.call('flags:counts', {})).stuck, { timeout: 30_000 }).toBe(before.stuck + 2);
    await page.waitForTimeout(1000); // the event would have arrived with the sync's end
    await expect(toast).toHaveCount(0);
    await expect(sidebar(page).getByTestId('fresh-stuck')).toHaveCount(0);
  });

  test('the Browse dialog lists folders only, is keyboard operable, and "Use this folder" adds it', async ({ empty, page }) => {
    noDialogs(page);
    for (const folder of ['exports/november', 'exports/december', 'Archive', '.cache']) fs.mkdirSync(path.join(empty.home, folder), { recursive: true });
    for (const file of ['secret-notes.txt', 'payments.csv', 'exports/payments-nov.csv']) fs.writeFileSync(path.join(empty.home, file), 'x');

    await page.goto(deepLink(empty, '#/sync'));
    await page.getByRole('button', { name: 'Browse…' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toBeVisible();
    const list = dialog.getByRole('listbox');
    await expect(list.getByRole('option')).toHaveText(['Archive', 'exports']);
    await expect(dialog).not.toContainText('secret-notes.txt');
    await expect(dialog).not.toContainText('payments.csv');
    expect(await seriousViolations(page)).toEqual([]);

    // Keyboard: the list has focus; down, Enter opens, Backspace goes up, Enter again.
    await expect(list).toBeFocused();
    await page.keyboard.press('ArrowDown');
    await expect(list.getByRole('option', { name: 'exports' })).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('Enter');
    await expect(list.getByRole('option')).toHaveText(['december', 'november']);
    await expect(dialog.getByRole('navigation', { name: 'Folder path' })).toContainText('exports');
    await page.keyboard.press('Backspace');
    await expect(list.getByRole('option', { name: 'Archive' })).toBeVisible();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect(list.getByRole('option')).toHaveText(['december', 'november']);

    await dialog.getByRole('navigation', { name: 'Folder path' }).getByRole('button', { name: 'Home' }).click();
    await dialog.getByRole('checkbox', { name: /hidden/ }).check();
    await expect(list.getByRole('option')).toHaveText(['Archive', 'exports', '.cache']);

    // Esc closes without adding anything.
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
    expect((await empty.call('settings:get', {})).exportFolders).toEqual([]);

    await page.getByRole('button', { name: 'Browse…' }).click();
    await expect(list.getByRole('option', { name: 'exports' })).toBeVisible();
    await list.getByRole('option', { name: 'exports' }).dblclick();
    await expect(list.getByRole('option')).toHaveText(['december', 'november']);
    await dialog.getByRole('button', { name: 'Use this folder' }).click();
    await expect(dialog).toHaveCount(0);
    const chosen = path.join(empty.home, 'exports');
    await expect(page.locator('.folders code')).toHaveText([chosen]);
    expect((await empty.call('settings:get', {})).exportFolders).toEqual([chosen]);
  });
});
