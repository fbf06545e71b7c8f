import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoExports, type DemoResult } from '../../main/core/demo/generate.js';

const SMALL = { accounts: 300, months: 6, endAt: new Date('2026-11-20T12:00:00Z') };
const FILES = ['payments', 'ledger', 'stripePayments'] as const;
const AMOUNT = /^-?\d+\.\d{2}$/;

const root = mkdtempSync(join(tmpdir(), 'paydesk-demo-'));
let first: DemoResult;
let again: DemoResult;
let otherSeed: DemoResult;

beforeAll(async () => {
  first = await writeDemoExports(join(root, 'a'), { ...SMALL, seed: 7 });
  again = await writeDemoExports(join(root, 'b'), { ...SMALL, seed: 7 });
  otherSeed = await writeDemoExports(join(root, 'c'), { ...SMALL, seed: 8 });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The demo never writes quotes or commas inside fields, so a plain split is a faithful parse. */
function rows(path: string): string[][] {
  return readFileSync(path, 'utf8').trimEnd().split('\n').map((line) => line.split(','));
}

function column(table: string[][], name: string): string[] {
  const index = table[0].indexOf(name);
  expect(index, name).toBeGreaterThanOrEqual(0);
  return table.slice(1).map((cells) => cells[index]);
}

describe('writeDemoExports', () => {
  it('writes byte-identical files for the same seed', () => {
    for (const file of FILES) expect(readFileSync(again.files[file]).equals(readFileSync(first.files[file])), file).toBe(true);
    expect(again.planted).toEqual(first.planted);
  });

  it('writes different data for a different seed', () => {
    for (const file of FILES) expect(readFileSync(otherSeed.files[file]).equals(readFileSync(first.files[file])), file).toBe(false);
  });

  it('writes the exact header lines', () => {
    const header = (path: string) => readFileSync(path, 'utf8').split('\n')[0];
    expect(header(first.files.payments)).toBe(
      'payment_id,account_id,amount,currency,status,created_at,updated_at,invoice_id,email,description',
    );
    expect(header(first.files.ledger)).toBe('entry_id,account_id,type,amount,currency,created_at,payment_id');
    expect(header(first.files.stripePayments)).toBe(
      'id,Created date (UTC),Amount,Amount Refunded,Currency,Captured,Description,Status,Customer ID,Customer Email,' +
        'Invoice ID,PaymentIntent ID,account_id (metadata)',
    );
  });

  it('writes every row with as many cells as its header and every amount with two decimals', () => {
    const amountColumns = { payments: ['amount'], ledger: ['amount'], stripePayments: ['Amount', 'Amount Refunded'] };
    for (const file of FILES) {
      const table = rows(first.files[file]);
      for (const cells of table) expect(cells.length, cells.join(',')).toBe(table[0].length);
      for (const name of amountColumns[file]) {
        const bad = column(table, name).filter((amount) => !AMOUNT.test(amount));
        expect(bad, `${file} ${name}`).toEqual([]);
      }
    }
  });

  it('reports counts that match the files', () => {
    const lines = (path: string) => readFileSync(path, 'utf8').trimEnd().split('\n').length - 1;
    expect(first.counts).toEqual({
      payments: lines(first.files.payments),
      ledgerEntries: lines(first.files.ledger),
      stripeRows: lines(first.files.stripePayments),
    });
  });

  it('plants cases whose payments exist in the file of their processor', () => {
    const paymentIds = new Set(column(rows(first.files.payments), 'payment_id'));
    const chargeIds = new Set(column(rows(first.files.stripePayments), 'id'));
    expect(new Set(first.planted.map((planted) => planted.kind)).size).toBeGreaterThanOrEqual(10);
    for (const planted of first.planted) {
      for (const id of planted.paymentIds) {
        const inFile = id.startsWith('ch_') ? chargeIds : paymentIds;
        expect(inFile.has(id), `${planted.kind} ${planted.accountId} ${id}`).toBe(true);
      }
    }
    const stripePlanted = first.planted.filter((planted) => planted.paymentIds.some((id) => id.startsWith('ch_')));
    expect(stripePlanted.map((planted) => planted.kind)).toEqual(
      expect.arrayContaining(['duplicate-while-pending', 'stuck-processor']),
    );
  });

  it('gives each exactly-$5 near miss exactly 500 cents of purchased credit and no refunds', () => {
    const ledger = rows(first.files.ledger);
    const [accounts, types, amounts] = ['account_id', 'type', 'amount'].map((name) => column(ledger, name));
    const exactlyFive = first.planted.filter((planted) => planted.kind === 'near-miss-exactly-5');
    expect(exactlyFive.length).toBeGreaterThan(0);
    for (const { accountId } of exactlyFive) {
      let purchasedCents = 0;
      accounts.forEach((account, i) => {
        if (account !== accountId) return;
        expect(types[i]).not.toBe('refund');
        if (types[i] === 'credit_purchased') purchasedCents += Number(amounts[i].replace('.', ''));
      });
      expect(purchasedCents, accountId).toBe(500);
    }
  });

  it('puts no timestamp after endAt and one exactly at it', () => {
    const end = SMALL.endAt.getTime();
    const times = [
      ...column(rows(first.files.payments), 'created_at'),
      ...column(rows(first.files.payments), 'updated_at'),
      ...column(rows(first.files.ledger), 'created_at'),
      ...column(rows(first.files.stripePayments), 'Created date (UTC)').map((time) => time.replace(' ', 'T') + 'Z'),
    ].map((time) => Date.parse(time));
    expect(Math.max(...times)).toBe(end);
  });
});
