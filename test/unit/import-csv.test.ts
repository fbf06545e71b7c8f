import { expect, it } from 'vitest';
import type { Store } from '../../main/core/store/store.js';
import { csv, importText, LEDGER_HEADER, PAYMENTS_HEADER } from '../support/db.js';
import { storesPerTest } from '../support/stores.js';
import { describeStores } from '../support/stores.js';

const payment = (db: Store, id: string) => db.get<Record<string, unknown>>('SELECT * FROM payments WHERE id = ?', [id]);

describeStores('CSV parsing rules (formats.md)', (kind) => {
  const fresh = storesPerTest(kind);
  it('reads a BOM, CRLF line endings and a quoted newline, reporting lines correctly after it', async () => {
    const db = await fresh();
    const text =
      '\uFEFF' +
      [
        PAYMENTS_HEADER,
        'pay_1,acct_1,10.00,usd,succeeded,2026-03-15T10:00:00Z,,in_1,a@example.com,"two',
        'lines, with ""quotes"""',
        'pay_2,acct_1,oops,usd,succeeded,2026-03-15T10:01:00Z,,,,',
        'pay_3,acct_1,"1,234.56",usd,succeeded,2026-03-15T10:02:00Z,,,,',
      ].join('\r\n') +
      '\r\n';
    const report = await importText(db, 'payments.csv', text);
    expect(report).toMatchObject({ status: 'imported', format: 'payments.canonical', rows: 3, inserted: 2, rejected: 1 });
    expect(report.errors).toEqual([{ line: 4, reason: 'amount: not a decimal amount: "oops"', raw: 'pay_2,acct_1,oops,usd,succeeded,2026-03-15T10:01:00Z,,,,' }]);
    expect(await payment(db, 'pay_1')).toMatchObject({ description: 'two\r\nlines, with "quotes"', invoice_id: 'in_1', amount_cents: 1000 });
    expect(await payment(db, 'pay_3')).toMatchObject({ amount_cents: 123456 });
  });

  it('matches header names case-insensitively with spaces, in any column order, ignoring extra columns', async () => {
    const db = await fresh();
    const report = await importText(
      db,
      'p.csv',
      csv(' Status ,CREATED_AT,extra,Currency,Amount_Cents,Account_ID,Payment_ID', 'Pending,2026-03-15T10:00:00Z,x,USD,1999,acct_9,pay_9'),
    );
    expect(report.status).toBe('imported');
    expect(await payment(db, 'pay_9')).toMatchObject({ status: 'pending', currency: 'usd', amount_cents: 1999, account_id: 'acct_9' });
  });

  it.each([
    [';', 'semicolon'],
    ['\t', 'tab'],
  ])('decides the delimiter (%s) from the header line', async (delimiter) => {
    const db = await fresh();
    const rows = ['payment_id,account_id,amount,currency,status,created_at', 'pay_1,acct_1,"1,50",usd,pending,2026-03-15 10:00'];
    const text = rows.map((r) => r.replace(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/g, delimiter)).join('\n');
    const report = await importText(db, 'p.csv', text.replace('"1,50"', '1.50'));
    expect(report.status).toBe('imported');
    expect(await payment(db, 'pay_1')).toMatchObject({ amount_cents: 150 });
  });

  it('rejects 12.345 USD and reads 1000 JPY as 1000 minor units', async () => {
    const db = await fresh();
    const report = await importText(
      db,
      'p.csv',
      csv(PAYMENTS_HEADER, 'pay_1,acct_1,12.345,USD,succeeded,2026-03-15T10:00:00Z,,,,', 'pay_2,acct_1,1000,JPY,succeeded,2026-03-15T10:00:00Z,,,,'),
    );
    expect(report.errors).toMatchObject([{ line: 2, reason: 'amount: more decimals than usd allows (2)' }]);
    expect(await payment(db, 'pay_1')).toBeUndefined();
    expect(await payment(db, 'pay_2')).toMatchObject({ amount_cents: 1000, currency: 'jpy' });
  });

  it('rejects rows with missing values, bad times and unknown statuses, each with its line and raw text', async () => {
    const db = await fresh();
    const report = await importText(
      db,
      'p.csv',
      csv(
        PAYMENTS_HEADER,
        ',acct_1,1.00,usd,succeeded,2026-03-15T10:00:00Z,,,,',
        'pay_2,acct_1,1.00,usd,teleported,2026-03-15T10:00:00Z,,,,',
        'pay_3,acct_1,1.00,usd,pending,2026-02-30T10:00:00Z,,,,',
        'pay_4,acct_1,1.00,xxx,pending,2026-03-15T10:00:00Z,,,,',
        'pay_5,acct_1,1.00,usd,pending,2026-03-15T10:00:00Z,,,,',
      ),
    );
    expect(report.errors.map((e) => [e.line, e.reason])).toEqual([
      [2, 'payment_id: missing'],
      [3, 'status: unknown status "teleported"'],
      [4, 'created_at: impossible date: "2026-02-30T10:00:00Z"'],
      [5, 'currency: unknown currency "xxx"'],
    ]);
    expect(report).toMatchObject({ inserted: 1, rejected: 4 });
    expect(await db.all('SELECT line, reason FROM rejected_rows ORDER BY line')).toHaveLength(4);
  });

  it('reads gzipped exports and JSON Lines', async () => {
    const db = await fresh();
    const gz = await importText(db, 'payments.csv.gz', csv(PAYMENTS_HEADER, 'pay_1,acct_1,5.00,usd,succeeded,2026-03-15T10:00:00Z,,,,'));
    expect(gz).toMatchObject({ status: 'imported', inserted: 1 });
    const jsonl = await importText(
      db,
      'mixed.jsonl',
      [
        JSON.stringify({ kind: 'payment', payment_id: 'pay_2', account_id: 'acct_1', amount: '7.50', currency: 'usd', status: 'pending', created_at: '2026-03-15T10:00:00Z' }),
        '',
        JSON.stringify({ kind: 'ledger', entry_id: 'le_1', account_id: 'acct_1', type: 'credit_free', amount_cents: 500, currency: 'usd', created_at: '2026-03-15T10:00:00Z' }),
        '{not json',
        JSON.stringify({ kind: 'payment', payment_id: 'pay_3', account_id: 'acct_1', amount: 0.1, currency: 'usd', status: 'pending', created_at: '2026-03-15T10:00:00Z' }),
      ].join('\n'),
    );
    expect(jsonl).toMatchObject({ status: 'imported', inserted: 3, rejected: 1 });
    expect(jsonl.errors[0].line).toBe(4);
    expect(await payment(db, 'pay_2')).toMatchObject({ amount_cents: 750 });
    expect(await payment(db, 'pay_3')).toMatchObject({ amount_cents: 10 });
  });

  it('names the kind of a JSON Lines file by its file name when lines carry no kind', async () => {
    const db = await fresh();
    const report = await importText(
      db,
      'ledger-2026.jsonl',
      JSON.stringify({ entry_id: 'le_1', account_id: 'acct_1', type: 'usage', amount: '-1.00', currency: 'usd', created_at: '2026-03-15T10:00:00Z' }),
    );
    expect(report).toMatchObject({ status: 'imported', format: 'ledger.jsonl', inserted: 1 });
  });
});

