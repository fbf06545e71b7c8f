// Accessibility (issue #11, point 7): every screen with the demo data, in light and dark mode, passes axe-core
// with no serious or critical violation (the counts by impact are printed per screen); the main controls of a
// list screen are reached by Tab with a visible focus ring, and the grid says how many rows it holds.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, apiOf, type ApiCall, startServer, test as base } from './fixtures.js';

interface DemoServer {
  url: string;
  call: ApiCall;
}

const test = base.extend<{ demo: DemoServer }>({
  demo: async ({}, use) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paydesk-e2e-a11y-'));
    const { server, url } = await startServer(path.join(dir, 'paydesk.db'), ['--demo']);
    const { call } = apiOf(url);
    try {
      await use({ url, call });
    } finally {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
});

const IMPACTS = ['critical', 'serious', 'moderate', 'minor'] as const;
type Impact = (typeof IMPACTS)[number];
interface Violation {
  id: string;
  impact: Impact | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

const AXE = require.resolve('axe-core');

/** Waits until the screen has its data: no skeleton rows, no loading state. */
async function settle(page: Page) {
  await expect(page.locator('.screen')).toBeVisible();
  await expect(page.locator('.grid-skeleton, .state.loading')).toHaveCount(0);
  await page.waitForTimeout(150);
}

async function axe(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: Violation[] }> } }).axe.run(document, {
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  });
}

/** The screens, each reached the way a user reaches it; `open` runs once the hash is loaded. */
function screens(account: string): { name: string; hash: string; open?: (page: Page) => Promise<void> }[] {
  const firstRow = async (page: Page) => {
    await page.locator('.grid-row').first().click();
    await expect(page.getByRole('dialog', { name: 'Evidence' }).getByTestId('reply')).toBeVisible();
  };
  return [
    { name: 'sync', hash: '#/sync' },
    {
      name: 'import report',
      hash: '#/sync',
      open: async (page) => {
        await page.getByTestId('import-row').first().click();
        await expect(page.getByTestId('import-report')).toBeVisible();
      },
    },
    { name: 'stuck', hash: '#/stuck' },
    { name: 'duplicates', hash: '#/duplicates' },
    { name: 'limited', hash: '#/limited' },
    { name: 'mismatches', hash: '#/mismatches' },
    { name: 'followups', hash: '#/followups' },
    {
      name: 'account',
      hash: `#/account/${encodeURIComponent(account)}`,
      open: async (page) => {
        await expect(page.locator('h1')).toHaveText(account);
      },
    },
    { name: 'settings', hash: '#/settings' },
    {
      name: 'browse dialog',
      hash: '#/sync',
      open: async (page) => {
        await page.getByRole('button', { name: 'Browse…' }).click();
        await expect(page.getByRole('dialog', { name: 'Choose the exports folder' }).getByRole('listbox')).toBeVisible();
      },
    },
    {
      name: 'browse dialog, hidden',
      hash: '#/sync',
      open: async (page) => {
        await page.getByRole('button', { name: 'Browse…' }).click();
        const dialog = page.getByRole('dialog', { name: 'Choose the exports folder' });
        await expect(dialog.getByRole('listbox')).toBeVisible();
        const hidden = dialog.getByRole('checkbox', { name: /^Show \d+ hidden$/ });
        if (await hidden.count()) await hidden.check();
      },
    },
    {
      name: 'toast',
      hash: '#/limited',
      open: async (page) => {
        await page.locator('.grid-row').first().getByRole('button', { name: 'Copy explanation' }).click();
        await expect(page.locator('.toast')).toBeVisible();
      },
    },
    { name: 'evidence (stuck)', hash: '#/stuck', open: firstRow },
    { name: 'evidence (duplicates)', hash: '#/duplicates', open: firstRow },
    { name: 'evidence (limited)', hash: '#/limited', open: firstRow },
    { name: 'evidence (mismatches)', hash: '#/mismatches', open: firstRow },
  ];
}

