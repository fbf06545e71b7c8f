// A snapshot's rows that the database holds byte for byte are counted as unchanged without being read
// (main/core/import/unchanged-rows.ts). That shortcut must never change an outcome: every file imported into a
// database where it applies gives the same report and the same data as into a twin database whose stored row
// hashes are wiped before each file, so that every row there is read and compared in full. On each store.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { ImportFileReport } from '../../shared/domain.js';
import { ledgerReader, paymentReader, PAYMENT_FIELDS, canonicalColumns } from '../../main/core/import/formats/canonical.js';
import { HeaderIndex } from '../../main/core/import/formats/columns.js';
import type { Store } from '../../main/core/store/store.js';
import { csv, importText, LEDGER_HEADER, PAYMENTS_HEADER } from '../support/db.js';
import { storeContentDigests } from '../support/store-contents.js';
import { describeStores, freshStore, type FreshStore, type StoreKind } from '../support/stores.js';

const SEED = 5_2026;

type Outcome = Pick<ImportFileReport, 'status' | 'format' | 'rows' | 'inserted' | 'updated' | 'unchanged' | 'ignored' | 'rejected' | 'conflicts' | 'errors' | 'reason'>;
const outcome = (r: ImportFileReport): Outcome => ({
  status: r.status,
  format: r.format,
  rows: r.rows,
  inserted: r.inserted,
  updated: r.updated,
  unchanged: r.unchanged,
  ignored: r.ignored,
  rejected: r.rejected,
  conflicts: r.conflicts,
  errors: r.errors,
  reason: r.reason,
});

/** Everything an import leaves, but the row hashes themselves and the timings of the import history. */
async function dataOf(db: Store) {
  return {
    payments: await db.all(`SELECT id, alt_id, account_id, amount_cents, currency, status, created_at, updated_at, invoice_id, email, description,
        import_id, credited_at, purchase_gap_ms FROM payments ORDER BY id`),
    imports: await db.all('SELECT id, format, status, rows, inserted, updated, unchanged, ignored, rejected, conflicts FROM imports ORDER BY id'),
    rejected: await db.all('SELECT import_id, line, reason, raw FROM rejected_rows ORDER BY import_id, line'),
    rest: await storeContentDigests(db, ['payments', 'imports', 'rejected_rows']),
  };
}

/** Imports the files in order into a database that recognises unchanged rows and into one that reads all of them. */
async function importBoth(shortcut: Store, full: Store, files: readonly { name: string; text: string }[]) {
  const reports: { shortcut: Outcome; full: Outcome }[] = [];
  for (const file of files) {
    const fast = await importText(shortcut, file.name, file.text);
    await full.exec('UPDATE payments SET row_hash_hi = NULL, row_hash_lo = NULL');
    const slow = await importText(full, file.name, file.text);
    reports.push({ shortcut: outcome(fast), full: outcome(slow) });
  }
  return reports;
}

/** The same files into two fresh stores of the kind (closed, on PostgreSQL dropped, before it returns). */
async function expectSameOutcomes(kind: StoreKind, files: readonly { name: string; text: string }[]) {
  const shortcut = await freshStore(kind);
  const full = await freshStore(kind);
  try {
    const reports = await importBoth(shortcut.store, full.store, files);
    for (const { shortcut: fast, full: slow } of reports) expect(fast).toEqual(slow);
    expect(await dataOf(shortcut.store)).toEqual(await dataOf(full.store));
    return reports.map((r) => r.shortcut);
  } finally {
    await shortcut.close();
    await full.close();
  }
}

const ROW = {
  p1: 'pay_1,acct_1,10.00,usd,pending,2026-03-15T10:00:00Z,,in_1,a@example.com,pack',
  p2: 'pay_2,acct_1,10.00,usd,succeeded,2026-03-15T10:05:00Z,,in_2,a@example.com,pack',
  p3: 'pay_3,acct_2,25.00,usd,succeeded,2026-03-15T11:00:00Z,2026-03-15T11:01:00Z,in_3,b@example.com,pack',
};