describeStores('whole-file rejection (nothing applied, the rest of the sync goes on)', (kind) => {
  const fresh = storesPerTest(kind);
  it.each([
    ['an empty file', 'empty.csv', '', 'the file is empty'],
    ['an unterminated quote', 'q.csv', csv(PAYMENTS_HEADER, 'pay_1,acct_1,1.00,usd,pending,2026-03-15T10:00:00Z,,,,"open', 'pay_2,acct_1,1.00,usd,pending,2026-03-15T10:00:00Z,,,,'), 'line 2: unterminated quoted field'],
    ['invalid UTF-8', 'bad.csv', Buffer.concat([Buffer.from(csv(PAYMENTS_HEADER, 'pay_1,acct_1,1.00,usd,pending,2026-03-15T10:00:00Z,,,,')), Buffer.from('pay_2,acct_1,1.00,usd,pending,2026-03-15T10:00:00Z,,,,caf\xe9\n', 'latin1')]), 'line 3: invalid UTF-8'],
    ['UTF-16', 'u16.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(PAYMENTS_HEADER, 'utf16le')]), 'UTF-16'],
    ['a truncated gzip', 'cut.csv.gz', 'x', 'damaged gzip'],
  ])('%s', async (_name, file, content, reason) => {
    const db = await fresh();
    let bytes: string | Buffer = content;
    if (file === 'cut.csv.gz') {
      const { gzipSync } = await import('node:zlib');
      const whole = gzipSync(Buffer.from(csv(PAYMENTS_HEADER, 'pay_1,acct_1,1.00,usd,pending,2026-03-15T10:00:00Z,,,,')));
      bytes = whole.subarray(0, whole.length - 12);
      const { writeExport } = await import('../support/db.js');
      const fs = await import('node:fs');
      const path = writeExport('cut.csv', '');
      fs.writeFileSync(path, bytes);
      const { syncPaths } = await import('../../main/core/import/sync.js');
      const [report] = await syncPaths(db, [path]);
      expect(report.status).toBe('rejected');
      expect(report.reason).toContain(reason);
      expect(await db.get('SELECT count(*) AS n FROM payments')).toEqual({ n: 0 });
      return;
    }
    const report = await importText(db, file, bytes);
    expect(report.status).toBe('rejected');
    expect(report.reason).toContain(reason);
    expect(await db.get('SELECT count(*) AS n FROM payments')).toEqual({ n: 0 });
  });

  it('reports an unknown header as unrecognised, with the header line', async () => {
    const db = await fresh();
    const report = await importText(db, 'x.csv', 'Date,Gross,Name\n2026-01-01,1.00,x\n');
    expect(report).toMatchObject({ status: 'unrecognised', header: 'Date,Gross,Name' });
  });

  it('rejects a file with more bad rows than allowed and applies none of its good rows', async () => {
    const db = await fresh();
    const bad = Array.from({ length: 1001 }, (_, i) => `pay_${i},acct_1,1.999,usd,pending,2026-03-15T10:00:00Z,,,,`);
    const report = await importText(db, 'p.csv', csv(PAYMENTS_HEADER, 'pay_ok,acct_1,1.00,usd,pending,2026-03-15T10:00:00Z,,,,', ...bad));
    expect(report.status).toBe('rejected');
    expect(report.reason).toContain('1001 of 1002 rows could not be read');
    expect(await db.get('SELECT count(*) AS n FROM payments')).toEqual({ n: 0 });
  });

  it('goes on with the next file of a folder after a bad one', async () => {
    const db = await fresh();
    const { tempDir, writeExport } = await import('../support/db.js');
    const { syncPaths } = await import('../../main/core/import/sync.js');
    const dir = tempDir();
    writeExport('a_bad.csv', csv(PAYMENTS_HEADER, 'pay_1,acct_1,1.00,usd,pending,2026-03-15T10:00:00Z,,,,"'), dir);
    writeExport('nested/b_good.csv', csv(PAYMENTS_HEADER, 'pay_2,acct_1,1.00,usd,pending,2026-03-15T10:00:00Z,,,,'), dir);
    const reports = await syncPaths(db, [dir]);
    expect(reports.map((r) => r.status)).toEqual(['rejected', 'imported']);
    expect(await payment(db, 'pay_2')).toBeDefined();
  });
});

describeStores('re-imports and snapshots', (kind) => {
  const fresh = storesPerTest(kind);
  const older = csv(PAYMENTS_HEADER, 'pay_1,acct_1,10.00,usd,pending,2026-03-15T10:00:00Z,,,,');
  const newer = csv(PAYMENTS_HEADER, 'pay_1,acct_1,10.00,usd,succeeded,2026-03-15T10:00:00Z,,in_1,,');

  it('skips a file whose content was imported before', async () => {
    const db = await fresh();
    expect((await importText(db, 'a.csv', older)).status).toBe('imported');
    expect((await importText(db, 'b.csv', older)).status).toBe('skipped');
  });

  it.each([
    ['older then newer', [older, newer]],
    ['newer then older', [newer, older]],
  ])('a payment pending in one snapshot and succeeded in another ends succeeded (%s)', async (_order, files) => {
    const db = await fresh();
    for (const [i, file] of files.entries()) await importText(db, `snapshot${i}.csv`, file);
    expect(await payment(db, 'pay_1')).toMatchObject({ status: 'succeeded', invoice_id: 'in_1' });
  });

  it('a later updated_at wins even when its status is earlier in the lifecycle', async () => {
    const db = await fresh();
    await importText(db, 'a.csv', csv(PAYMENTS_HEADER, 'pay_1,acct_1,10.00,usd,succeeded,2026-03-15T10:00:00Z,2026-03-15T10:01:00Z,,,'));
    const report = await importText(db, 'b.csv', csv(PAYMENTS_HEADER, 'pay_1,acct_1,10.00,usd,refunded,2026-03-15T10:00:00Z,2026-03-15T11:00:00Z,,,'));
    expect(report).toMatchObject({ updated: 1 });
    const stale = await importText(db, 'c.csv', csv(PAYMENTS_HEADER, 'pay_1,acct_1,10.00,usd,pending,2026-03-15T10:00:00Z,2026-03-15T10:30:00Z,,,'));
    expect(stale).toMatchObject({ unchanged: 1, updated: 0 });
    expect(await payment(db, 'pay_1')).toMatchObject({ status: 'refunded' });
  });

  it('records a changed ledger entry as a conflict and keeps the stored one', async () => {
    const db = await fresh();
    await importText(db, 'l1.csv', csv(LEDGER_HEADER, 'le_1,acct_1,credit_free,5.00,usd,2026-03-15T10:00:00Z,'));
    const same = await importText(db, 'l2.csv', csv(LEDGER_HEADER, 'le_1,acct_1,credit_free,5.00,usd,2026-03-15T10:00:00Z,', 'le_2,acct_1,usage,-1.00,usd,2026-03-15T10:00:00Z,'));
    expect(same).toMatchObject({ unchanged: 1, inserted: 1, conflicts: 0 });
    const changed = await importText(db, 'l3.csv', csv(LEDGER_HEADER, 'le_1,acct_1,credit_free,50.00,usd,2026-03-15T10:00:00Z,'));
    expect(changed).toMatchObject({ conflicts: 1 });
    expect(await db.get('SELECT amount_cents FROM ledger_entries WHERE id = ?', ['le_1'])).toEqual({ amount_cents: 500 });
    const conflict = (await db.get('SELECT entry_id, line, stored, incoming FROM ledger_conflicts')) as { line: number; incoming: string };
    expect(conflict.line).toBe(2);
    expect(JSON.parse(conflict.incoming)).toMatchObject({ amountCents: 5000 });
    expect(await db.get('SELECT balance_cents FROM account_totals WHERE account_id = ?', ['acct_1'])).toEqual({ balance_cents: 400 });
  });

  it('rejects ledger rows whose sign contradicts their type, and credit_purchased without a payment', async () => {
    const db = await fresh();
    const report = await importText(
      db,
      'l.csv',
      csv(LEDGER_HEADER, 'le_1,acct_1,refund,5.00,usd,2026-03-15T10:00:00Z,pay_1', 'le_2,acct_1,credit_purchased,5.00,usd,2026-03-15T10:00:00Z,'),
    );
    expect(report.errors.map((e) => e.reason)).toEqual(['amount: a refund entry must be negative', 'payment_id: missing (required for credit_purchased)']);
  });
});
