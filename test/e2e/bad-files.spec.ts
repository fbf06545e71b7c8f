// Every export of the bad corpus (test/fixtures/bad, expected.json) through the Sync screen, in a few groups:
// each file's row names it with its outcome and, where the corpus gives one, the line; its report lists the
// rejected rows and conflicts by line. Afterwards the app still works: another screen loads and a good export
// still imports.
import fs from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { BAD_EXPORTS_DIR, badExportCases, writeGeneratedExport, type BadExportCase } from '../support/bad-exports.js';
import { expect, FIXTURES, test } from './fixtures.js';

const GROUPS = 4;
const cases = badExportCases();

/** One expected import row: a file of the corpus and what the Sync screen must show for it. */
interface ExpectedFile {
  name: string;
  status: string;
  reason?: string;
  line?: number | null;
  errors: { line: number; reason: string }[];
  conflicts: { entry: string; line: number }[];
}

function expectedFiles(c: BadExportCase): ExpectedFile[] {
  if (c.files) return c.files.map((f) => ({ name: f.path, status: f.status, reason: f.reason, line: f.line, errors: [], conflicts: [] }));
  return [{ name: path.basename(c.path), status: c.status ?? 'imported', reason: c.reason, line: c.line, errors: c.errors ?? [], conflicts: c.conflicts ?? [] }];
}

/** Copies (or writes) a case and the files it needs first into `folder`; returns the file names it adds. */
function placeCase(c: BadExportCase, folder: string): string[] {
  const placed: string[] = [];
  for (const before of c.before ?? []) {
    fs.copyFileSync(path.join(BAD_EXPORTS_DIR, before), path.join(folder, before));
    placed.push(before);
  }
  if (c.generated) writeGeneratedExport(c.path, folder);
  else fs.cpSync(path.join(BAD_EXPORTS_DIR, c.path), path.join(folder, c.path), { recursive: true });
  return placed;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const importRow = (page: Page, name: string) =>
  page.getByTestId('import-row').filter({ has: page.locator('td.file', { hasText: new RegExp(`^${escapeRegExp(name)}$`) }) });
const cellEquals = (page: Page, text: string | number) => page.locator('td:first-child', { hasText: new RegExp(`^${escapeRegExp(String(text))}$`) });

async function addFolderAndSync(page: Page, folder: string, expectedRows: number) {
  await page.getByLabel('Folder path').fill(folder);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.locator('.folders')).toContainText(folder);
  await page.getByRole('button', { name: 'Sync now' }).click();
  // Every file read leaves one row in the history, whatever its outcome.
  await expect(page.getByTestId('import-row')).toHaveCount(expectedRows, { timeout: 60_000 });
  await expect(page.getByTestId('progress-text')).toContainText('done');
}

async function expectReport(page: Page, row: Locator, file: ExpectedFile) {
  await row.click();
  const report = page.getByTestId('import-report');
  await expect(report).toContainText(file.name);
  if (file.reason) await expect(report.locator('.reason-line')).toContainText(file.reason);
  for (const error of file.errors) {
    await expect(report.getByRole('row').filter({ has: cellEquals(page, error.line) }).first(), `${file.name} line ${error.line}`).toContainText(error.reason);
  }
  for (const conflict of file.conflicts) {
    await expect(report.getByRole('row').filter({ has: cellEquals(page, conflict.line) }).filter({ hasText: conflict.entry }), `${file.name} conflict`).toHaveCount(1);
  }
  await row.click(); // close it again
  await expect(report).toHaveCount(0);
}

for (let group = 0; group < GROUPS; group++) {
  const mine = cases.filter((_, i) => i % GROUPS === group);

  test(`bad exports, group ${group + 1} of ${GROUPS}: ${mine.map((c) => c.path).join(', ')}`, async ({ page, paydesk }) => {
    test.setTimeout(120_000);
    const folder = path.join(paydesk.dir, 'bad');
    fs.mkdirSync(folder);
    const extra = new Set(mine.flatMap((c) => placeCase(c, folder)));
    const expected = mine.flatMap(expectedFiles);
    const rows = expected.length + [...extra].filter((name) => !expected.some((e) => e.name === name)).length;

    await page.goto(paydesk.url);
    await page.getByRole('link', { name: 'Sync' }).click();
    await addFolderAndSync(page, folder, rows);

    for (const file of expected) {
      const row = importRow(page, file.name);
      await expect(row, file.name).toHaveCount(1);
      await expect(row.locator('.badge'), file.name).toHaveText(file.status);
      if (file.reason) await expect(row, file.name).toContainText(file.reason);
      if (typeof file.line === 'number') await expect(row, file.name).toContainText(`line ${file.line}`);
      await expectReport(page, row, file);
    }

    // The app keeps working: a list screen loads, and a good export still imports.
    await page.getByRole('link', { name: /Stuck payments/ }).click();
    await expect(page.locator('h1')).toHaveText('Stuck payments');
    await expect(page.locator('.grid-skeleton')).toHaveCount(0);
    await expect(page.getByRole('alert')).toHaveCount(0);
    const good = path.join(paydesk.dir, 'good');
    fs.mkdirSync(good);
    fs.copyFileSync(path.join(FIXTURES, 'payments_basic.csv'), path.join(good, 'payments_basic.csv'));
    await page.getByRole('link', { name: 'Sync' }).click();
    await addFolderAndSync(page, good, rows * 2 + 1);
    await expect(importRow(page, 'payments_basic.csv').locator('.badge')).toHaveText('imported');
    test.info().annotations.push({ type: 'files through the UI', description: String(expected.length) });
  });
}