describeStores('unchanged rows are recognised by their text, with the outcome of reading them in full', (kind) => {
  const opened: FreshStore[] = [];
  afterEach(async () => {
    while (opened.length) await opened.pop()!.close();
  });

  it('a newer snapshot: repeated rows unchanged, a changed status updated, a new row inserted', async () => {
    const reports = await expectSameOutcomes(kind, [
      { name: 'a.csv', text: csv(PAYMENTS_HEADER, ROW.p1, ROW.p2, ROW.p3) },
      { name: 'b.csv', text: csv(PAYMENTS_HEADER, ROW.p1.replace('pending', 'succeeded'), ROW.p2, ROW.p3, 'pay_4,acct_3,5.00,usd,pending,2026-03-15T12:00:00Z,,,,') },
    ]);
    expect(reports[1]).toMatchObject({ rows: 4, inserted: 1, updated: 1, unchanged: 2 });
  });

  it('the same values written differently are unchanged; the next snapshot repeating that text is recognised', async () => {
    const reformatted = 'pay_2,acct_1,10.0,USD,Succeeded,2026-03-15T10:05:00.000Z,,in_2,a@example.com, pack ';
    const fresh = await freshStore(kind);
    opened.push(fresh);
    const db = fresh.store;
    const hashOf = () => db.get(`SELECT row_hash_hi, row_hash_lo FROM payments WHERE id = 'pay_2'`);
    await importText(db, 'a.csv', csv(PAYMENTS_HEADER, ROW.p1, ROW.p2));
    const original = await hashOf();
    expect(await importText(db, 'b.csv', csv(PAYMENTS_HEADER, ROW.p1, reformatted))).toMatchObject({ updated: 0, unchanged: 2 });
    const rewritten = await hashOf();
    expect(rewritten).not.toEqual(original); // the hash follows the text last read into the same values
    expect(await importText(db, 'c.csv', csv(PAYMENTS_HEADER, ROW.p2, ROW.p1))).toMatchObject({ updated: 0, unchanged: 2 });
    expect(await hashOf()).toEqual(original);
    await expectSameOutcomes(kind, [
      { name: 'a.csv', text: csv(PAYMENTS_HEADER, ROW.p1, ROW.p2) },
      { name: 'b.csv', text: csv(PAYMENTS_HEADER, ROW.p1, reformatted) },
      { name: 'c.csv', text: csv(PAYMENTS_HEADER, reformatted, ROW.p1, ROW.p3) },
    ]);
  });

  it('rows rejected before are rejected again, on their own lines; a stored row now unreadable is rejected', async () => {
    const reports = await expectSameOutcomes(kind, [
      { name: 'a.csv', text: csv(PAYMENTS_HEADER, ROW.p1, 'pay_9,acct_1,oops,usd,pending,2026-03-15T10:00:00Z,,,,', ROW.p2) },
      { name: 'b.csv', text: csv(PAYMENTS_HEADER, ROW.p2, 'pay_9,acct_1,oops,usd,pending,2026-03-15T10:00:00Z,,,,', ROW.p1.replace('usd', 'xxx'), ROW.p3) },
    ]);
    expect(reports[1].errors.map((e) => [e.line, e.reason])).toEqual([
      [3, 'amount: not a decimal amount: "oops"'],
      [4, 'currency: unknown currency "xxx"'],
    ]);
    expect(reports[1]).toMatchObject({ rejected: 2, unchanged: 1, inserted: 1 });
  });

  it('a stored row repeated after a row of the same id that replaced it in the same file is compared with that row', async () => {
    // Equal updated_at and rank, different values: the later row wins each time, so the file ends with p1 as stored.
    const sameRankOtherEmail = ROW.p1.replace('a@example.com', 'other@example.com');
    const reports = await expectSameOutcomes(kind, [
      { name: 'a.csv', text: csv(PAYMENTS_HEADER, ROW.p1, ROW.p2) },
      { name: 'b.csv', text: csv(PAYMENTS_HEADER, sameRankOtherEmail, ROW.p2, ROW.p1) },
    ]);
    expect(reports[1]).toMatchObject({ updated: 2, unchanged: 1 });
  });

  it.each([
    ['spaces and a tab', ' pay_1\t,'],
    ['Unicode spaces that reading trims too (no-break, ideographic)', '\u00a0pay_1\u3000,'],
  ])('the same, with the id padded with %s in one row and not in the other', async (_, paddedId) => {
    const padded = ROW.p1.replace('pay_1,', paddedId);
    const sameRankOtherEmail = ROW.p1.replace('a@example.com', 'other@example.com');
    const reports = await expectSameOutcomes(kind, [
      { name: 'a.csv', text: csv(PAYMENTS_HEADER, padded, ROW.p2) },
      { name: 'b.csv', text: csv(PAYMENTS_HEADER, sameRankOtherEmail, ROW.p2, padded) },
      { name: 'c.csv', text: csv(PAYMENTS_HEADER, padded.replace('a@example.com', 'third@example.com'), ROW.p2, sameRankOtherEmail) },
    ]);
    expect(reports[1]).toMatchObject({ updated: 2, unchanged: 1 });
    expect(reports[2]).toMatchObject({ updated: 2, unchanged: 1 });
  });

  it('the same text under another column order is read in full', async () => {
    const swapped = PAYMENTS_HEADER.replace('payment_id,account_id', 'account_id,payment_id');
    const reports = await expectSameOutcomes(kind, [
      { name: 'a.csv', text: csv(PAYMENTS_HEADER, 'pay_1,pay_2,10.00,usd,pending,2026-03-15T10:00:00Z,,,,') },
      { name: 'b.csv', text: csv(swapped, 'pay_1,pay_2,10.00,usd,pending,2026-03-15T10:00:00Z,,,,') },
    ]);
    expect(reports[1]).toMatchObject({ inserted: 1, unchanged: 0 });
  });

  it('Stripe exports, quoted fields and CRLF lines', async () => {
    const header = 'id,Created date (UTC),Amount,Amount Refunded,Currency,Status,Customer Email,Description,PaymentIntent ID';
    const rows = [
      'ch_1,2026-03-15 10:00:00,"1,234.56",0,usd,Paid,a@example.com,"a pack, large",pi_1',
      'ch_2,2026-03-15 10:05,10.00,0,usd,Pending,b@example.com,"two\r\nlines",pi_2',
      ',2026-03-15 10:06,10.00,0,usd,requires_payment_method,c@example.com,,pi_3',
    ];
    const reports = await expectSameOutcomes(kind, [
      { name: 'unified_payments.csv', text: [header, ...rows].join('\r\n') + '\r\n' },
      { name: 'unified_payments-2.csv', text: [header, rows[0], rows[1].replace('Pending', 'Paid'), rows[2], 'ch_3,2026-03-15 11:00,5.00,5.00,usd,Paid,,,'].join('\r\n') },
    ]);
    expect(reports[1]).toMatchObject({ rows: 4, inserted: 1, updated: 1, unchanged: 1, ignored: 1 });
  });

  it('holds for any sequence of snapshots (generated)', async () => {
    const version = fc.record({
      account: fc.constantFrom('acct_1', 'acct_2'),
      amount: fc.constantFrom('10.00', '10.0', '25.00'),
      currency: fc.constantFrom('usd', 'USD', 'xxx'),
      status: fc.constantFrom('pending', 'succeeded', 'failed', 'refunded'),
      updatedMinute: fc.option(fc.integer({ min: 0, max: 3 })),
      email: fc.constantFrom('', 'a@example.com', ' a@example.com'),
    });
    const line = fc.tuple(fc.integer({ min: 1, max: 6 }), version).map(
      ([id, v]) =>
        `pay_${id},${v.account},${v.amount},${v.currency},${v.status},2026-03-15T10:00:00Z,` +
        `${v.updatedMinute === null ? '' : `2026-03-15T10:0${v.updatedMinute}:00Z`},,${v.email},`,
    );
    const file = fc.array(line, { minLength: 1, maxLength: 10 });
    await fc.assert(
      fc.asyncProperty(fc.array(file, { minLength: 1, maxLength: 4 }), async (files) => {
        // A file may repeat rows of the previous ones: that is what makes rows stored as they are.
        await expectSameOutcomes(kind, files.map((rows, i) => ({ name: `p${i}.csv`, text: csv(PAYMENTS_HEADER, ...rows, ...(files[i - 1] ?? []).slice(0, 3)) })));
      }),
      { seed: SEED, numRuns: 80 },
    );
  }, 600_000); // two fresh databases a run: on PostgreSQL each is a CREATE DATABASE (~0.4 s)

  it('ledger files are read as before (no shortcut: a changed entry is a conflict)', async () => {
    const entry = 'le_1,acct_1,credit_purchased,10.00,usd,2026-03-15T10:00:30Z,pay_1';
    const reports = await expectSameOutcomes(kind, [
      { name: 'a.csv', text: csv(PAYMENTS_HEADER, ROW.p1) },
      { name: 'l1.csv', text: csv(LEDGER_HEADER, entry) },
      { name: 'l2.csv', text: csv(LEDGER_HEADER, entry, entry.replace('10.00', '11.00')) },
    ]);
    expect(reports[2]).toMatchObject({ unchanged: 1, conflicts: 1 });
  });
});

describe('payment readers describe their layout for row hashes', () => {
  it('differs when the columns differ, and names the id column', () => {
    const a = paymentReader('payments.canonical', canonicalColumns(new HeaderIndex(PAYMENTS_HEADER.split(',')), PAYMENT_FIELDS));
    const b = paymentReader('payments.canonical', canonicalColumns(new HeaderIndex(PAYMENTS_HEADER.split(',').reverse()), PAYMENT_FIELDS));
    expect(a.paymentRows?.idColumn).toBe(0);
    expect(b.paymentRows?.idColumn).toBe(9);
    expect(a.paymentRows?.layout).not.toBe(b.paymentRows?.layout);
    expect(ledgerReader('ledger.canonical', { entry_id: 0, account_id: 1, type: 2, amount: 3, amount_cents: -1, currency: 4, created_at: 5, payment_id: 6 }).paymentRows).toBeUndefined();
  });
});
