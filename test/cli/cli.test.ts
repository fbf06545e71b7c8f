// The real `paydesk` bin (built by the test command) on fixture files, on each store (`--db` a SQLite file or a
// team database's URL): exit codes, JSON shapes, CSV exports.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cliDatabase, closeCliDatabases, ensureCliBuilt, runPaydesk } from '../support/cli.js';
import { csv, LEDGER_HEADER, PAYMENTS_HEADER, tempDir, writeExport } from '../support/db.js';
import { describeStores } from '../support/stores.js';

function paydesk(...args: string[]) {
  return runPaydesk(args);
}

beforeAll(() => ensureCliBuilt(), 180_000);
afterEach(() => closeCliDatabases());

function fixtureFolder() {
  const dir = tempDir();
  writeExport(
    'payments.csv',
    csv(
      PAYMENTS_HEADER,
      'pay_1,acct_1,10.00,usd,pending,2026-03-15T09:00:00Z,,,one@example.com,',
      'pay_2,acct_2,25.00,usd,succeeded,2026-03-15T10:00:00Z,,in_2,two@example.com,',
      'pay_3,acct_2,25.00,usd,succeeded,2026-03-15T10:05:00Z,,in_3,two@example.com,',
      'pay_4,acct_4,=HYPERLINK("http://x"),usd,succeeded,2026-03-15T10:05:00Z,,,,',
    ),
    dir,
  );
  writeExport(
    'ledger/ledger.csv',
    csv(
      LEDGER_HEADER,
      'le_1,acct_3,credit_free,5.00,usd,2026-03-01T00:00:00Z,',
      'le_2,acct_3,usage,-0.80,usd,2026-03-02T00:00:00Z,',
      'le_3,acct_2,credit_purchased,25.00,usd,2026-03-15T10:20:00Z,pay_2',
      'le_4,acct_2,credit_purchased,25.00,usd,2026-03-15T10:20:30Z,pay_3',
      'le_5,=cmd|calc,credit_free,5.00,usd,2026-03-01T00:00:00Z,',
    ),
    dir,
  );
  return dir;
}

