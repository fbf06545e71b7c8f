import fs from 'node:fs';
import path from 'node:path';
import { expect, gridKeys, test } from './fixtures.js';

test.use({ preload: 'fixtures' });

test('a duplicate decision with a note persists across a reload and a re-sync', async ({ page, paydesk }) => {
  await page.goto(paydesk.url);
  await page.getByRole('link', { name: /Duplicates/ }).click();
  await gridKeys(page);
  await page.locator('.grid-row[data-key="pay_2|pay_3"]').click();
  const card = page.getByRole('dialog', { name: 'Evidence' });
  await card.getByRole('radio', { name: 'refund needed' }).click();
  await card.getByLabel('Note').fill('Customer confirmed the second pack was a mistake (T-1234)');
  await card.getByRole('button', { name: 'Save decision' }).click();
  await expect(card).toContainText('Customer confirmed the second pack was a mistake (T-1234)');
  await expect(page.locator('.grid-row[data-key="pay_2|pay_3"]')).toContainText('refund needed');

  await page.reload();
  await gridKeys(page);
  await expect(page.locator('.grid-row[data-key="pay_2|pay_3"]')).toContainText('refund needed');

  // Re-sync with a changed payments export: the cluster's key is stable, so the decision stays.
  fs.appendFileSync(path.join(paydesk.exportsDir, 'payments_basic.csv'), 'pay_6,acct_6,3.00,usd,succeeded,2026-03-15T11:40:00Z,,,f@example.com,pack\n');
  await page.getByRole('link', { name: 'Sync' }).click();
  await page.getByLabel('Folder path').fill(paydesk.exportsDir);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.getByRole('button', { name: 'Sync now' }).click();
  await expect(page.getByTestId('progress-text')).toContainText('done');
  await expect(page.getByTestId('import-row').filter({ hasText: 'payments_basic.csv' }).first()).toContainText('imported');

  await page.getByRole('link', { name: /Duplicates/ }).click();
  await gridKeys(page);
  await page.locator('.grid-row[data-key="pay_2|pay_3"]').click();
  await expect(card).toContainText('Customer confirmed the second pack was a mistake (T-1234)');
  await expect(card.getByRole('radio', { name: 'refund needed' })).toHaveAttribute('aria-checked', 'true');
});

test('several selected rows get one decision at once', async ({ page, paydesk }) => {
  await page.goto(paydesk.url);
  await page.getByRole('link', { name: /Stuck payments/ }).click();
  await gridKeys(page);
  await page.getByLabel('Select all loaded rows').check();
  const bar = page.getByRole('region', { name: 'Selected rows' });
  await bar.getByRole('radio', { name: 'escalated' }).click();
  await bar.getByRole('button', { name: /Apply to|Save decision/ }).click();
  await expect(page.locator('.grid-row[data-key="pay_1"]')).toContainText('escalated');
});
