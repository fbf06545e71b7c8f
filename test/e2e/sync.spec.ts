import fs from 'node:fs';
import path from 'node:path';
import { expect, gridKeys, screenshot, test } from './fixtures.js';

test('fixture exports load through the Sync screen, progress reaches 100%, and a bad file is reported with file and line', async ({ page, paydesk }) => {
  fs.writeFileSync(path.join(paydesk.exportsDir, 'broken.csv'), 'payment_id,account_id,amount,currency,status,created_at\npay_9,acct_9,"5.00,usd,pending,2026-03-15T09:00:00Z\n');
  await page.goto(paydesk.url);
  await page.getByRole('link', { name: 'Sync' }).click();
  await expect(page.getByText('Nothing imported yet')).toBeVisible();
  await page.getByLabel('Folder path').fill(paydesk.exportsDir);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.locator('.folders')).toContainText(paydesk.exportsDir);
  await page.getByRole('button', { name: 'Sync now' }).click();

  const bar = page.getByRole('progressbar', { name: 'Import progress' });
  await expect(bar).toHaveAttribute('aria-valuenow', '100');
  await expect(page.getByTestId('progress-text')).toContainText('100%');
  await expect(page.getByTestId('progress-text')).toContainText('done');
  await expect(page.getByTestId('import-row')).toHaveCount(3);

  // The bad file: rejected as a whole, naming the line; the row error of payments_basic.csv names its line too.
  const broken = page.getByTestId('import-row').filter({ hasText: 'broken.csv' });
  await expect(broken).toContainText('rejected');
  await expect(broken).toContainText('line 2: unterminated quoted field');
  await page.getByTestId('import-row').filter({ hasText: 'payments_basic.csv' }).click();
  const report = page.getByTestId('import-report');
  await expect(report).toContainText('payments_basic.csv');
  await expect(report.getByRole('row').filter({ hasText: 'more decimals than usd allows' })).toContainText('7');
  await screenshot(page, 'sync');

  // The app keeps working: the other files went in.
  await page.getByRole('link', { name: /Duplicates/ }).click();
  expect(await gridKeys(page)).toEqual(['pay_2|pay_3']);
});

test('an unrecognised export offers the column mapping right in its report', async ({ page, paydesk }) => {
  fs.writeFileSync(path.join(paydesk.exportsDir, 'other.csv'), 'Txn,Customer,Total,Cur,State,When\nt_1,acct_9,5.00,usd,pending,2026-03-15T09:00:00Z\n');
  await page.goto(paydesk.url);
  await page.getByRole('link', { name: 'Sync' }).click();
  await page.getByLabel('Folder path').fill(paydesk.exportsDir);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.getByRole('button', { name: 'Sync now' }).click();
  const row = page.getByTestId('import-row').filter({ hasText: 'other.csv' });
  await expect(row).toContainText('unrecognised');
  await row.click();
  await expect(page.getByText("Map this export's columns")).toBeVisible();
});