// Help and usage errors open no database.
describe('paydesk CLI', () => {
  it('prints help and exits 0; a usage error exits 2', () => {
    const help = paydesk('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/import.*flags.*followups.*account.*review.*export.*mapping.*demo/s);
    expect(paydesk('frobnicate').code).toBe(2);
    expect(paydesk('import').code).toBe(2);
  });

  // File modes are SQLite's: a team database is no file of ours.
  it('creates the SQLite database file 0600', () => {
    const db = path.join(tempDir(), 'p.db');
    expect(paydesk('import', '--db', db, '--json', fixtureFolder()).code).toBe(0);
    expect(fs.statSync(db).mode & 0o777).toBe(0o600);
  });
});

describeStores('paydesk CLI', (kind) => {
  const newDb = async () => (await cliDatabase(kind)).target;

  it('imports a folder and prints exactly one JSON document with the documented shape', async () => {
    const db = await newDb();
    const result = paydesk('import', '--db', db, '--json', fixtureFolder());
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.files).toHaveLength(2);
    // The folder lists ledger.csv first; a sync imports the payments export before it (sync.ts importOrder).
    expect(json.files[0]).toMatchObject({ format: 'payments.canonical', status: 'imported', rows: 4, inserted: 3, rejected: 1 });
    expect(json.files[1]).toMatchObject({ format: 'ledger.canonical', status: 'imported', rows: 5, inserted: 5, updated: 0, unchanged: 0, ignored: 0, rejected: 0, conflicts: 0, errors: [] });
    expect(json.files[0].errors).toEqual([{ line: 5, reason: expect.stringContaining('amount'), raw: 'pay_4,acct_4,=HYPERLINK("http://x"),usd,succeeded,2026-03-15T10:05:00Z,,,,' }]);

    const again = JSON.parse(paydesk('import', '--db', db, '--json', fixtureFolder()).stdout);
    expect(again.files.map((f: { status: string }) => f.status)).toEqual(['skipped', 'skipped']);
  });

  it('exits 1 naming the file and line when a file is rejected, and still imports the others', async () => {
    const dir = fixtureFolder();
    writeExport('broken.csv', csv(PAYMENTS_HEADER, 'pay_9,acct_9,1.00,usd,pending,2026-03-15T10:00:00Z,,,,"'), dir);
    const result = paydesk('import', '--db', await newDb(), dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/broken\.csv: rejected: line 2: unterminated quoted field/);
    expect(result.stdout).toMatch(/imported\s+.*payments\.csv/);
  });

  it('flags --json gives the four lists with the documented fields; a positional filter computes one list', async () => {
    const db = await newDb();
    paydesk('import', '--db', db, fixtureFolder());
    const result = paydesk('flags', '--db', db, '--json', '--as-of', '2026-03-15T12:00:00Z');
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.asOf).toBe('2026-03-15T12:00:00.000Z');
    expect(json.settings).toEqual({
      stuckAfterMinutes: 15, duplicateWindowMinutes: 60, lookbackDays: 30, tierThresholdCents: 500, bankDebitStuckAfterMinutes: 10_080, methodStuckAfterMinutes: {},
    });
    expect(json.stuck).toEqual([
      expect.objectContaining({ paymentId: 'pay_1', accountId: 'acct_1', stage: 'processor', amountCents: 1000, currency: 'usd', createdAt: '2026-03-15T09:00:00.000Z', ageSeconds: 10800 }),
    ]);
    expect(json.duplicates).toEqual([
      expect.objectContaining({ key: 'pay_2|pay_3', accountId: 'acct_2', currency: 'usd', amountCents: 2500, paymentIds: ['pay_2', 'pay_3'], whilePending: true }),
    ]);
    expect(json.limited).toEqual(
      expect.arrayContaining([expect.objectContaining({ accountId: 'acct_3', balanceCents: 420, freeCents: 500, purchasedCents: 0, missingCents: 500 })]),
    );
    // pay_2 and pay_3 are each credited once with their own amount: nothing to reconcile
    expect(json.mismatches).toEqual([]);
    const onlyStuck = JSON.parse(paydesk('flags', '--db', db, '--json', 'stuck', '--stuck-after', '240').stdout);
    expect(onlyStuck.stuck).toEqual([]);
    expect(onlyStuck.duplicates).toBeUndefined();
    expect(onlyStuck.settings.stuckAfterMinutes).toBe(240);
    expect(paydesk('flags', '--db', db, '--stuck-after', 'soon').code).toBe(1);
    expect(paydesk('flags', '--db', db, 'everything').code).toBe(1);
  });

  it('finds an account by email or payment id and shows its flags', async () => {
    const db = await newDb();
    paydesk('import', '--db', db, fixtureFolder());
    const view = JSON.parse(paydesk('account', '--db', db, '--json', 'TWO@example.com').stdout);
    expect(view.accountId).toBe('acct_2');
    expect(view.payments.map((p: { paymentId: string }) => p.paymentId)).toEqual(['pay_2', 'pay_3']);
    expect(view.flags.duplicates.map((d: { key: string }) => d.key)).toEqual(['pay_2|pay_3']);
    expect(JSON.parse(paydesk('account', '--db', db, '--json', 'pay_1').stdout).accountId).toBe('acct_1');
    expect(paydesk('account', '--db', db, 'nobody@example.com').code).toBe(1);
  });

  it('records reviews that survive a re-import, and exports CSV safe for spreadsheets', async () => {
    const dir = tempDir();
    const db = await newDb();
    paydesk('import', '--db', db, fixtureFolder());
    const review = paydesk('review', '--db', db, 'pay_2|pay_3', 'refund_needed', '--note', '=SUM(A1) customer asked', '--reviewer', 'finance-1');
    expect(review.code).toBe(0);
    expect(paydesk('review', '--db', db, 'pay_2|pay_3', 'escalated').code).toBe(1);
    writeExport('newer.csv', csv(PAYMENTS_HEADER, 'pay_3,acct_2,25.00,usd,succeeded,2026-03-15T10:05:00Z,2026-03-15T11:00:00Z,in_3,two@example.com,'), dir);
    paydesk('import', '--db', db, path.join(dir, 'newer.csv'));

    const out = path.join(dir, 'duplicates.csv');
    expect(paydesk('export', '--db', db, 'duplicates', '--out', out).code).toBe(0);
    const lines = fs.readFileSync(out, 'utf8').trim().split('\r\n');
    expect(lines[0]).toBe('key,account_id,currency,amount,amount_cents,payments,payment_ids,extra_amount,while_pending,first_created_at,last_created_at,review_decision,review_note');
    expect(lines[1]).toBe(`pay_2|pay_3,acct_2,usd,25.00,2500,2,pay_2 pay_3,25.00,true,2026-03-15T10:00:00.000Z,2026-03-15T10:05:00.000Z,refund_needed,"'=SUM(A1) customer asked"`);
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);

    const limitedOut = path.join(dir, 'limited.csv');
    paydesk('export', '--db', db, 'limited', '--out', limitedOut);
    expect(fs.readFileSync(limitedOut, 'utf8')).toContain(`"'=cmd|calc",usd`);

    const reviewsOut = path.join(dir, 'reviews.csv');
    paydesk('export', '--db', db, 'reviews', '--out', reviewsOut);
    const other = await newDb();
    const shared = JSON.parse(paydesk('import', '--db', other, '--json', reviewsOut).stdout);
    expect(shared.files[0]).toMatchObject({ format: 'reviews', status: 'imported', inserted: 1 });
    paydesk('import', '--db', other, fixtureFolder());
    const exported = path.join(dir, 'again.csv');
    paydesk('export', '--db', other, 'duplicates', '--out', exported);
    expect(fs.readFileSync(exported, 'utf8')).toContain(`refund_needed,"'=SUM(A1) customer asked"`);
  });

  it('saves a column mapping for an unrecognised header and then imports that file', async () => {
    const dir = tempDir();
    const db = await newDb();
    const file = writeExport('other.csv', 'Txn,Customer,Gross,Cur,State,When\nT1,acct_7,9.99,usd,succeeded,2026-03-15 10:00\n', dir);
    expect(JSON.parse(paydesk('import', '--db', db, '--json', file).stdout).files[0]).toMatchObject({ status: 'unrecognised', header: 'Txn,Customer,Gross,Cur,State,When' });
    const bad = paydesk('mapping', '--db', db, 'save', file, '--map', 'payment_id=Txn');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('account_id must be mapped');
    const save = paydesk('mapping', '--db', db, 'save', file, '--map', 'payment_id=Txn', 'account_id=Customer', 'amount=Gross', 'currency=Cur', 'status=State', 'created_at=When');
    expect(save.code).toBe(0);
    expect(JSON.parse(paydesk('mapping', '--db', db, 'list', '--json').stdout)).toMatchObject([{ id: 1, kind: 'payments' }]);
    const again = JSON.parse(paydesk('import', '--db', db, '--json', file).stdout);
    expect(again.files[0]).toMatchObject({ status: 'imported', format: 'payments.mapping-1', inserted: 1 });
    expect(paydesk('mapping', '--db', db, 'delete', '1').code).toBe(0);
  });

  // `paydesk demo` loads into a local database only: a team database gets the demo data by `paydesk copy`.
  it('loads the demo dataset and prints all four lists, each with something in it', async () => {
    const local = path.join(tempDir(), 'demo.db');
    expect(paydesk('demo', '--db', local).code).toBe(0);
    const db = kind === 'sqlite' ? local : await newDb();
    if (db !== local) {
      const copied = paydesk('copy', '--from', local, '--to', db);
      expect(copied.code, copied.stderr).toBe(0);
    }
    const result = paydesk('flags', '--db', db);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Stuck payments \((\d+)\)/);
    const counts = [...result.stdout.matchAll(/^(?:Stuck payments|Possible duplicate purchases|Credits but still Limited|Mismatches: processor and ledger disagree) \((\d+)\)$/gm)].map((m) => Number(m[1]));
    expect(counts).toHaveLength(4);
    expect(counts.every((n) => n > 0)).toBe(true);
  });
});
