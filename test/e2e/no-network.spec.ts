// No network: every request the page makes, through all six screens, a sync, an evidence card and a CSV
// export, goes to browser mode's own origin on 127.0.0.1. Anything else is recorded, aborted and fails the
// test; so does any request the Content-Security-Policy had to block (those never show up as requests).
import fs from 'node:fs';
import path from 'node:path';
import { expect, FIXTURES, gridKeys, test } from './fixtures.js';

/** The URLs that are not on the server's own origin (blob: URLs carry the origin that made them). */
function foreign(urls: readonly string[], origin: string): string[] {
  return urls.filter((url) => {
    try {
      return new URL(url).origin !== origin;
    } catch {
      return true;
    }
  });
}

test('the foreign-request filter itself', () => {
  const origin = 'http://127.0.0.1:4000';
  expect(
    foreign([`${origin}/`, `${origin}/api/call/app:info`, `blob:${origin}/5d0c`, 'http://127.0.0.1:4001/', 'http://localhost:4000/', 'https://fonts.example/a.css', 'data:image/png;base64,AA', 'ws://127.0.0.1:4000/', 'not a url'], origin),
  ).toEqual(['http://127.0.0.1:4001/', 'http://localhost:4000/', 'https://fonts.example/a.css', 'data:image/png;base64,AA', 'ws://127.0.0.1:4000/', 'not a url']);
});

test.describe(() => {
  test.use({ preload: 'fixtures' });

  test('walking through every screen makes no request off the server', async ({ page, context, paydesk }) => {
    expect(new URL(paydesk.origin).hostname).toBe('127.0.0.1');
    const seen: string[] = [];
    const routed: string[] = [];
    page.on('request', (request) => seen.push(request.url()));
    await context.route('**/*', (route) => {
      const url = route.request().url();
      routed.push(url);
      return foreign([url], paydesk.origin).length ? route.abort('blockedbyclient') : route.fallback();
    });
    await page.addInitScript(() => {
      const violations: string[] = [];
      (window as unknown as { __cspViolations: string[] }).__cspViolations = violations;
      document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });

    await page.goto(paydesk.url);

    await page.getByRole('link', { name: 'Sync' }).click();
    await expect(page.locator('h1')).toHaveText('Sync');
    const more = path.join(paydesk.dir, 'more');
    fs.mkdirSync(more);
    fs.writeFileSync(path.join(more, 'later.csv'), fs.readFileSync(path.join(FIXTURES, 'payments_basic.csv'), 'utf8').replace(/pay_/g, 'later_'));
    await page.getByLabel('Folder path').fill(more);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('button', { name: 'Sync now' }).click();
    await expect(page.getByTestId('import-row').filter({ hasText: 'later.csv' })).toContainText('imported');

    // Each list is read once its own heading shows: until then the grid can still be the screen before's.
    await page.getByRole('link', { name: /Stuck payments/ }).click();
    await expect(page.locator('h1')).toHaveText('Stuck payments');
    expect((await gridKeys(page)).length).toBeGreaterThan(0);
    await page.getByTestId('grid-body').focus();
    await page.keyboard.press('Enter');
    const card = page.getByRole('dialog', { name: 'Evidence' });
    await expect(card.getByTestId('reply')).toContainText('Your payment');
    await page.keyboard.press('Escape');

    await page.getByRole('link', { name: /Duplicates/ }).click();
    await expect(page.locator('h1')).toHaveText('Possible duplicate purchases');
    expect((await gridKeys(page)).length).toBeGreaterThan(0);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    expect((await download).suggestedFilename()).toMatch(/^paydesk-duplicates-/);

    await page.getByRole('link', { name: /Limited tier/ }).click();
    await expect(page.locator('h1')).toHaveText('Credits, but still Limited');
    expect(await gridKeys(page)).toEqual(['acct_3']);

    await page.getByRole('link', { name: /Mismatches/ }).click();
    await expect(page.locator('h1')).toHaveText('Processor and ledger disagree');
    await gridKeys(page);
    await page.getByRole('link', { name: /Follow-ups/ }).click();
    await expect(page.locator('h1')).toHaveText('Follow-ups');

    await page.getByRole('link', { name: /Account/ }).click();
    await page.locator('body').press('/');
    await page.keyboard.type('B@example.com');
    await page.keyboard.press('Enter');
    await expect(page.locator('h1')).toHaveText('acct_2');
    await expect(page.locator('.timeline')).toContainText('pay_3');

    await page.getByRole('link', { name: /Settings/ }).click();
    await page.getByLabel('Stuck after (minutes)').fill('240');
    await expect(page.getByTestId('preview-stuck')).toContainText('→');

    const all = [...new Set([...seen, ...routed])];
    expect(foreign(all, paydesk.origin)).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)).toEqual([]);
    // The recorders did see the app's own traffic: the page, its assets, API calls and the event stream.
    expect(seen.filter((url) => url.includes('/api/call/')).length).toBeGreaterThan(10);
    expect(seen.some((url) => url.endsWith('/api/events'))).toBe(true);
    expect(seen.some((url) => /\/assets\/.+\.js$/.test(url))).toBe(true);
    test.info().annotations.push({ type: 'requests checked', description: `${seen.length} seen by page.on('request'), ${routed.length} routed, ${all.length} distinct URLs` });
  });
});