for (const scheme of ['light', 'dark'] as const) {
  test(`every screen passes axe-core with no serious or critical violation (${scheme})`, async ({ browser, demo }) => {
    test.setTimeout(180_000);
    const { followups } = await demo.call('followups:list', {});
    const account = followups.find((f) => f.state === 'refunded_not_reversed')?.accountId ?? followups[0]?.accountId ?? 'acct_00001';
    // The renderer's CSP (script-src 'self') refuses the injected axe script: this context alone bypasses it.
    const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 1440, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(demo.url);
    await expect(page.locator('.app')).toBeVisible();
    expect(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(scheme === 'dark');

    const failures: string[] = [];
    for (const screen of screens(account)) {
      await page.evaluate((hash) => (window.location.hash = hash), screen.hash);
      await settle(page);
      if (screen.open) {
        await screen.open(page);
        await settle(page);
      }
      const violations = await axe(page);
      const counts = Object.fromEntries(IMPACTS.map((i) => [i, violations.filter((v) => v.impact === i).reduce((n, v) => n + v.nodes.length, 0)])) as Record<Impact, number>;
      const rules = violations.map((v) => `${v.id} (${v.impact})`).join(', ');
      console.log(`axe ${scheme.padEnd(5)} ${screen.name.padEnd(22)} ${IMPACTS.map((i) => `${i} ${counts[i]}`).join(', ')}${rules ? `: ${rules}` : ''}`);
      for (const v of violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')) {
        failures.push(`${scheme} ${screen.name}: [${v.impact}] ${v.id}: ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(' ')}\n      ${(n.failureSummary ?? '').replace(/\n/g, '\n      ')}`).join('\n')}`);
      }
      // Close the evidence card so that the next screen starts clean.
      if (await page.getByRole('dialog').count()) await page.keyboard.press('Escape');
    }
    await context.close();
    expect(failures, failures.join('\n')).toEqual([]);
  });
}

test('a list screen is operable by keyboard with a visible focus ring, and its grid announces its row count', async ({ page, demo }) => {
  const total = (await demo.call('flags:counts', {})).duplicates;
  expect(total).toBeGreaterThan(0);
  await page.goto(demo.url);
  await page.evaluate(() => (window.location.hash = '#/duplicates'));
  await settle(page);

  // The grid says how many rows it holds, and a polite live region says it in words.
  const grid = page.getByRole('grid');
  await expect(grid).toHaveAttribute('aria-rowcount', String(total + 1));
  await expect(page.getByRole('status').filter({ hasText: new RegExp(`^${total.toLocaleString('en-US')} rows?$`) })).toHaveCount(1);

  // Tab from the top of the page reaches the navigation, the search, the list's controls and the grid, each with
  // a visible outline.
  await page.locator('body').click({ position: { x: 1, y: 1 } });
  const reached: string[] = [];
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      const name = el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 40) ?? '';
      const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) || style.boxShadow !== 'none';
      return { name, ring, testid: el.dataset.testid ?? '' };
    });
    if (!focused) continue;
    expect(focused.ring, `focus ring on “${focused.name}”`).toBe(true);
    reached.push(focused.testid || focused.name);
    if (focused.testid === 'grid-body') break;
  }
  for (const control of ['Stuck payments', 'Find an account', 'Filter this list', 'Review status', 'Export CSV', 'grid-body']) {
    expect(reached.some((r) => r.startsWith(control)), `Tab reaches ${control}: ${reached.join(' → ')}`).toBe(true);
  }

  // A sortable column header is a button: Enter sorts by it.
  const header = grid.getByRole('columnheader').filter({ has: page.getByRole('button') }).nth(1);
  const before = await header.getAttribute('aria-sort');
  await header.getByRole('button').focus();
  await page.keyboard.press('Enter');
  await expect(header).not.toHaveAttribute('aria-sort', before ?? 'none');

  // Arrows move through the rows, Enter opens the evidence card and Escape closes it back to the grid. The sort
  // reloads the rows from the top, and the grid takes no key until they are in: Home first, so a press that came
  // too early is simply made again.
  await expect(async () => {
    await page.getByTestId('grid-body').focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    await expect(page.locator('.grid-row.active')).toHaveAttribute('aria-rowindex', '3', { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await expect(page.getByTestId('grid-announcement')).toHaveText(new RegExp(`^Row 2 of ${total}: the payments \\w+, \\w+`));
  await page.keyboard.press('Enter');
  const card = page.getByRole('dialog', { name: 'Evidence' });
  await expect(card).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(card).toHaveCount(0);
});
