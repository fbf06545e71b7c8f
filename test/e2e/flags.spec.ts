import { expect, gridKeys, screenshot, test } from './fixtures.js';

test.use({ preload: 'fixtures' });

test('each flag list shows exactly the rows the fixture plants', async ({ page, paydesk }) => {
  await page.goto(paydesk.url);
  await page.getByRole('link', { name: /Stuck payments/ }).click();
  expect(await gridKeys(page)).toEqual(['pay_1']);
  await expect(page.locator('.grid-row[data-key="pay_1"]')).toContainText('10.00 USD');
  await expect(page.locator('.grid-row[data-key="pay_1"]')).toContainText('3 h');
  await screenshot(page, 'stuck');

  await page.getByRole('link', { name: /Duplicates/ }).click();
  await expect(page.locator('h1')).toHaveText('Possible duplicate purchases');
  expect(await gridKeys(page)).toEqual(['pay_2|pay_3']);
  await expect(page.locator('.grid-row').first()).toContainText('paid while pending');
  await screenshot(page, 'duplicates');

  await page.getByRole('link', { name: /Limited tier/ }).click();
  await expect(page.locator('h1')).toHaveText('Credits, but still Limited');
  expect(await gridKeys(page)).toEqual(['acct_3']);
  await expect(page.locator('.grid-row[data-key="acct_3"]')).toContainText('5.00 USD');
  await screenshot(page, 'limited');

  await page.getByRole('link', { name: /Settings/ }).click();
  await page.getByLabel('Stuck after (minutes)').fill('240');
  await expect(page.getByTestId('preview-stuck')).toContainText('1 → 0');
  await screenshot(page, 'settings');
});

test('search finds an account by email (press /) and shows its timeline', async ({ page, paydesk }) => {
  await page.goto(paydesk.url);
  await page.locator('body').press('/');
  await expect(page.getByLabel('Find an account')).toBeFocused();
  await page.keyboard.type('B@example.com');
  await page.keyboard.press('Enter');
  await expect(page.locator('h1')).toHaveText('acct_2');
  await expect(page.locator('.timeline')).toContainText('pay_2');
  await expect(page.locator('.timeline')).toContainText('pay_3');
  await expect(page.locator('.flags')).toContainText('duplicate');
  await screenshot(page, 'account');
});

test('the evidence card shows the rule, the payments side by side and a ready reply; keyboard opens it', async ({ page, paydesk }) => {
  await page.goto(paydesk.url);
  await page.getByRole('link', { name: /Stuck payments/ }).click();
  await gridKeys(page);
  await page.getByTestId('grid-body').focus();
  await page.keyboard.press('Enter');
  const card = page.getByRole('dialog', { name: 'Evidence' });
  await expect(card).toContainText('Stuck after');
  await expect(card).toContainText('15 min');
  await expect(card.getByTestId('reply')).toContainText('Your payment pay_1 of 10.00 USD');
  await expect(card.getByTestId('reply')).toContainText('paying again would buy a second credit pack');
  await screenshot(page, 'evidence');
});

test('the limited-tier explanation on the clipboard is correct', async ({ page, paydesk }) => {
  await page.goto(paydesk.url);
  await page.getByRole('link', { name: /Limited tier/ }).click();
  await gridKeys(page);
  await page.locator('.grid-row[data-key="acct_3"]').getByRole('button', { name: 'Copy explanation' }).click();
  await expect(page.getByText('Explanation copied')).toBeVisible();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(
    'Your account acct_3 has 4.20 USD of credits, but API access (Build Tier 1) unlocks only after 5.00 USD of purchased credits, ' +
      'and free credits do not count towards it. So far 0.00 USD has been purchased and 5.00 USD was granted as free credits, ' +
      'so 5.00 USD more in purchased credits will unlock API access.',
  );
});

test('the CSV export holds the list with its decisions', async ({ page, paydesk }) => {
  await page.goto(paydesk.url);
  await page.getByRole('link', { name: /Duplicates/ }).click();
  await gridKeys(page);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^paydesk-duplicates-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = await file.createReadStream().then(async (stream) => {
    let text = '';
    for await (const chunk of stream) text += chunk.toString();
    return text;
  });
  const lines = csv.trim().split('\r\n');
  expect(lines[0]).toBe('key,account_id,currency,amount,amount_cents,payments,payment_ids,extra_amount,while_pending,first_created_at,last_created_at,review_decision,review_note');
  expect(lines.slice(1)).toEqual([
    'pay_2|pay_3,acct_2,usd,25.00,2500,2,pay_2 pay_3,25.00,true,2026-03-15T10:00:00.000Z,2026-03-15T10:05:00.000Z,,',
  ]);
});
