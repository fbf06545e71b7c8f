import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoExports, type DemoResult } from '../../main/core/demo/generate.js';

const SMALL = { accounts: 300, months: 6, endAt: new Date('2026-11-20T12:00:00Z') };
const FILES = ['payments', 'ledger', 'stripePayments', 'reviews'] as const;
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
      'payment_id,account_id,amount,currency,status,created_at,updated_at,invoice_id,email,description,' +
        'payment_method,amount_refunded,refunded_at,disputed_amount,dispute_status,disputed_at',
    );
    expect(header(first.files.ledger)).toBe('entry_id,account_id,type,amount,currency,created_at,payment_id');
    expect(header(first.files.stripePayments)).toBe(
      'id,Created date (UTC),Amount,Amount Refunded,Refunded date (UTC),Currency,Captured,Description,Status,Mode,' +
        'Payment Source Type,Disputed Amount,Dispute Status,Dispute Date (UTC),Customer ID,Customer Email,Invoice ID,' +
        'PaymentIntent ID,account_id (metadata)',
    );
    expect(header(first.files.reviews)).toBe('kind,key,decision,note,reviewer,decided_at');
  });

  it('writes every row with as many cells as its header and every amount with two decimals', () => {
    const amountColumns = {
      payments: ['amount'],
      ledger: ['amount'],
      stripePayments: ['Amount', 'Amount Refunded'],
      reviews: [],
    };
    const optionalAmounts = { payments: ['amount_refunded', 'disputed_amount'], ledger: [], stripePayments: ['Disputed Amount'], reviews: [] };
    for (const file of FILES) {
      const table = rows(first.files[file]);
      for (const cells of table) expect(cells.length, cells.join(',')).toBe(table[0].length);
      for (const name of amountColumns[file]) {
        const bad = column(table, name).filter((amount) => !AMOUNT.test(amount));
        expect(bad, `${file} ${name}`).toEqual([]);
      }
      for (const name of optionalAmounts[file]) {
        const given = column(table, name).filter((amount) => amount !== '');
        expect(given.length, `${file} ${name}`).toBeGreaterThan(0);
        expect(given.filter((amount) => !AMOUNT.test(amount)), `${file} ${name}`).toEqual([]);
      }
    }
  });

  it('gives every payment a method: mostly card, some bank debits', () => {
    const methods = column(rows(first.files.payments), 'payment_method');
    const count = (method: string) => methods.filter((m) => m === method).length;
    expect(methods.filter((m) => !['card', 'us_bank_account', 'sepa_debit'].includes(m))).toEqual([]);
    expect(count('card') / methods.length).toBeGreaterThan(0.8);
    expect(count('us_bank_account')).toBeGreaterThan(0);
    expect(count('sepa_debit')).toBeGreaterThan(0);
    const sourceTypes = new Set(column(rows(first.files.stripePayments), 'Payment Source Type'));
    expect([...sourceTypes].sort()).toEqual(['card', 'three_d_secure_2', 'us_bank_account']);
  });

  it('says when and how much was refunded for every refunded payment, and nothing for the others', () => {
    const payments = rows(first.files.payments);
    const [statuses, refunded, refundedAt, updatedAt] = ['status', 'amount_refunded', 'refunded_at', 'updated_at'].map((name) => column(payments, name));
    const ledger = rows(first.files.ledger);
    const refundEntries = new Set(
      ledger.slice(1).filter((cells) => cells[2] === 'refund').map((cells) => `${cells[6]} ${cells[5]} ${cells[3].slice(1)}`),
    );
    const ids = column(payments, 'payment_id');
    let reversedWithTheRefund = 0;
    statuses.forEach((status, i) => {
      const wasRefunded = status === 'refunded' || status === 'partially_refunded';
      expect(refunded[i] !== '' && refundedAt[i] !== '', `${ids[i]} ${status}`).toBe(wasRefunded);
      if (!wasRefunded) return;
      expect(refundedAt[i], ids[i]).toBe(updatedAt[i]);
      if (refundEntries.has(`${ids[i]} ${refundedAt[i]} ${refunded[i]}`)) reversedWithTheRefund++;
    });
    // Ordinary refunds take the credits back at once; the planted ones that do not are a handful.
    expect(reversedWithTheRefund).toBeGreaterThan(0);
    const refundedCount = statuses.filter((status) => status.includes('refunded')).length;
    expect(refundedCount - reversedWithTheRefund).toBe(
      first.planted.filter((p) => ['mismatch-refund-not-reversed', 'near-miss-refund-just-made', 'followup-refunded-not-reversed'].includes(p.kind)).length,
    );
  });

  it('marks exactly the planted test-mode charges as Mode Test', () => {
    const stripe = rows(first.files.stripePayments);
    const ids = column(stripe, 'id');
    const modes = column(stripe, 'Mode');
    expect([...new Set(modes)].sort()).toEqual(['Live', 'Test']);
    const testIds = ids.filter((_, i) => modes[i] === 'Test').sort();
    const planted = first.planted.filter((p) => p.kind === 'near-miss-test-mode').flatMap((p) => p.paymentIds);
    expect(testIds).toEqual(planted.sort());
    expect(testIds).toHaveLength(2);
  });

  it('ships the planted decisions as a reviews file whose clusters are in the payments export', () => {
    const reviews = rows(first.files.reviews).slice(1);
    const decided = first.planted.filter((p) => p.decision);
    expect(decided.map((p) => p.kind).sort()).toEqual(['followup-refunded-not-reversed', 'followup-waiting']);
    expect(reviews).toEqual(
      decided.map(({ decision }) => ['duplicates', decision!.key, 'refund_needed', decision!.note, decision!.reviewer, decision!.decidedAt]),
    );
    const paymentIds = new Set(column(rows(first.files.payments), 'payment_id'));
    for (const [, key] of reviews) for (const id of key.split('|')) expect(paymentIds.has(id), key).toBe(true);
  });

  it('reports counts that match the files', () => {
    const lines = (path: string) => readFileSync(path, 'utf8').trimEnd().split('\n').length - 1;
    expect(first.counts).toEqual({
      payments: lines(first.files.payments),
      ledgerEntries: lines(first.files.ledger),
      stripeRows: lines(first.files.stripePayments),
      reviews: lines(first.files.reviews),
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
      expect.arrayContaining(['duplicate-while-pending', 'stuck-processor', 'mismatch-lost-dispute', 'near-miss-test-mode', 'near-miss-bank-debit-pending']),
    );
    const ledgerPaymentIds = new Set(column(rows(first.files.ledger), 'payment_id'));
    const refs = first.planted.flatMap((planted) => planted.ledgerRefs ?? []);
    expect(refs).toHaveLength(2);
    for (const ref of refs) {
      expect(ledgerPaymentIds.has(ref), ref).toBe(true);
      expect(paymentIds.has(ref) || chargeIds.has(ref), ref).toBe(false);
    }
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
    const payments = rows(first.files.payments);
    const stripe = rows(first.files.stripePayments);
    const stripeTime = (time: string) => time.replace(' ', 'T') + 'Z';
    const times = [
      ...['created_at', 'updated_at', 'refunded_at', 'disputed_at'].flatMap((name) => column(payments, name)),
      ...column(rows(first.files.ledger), 'created_at'),
      ...column(rows(first.files.reviews), 'decided_at'),
      ...['Created date (UTC)', 'Refunded date (UTC)', 'Dispute Date (UTC)'].flatMap((name) => column(stripe, name).filter(Boolean).map(stripeTime)),
    ]
      .filter(Boolean)
      .map((time) => Date.parse(time));
    expect(times.some(Number.isNaN)).toBe(false);
    expect(Math.max(...times)).toBe(end);
  });
});
