// Reconciliation through the real `paydesk` bin: per-method stuck thresholds, `flags mismatches`, `followups`,
// decisions on mismatches, and the CSV exports (shared/spec/cli.md), on each store (`--db` a SQLite file or a team
// database's URL). Expected values are worked out by hand.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { writeSettings } from '../../main/core/settings.js';
import { openStore } from '../../main/core/store/open-store.js';
import { cliDatabase, closeCliDatabases, ensureCliBuilt, runPaydesk } from '../support/cli.js';
import { csv, LEDGER_HEADER, tempDir, writeExport } from '../support/db.js';
import { describeStores, type StoreKind } from '../support/stores.js';

beforeAll(() => ensureCliBuilt(), 180_000);
afterEach(() => closeCliDatabases());

const HEADER = 'payment_id,account_id,amount,currency,status,created_at,updated_at,payment_method,amount_refunded,refunded_at,disputed_amount,dispute_status,disputed_at,email';
const STRIPE = 'id,Created date (UTC),Amount,Amount Refunded,Currency,Status,Refunded date (UTC),Payment Source Type,payment_method_type (metadata),Disputed Amount,Dispute Status,Dispute Date (UTC),Mode,Customer ID,PaymentIntent ID';
const SAMPLES = path.resolve(__dirname, '../../../shared/samples/real-exports');

function paydesk(...args: string[]) {
  return runPaydesk(args);
}

function json(...args: string[]) {
  const result = paydesk(...args, '--json');
  if (result.code !== 0) throw new Error(`paydesk ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

function importFiles(db: string, ...files: [name: string, content: string][]) {
  const dir = tempDir();
  for (const [name, content] of files) writeExport(name, content, dir);
  return json('import', '--db', db, dir);
}

/** A SQLite file (not yet created) or a fresh team database, as `--db` names it. */
const newDb = async (kind: StoreKind) => (await cliDatabase(kind)).target;

describeStores('flags: thresholds per payment method', (kind) => {
  const payments = csv(
    HEADER,
    'pay_card,acct_1,10.00,usd,pending,2026-03-15T11:30:00Z,,card,,,,,,',
    'pay_ach_2d,acct_2,10.00,usd,pending,2026-03-13T12:00:00Z,,us_bank_account,,,,,,',
    'pay_ach_8d,acct_3,10.00,usd,pending,2026-03-07T12:00:00Z,,us_bank_account,,,,,,',
    'pay_sepa_3h,acct_4,10.00,usd,pending,2026-03-15T09:00:00Z,,sepa_debit,,,,,,',
  );
  const ledger = csv(LEDGER_HEADER, 'le_end,acct_9,usage,-1.00,usd,2026-03-15T12:00:00Z,');
  const stuckOf = (output: { stuck: { paymentId: string; method: string | null; stuckAfterMinutes: number }[] }) =>
    output.stuck.map((s) => [s.paymentId, s.method, s.stuckAfterMinutes]);

  it('settings carry the bank-debit and per-method thresholds; each stuck row its method and the threshold applied', async () => {
    const db = await newDb(kind);
    importFiles(db, ['payments.csv', payments], ['ledger.csv', ledger]);
    const defaults = json('flags', '--db', db, 'stuck');
    expect(defaults.settings).toEqual({
      stuckAfterMinutes: 15, duplicateWindowMinutes: 60, lookbackDays: 30, tierThresholdCents: 500, bankDebitStuckAfterMinutes: 10_080, methodStuckAfterMinutes: {},
    });
    expect(stuckOf(defaults)).toEqual([
      ['pay_ach_8d', 'us_bank_account', 10_080],
      ['pay_card', 'card', 15],
    ]);

    const bank15 = json('flags', '--db', db, 'stuck', '--bank-debit-stuck-after', '15');
    expect(bank15.settings.bankDebitStuckAfterMinutes).toBe(15);
    expect(stuckOf(bank15)).toEqual([
      ['pay_ach_8d', 'us_bank_account', 15],
      ['pay_ach_2d', 'us_bank_account', 15],
      ['pay_sepa_3h', 'sepa_debit', 15],
      ['pay_card', 'card', 15],
    ]);

    const own = json('flags', '--db', db, 'stuck', '--method-stuck-after', 'us_bank_account=1440', '--method-stuck-after', 'card=60', '--method-stuck-after', 'sepa_debit=120');
    expect(own.settings.methodStuckAfterMinutes).toEqual({ us_bank_account: 1440, card: 60, sepa_debit: 120 });
    expect(stuckOf(own)).toEqual([
      ['pay_ach_8d', 'us_bank_account', 1440],
      ['pay_ach_2d', 'us_bank_account', 1440],
      ['pay_sepa_3h', 'sepa_debit', 120],
    ]);
  });

  it("adds the command line's method thresholds to the ones saved in Settings, replacing the same method's", async () => {
    const db = await newDb(kind);
    importFiles(db, ['payments.csv', payments], ['ledger.csv', ledger]);
    const saved = await openStore(db);
    await writeSettings(saved, { methodStuckAfterMinutes: { us_bank_account: 1440, card: 60 }, bankDebitStuckAfterMinutes: 20_160 });
    await saved.close();
    const stored = json('flags', '--db', db, 'stuck');
    expect(stored.settings).toMatchObject({ bankDebitStuckAfterMinutes: 20_160, methodStuckAfterMinutes: { us_bank_account: 1440, card: 60 } });
    expect(stuckOf(stored)).toEqual([
      ['pay_ach_8d', 'us_bank_account', 1440],
      ['pay_ach_2d', 'us_bank_account', 1440],
    ]);
    const both = json('flags', '--db', db, 'stuck', '--method-stuck-after', 'card=15', '--method-stuck-after', 'sepa_debit=60', '--bank-debit-stuck-after', '10');
    expect(both.settings).toMatchObject({ bankDebitStuckAfterMinutes: 10, methodStuckAfterMinutes: { us_bank_account: 1440, card: 15, sepa_debit: 60 } });
    expect(stuckOf(both)).toEqual([
      ['pay_ach_8d', 'us_bank_account', 1440],
      ['pay_ach_2d', 'us_bank_account', 1440],
      ['pay_sepa_3h', 'sepa_debit', 60],
      ['pay_card', 'card', 15],
    ]);
  });

  it.each([
    ['--method-stuck-after', 'Card=60', '--method-stuck-after'],
    ['--method-stuck-after', 'card=1.5', '--method-stuck-after'],
    ['--method-stuck-after', 'card', '--method-stuck-after'],
    ['--method-stuck-after', '=60', '--method-stuck-after'],
    ['--bank-debit-stuck-after', 'a week', '--bank-debit-stuck-after'],
    ['--bank-debit-stuck-after', '-5', '--bank-debit-stuck-after'],
  ])('%s %s is refused with exit 1 and one clear line', async (option, value, named) => {
    const db = await newDb(kind);
    importFiles(db, ['payments.csv', payments]);
    const result = paydesk('flags', '--db', db, '--json', option, value);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(named);
  });

  it('the human table shows the method and the threshold', async () => {
    const db = await newDb(kind);
    importFiles(db, ['payments.csv', payments], ['ledger.csv', ledger]);
    const result = paydesk('flags', '--db', db, 'stuck');
    expect(result.code).toBe(0);
    const [header] = result.stdout.split('\n').filter((line) => line.startsWith('payment'));
    expect(header).toMatch(/payment\s+account\s+stage\s+method\s+amount\s+age\s+stuck after/);
    expect(result.stdout).toMatch(/pay_ach_8d\s+acct_3\s+processor\s+us_bank_account\s+10\.00 USD\s+8 d\s+7 d/);
  });

  it('a Stripe-shaped export: the method from payment_method_type (metadata), else Payment Source Type', async () => {
    const db = await newDb(kind);
    importFiles(
      db,
      [
        'unified_payments.csv',
        csv(
          STRIPE,
          'py_ach,2026-03-12 12:00:00,10.00,0.00,usd,Pending,,,us_bank_account,,,,Live,cus_1,pi_1',
          'ch_3ds,2026-03-15 11:40:00,10.00,0.00,usd,Pending,,three_d_secure,,,,,Live,cus_2,pi_2',
          'ch_end,2026-03-15 12:00:00,10.00,0.00,usd,Paid,,card,,,,,Live,cus_3,pi_3',
        ),
      ],
      ['ledger.csv', csv(LEDGER_HEADER, 'le_3,cus_3,credit_purchased,10.00,usd,2026-03-15T12:00:00Z,pi_3')],
    );
    expect(stuckOf(json('flags', '--db', db, 'stuck'))).toEqual([['ch_3ds', 'card', 15]]);
    expect(stuckOf(json('flags', '--db', db, 'stuck', '--method-stuck-after', 'us_bank_account=1440'))).toEqual([
      ['py_ach', 'us_bank_account', 1440],
      ['ch_3ds', 'card', 15],
    ]);
  });

  it('the stuck CSV carries the method and the threshold applied', async () => {
    const dir = tempDir();
    const db = await newDb(kind);
    importFiles(db, ['payments.csv', payments], ['ledger.csv', ledger]);
    const out = path.join(dir, 'stuck.csv');
    expect(paydesk('export', '--db', db, 'stuck', '--out', out, '--method-stuck-after', 'sepa_debit=60').code).toBe(0);
    const lines = fs.readFileSync(out, 'utf8').trim().split('\r\n');
    expect(lines[0]).toBe(
      'payment_id,account_id,stage,method,status,amount,amount_cents,currency,created_at,age_seconds,age,stuck_after_minutes,email,invoice_id,later_payments,review_decision,review_note',
    );
    expect(lines.slice(1)).toEqual([
      'pay_ach_8d,acct_3,processor,us_bank_account,pending,10.00,1000,usd,2026-03-07T12:00:00.000Z,691200,8 d,10080,,,0,,',
      'pay_sepa_3h,acct_4,processor,sepa_debit,pending,10.00,1000,usd,2026-03-15T09:00:00.000Z,10800,3 h,60,,,0,,',
      'pay_card,acct_1,processor,card,pending,10.00,1000,usd,2026-03-15T11:30:00.000Z,1800,30 min,15,,,0,,',
    ]);
  });

  it('the real FMM export: no stuck payment by default, all 6 older ACH debits with --bank-debit-stuck-after 15', async () => {
    const db = await newDb(kind);
    const file = fs.readdirSync(SAMPLES).find((name) => name.startsWith('stripe_payments_ach_pending'))!;
    expect(json('import', '--db', db, path.join(SAMPLES, file)).files[0]).toMatchObject({ status: 'imported', inserted: 7 });
    expect(json('flags', '--db', db, 'stuck').stuck).toEqual([]);
    const stuck = json('flags', '--db', db, 'stuck', '--bank-debit-stuck-after', '15').stuck;
    expect(stuck).toHaveLength(6);
    expect(stuck.every((s: { stage: string; method: string; stuckAfterMinutes: number }) => s.stage === 'processor' && s.method === 'us_bank_account' && s.stuckAfterMinutes === 15)).toBe(true);
  });
});

describeStores('flags mismatches', (kind) => {
  // Canonical: pay_twice credited twice (+10.00), pay_short credited 5.00 of 30.00 (−25.00), pay_refunded refunded 4.50
  // with no reversal (+4.50), pay_failed credited 3.00 (+3.00), le_ghost names no payment (+7.00).
  const payments = csv(
    HEADER,
    'pay_oldest,acct_0,1.00,usd,succeeded,2026-03-01T00:00:00Z,,card,,,,,,',
    'pay_twice,acct_1,10.00,usd,succeeded,2026-03-14T09:00:00Z,,card,,,,,,one@example.com',
    'pay_short,=HYPERLINK(1),30.00,usd,succeeded,2026-03-14T09:10:00Z,,card,,,,,,',
    'pay_failed,acct_3,3.00,usd,failed,2026-03-14T09:20:00Z,,card,,,,,,',
    'pay_refunded,acct_4,4.50,usd,refunded,2026-03-14T09:30:00Z,,card,4.50,2026-03-14T10:00:00Z,,,,',
  );
  const ledger = csv(
    LEDGER_HEADER,
    'le_0,acct_0,credit_purchased,1.00,usd,2026-03-01T00:00:30Z,pay_oldest',
    'le_1,acct_1,credit_purchased,10.00,usd,2026-03-14T09:00:30Z,pay_twice',
    'le_2,acct_1,credit_purchased,10.00,usd,2026-03-14T09:01:00Z,pay_twice',
    'le_3,=HYPERLINK(1),credit_purchased,5.00,usd,2026-03-14T09:10:30Z,pay_short',
    'le_4,acct_3,credit_purchased,3.00,usd,2026-03-14T09:20:30Z,pay_failed',
    'le_5,acct_4,credit_purchased,4.50,usd,2026-03-14T09:30:30Z,pay_refunded',
    'le_ghost,acct_5,credit_purchased,7.00,usd,2026-03-10T00:00:00Z,pay_elsewhere',
    'le_end,acct_9,usage,-1.00,usd,2026-03-15T12:00:00Z,',
  );
  const amounts = (m: Record<string, unknown>) => [m.key, m.amountCents, m.creditedCents, m.reversedCents, m.returnedCents, m.deltaCents, m.entryIds];

  it('prints only that list, with the documented fields, largest amount at stake first', async () => {
    const db = await newDb(kind);
    importFiles(db, ['payments.csv', payments], ['ledger.csv', ledger]);
    const output = json('flags', '--db', db, 'mismatches');
    expect(output.stuck).toBeUndefined();
    expect(output.duplicates).toBeUndefined();
    expect(output.limited).toBeUndefined();
    expect(output.mismatches.map(amounts)).toEqual([
      ['amount_differs:pay_short', 3000, 500, 0, 0, -2500, ['le_3']],
      ['credited_twice:pay_twice', 1000, 2000, 0, 0, 1000, ['le_1', 'le_2']],
      ['unknown_payment:le_ghost', 700, 700, 0, 0, 700, ['le_ghost']],
      ['refund_not_reversed:pay_refunded', 450, 450, 0, 450, 450, ['le_5']],
      ['credited_not_paid:pay_failed', 300, 300, 0, 0, 300, ['le_4']],
    ]);
    expect(output.mismatches[1]).toMatchObject({ kind: 'credited_twice', paymentId: 'pay_twice', accountId: 'acct_1', currency: 'usd' });
    expect(output.mismatches[2]).toMatchObject({ kind: 'unknown_payment', paymentId: 'pay_elsewhere', accountId: 'acct_5' });
  });

  it('a Stripe-shaped export links credits by PaymentIntent id; test-mode rows are left out and counted', async () => {
    const db = await newDb(kind);
    const report = importFiles(
      db,
      [
        'unified_payments.csv',
        csv(
          STRIPE,
          'ch_1,2026-03-14 09:00:00,10.00,0.00,usd,Paid,,card,,,,,Live,cus_1,pi_1',
          'ch_2,2026-03-14 09:10:00,20.00,20.00,usd,Paid,2026-03-14 10:00:00,three_d_secure,,,,,Live,cus_2,pi_2',
          'ch_3,2026-03-14 09:20:00,15.00,0.00,usd,Paid,,card,,15.00,lost,2026-03-14 11:00:00,Live,cus_3,pi_3',
          'ch_4,2026-03-14 09:30:00,15.00,0.00,usd,Paid,,card,,15.00,won,2026-03-14 11:00:00,Live,cus_4,pi_4',
          'ch_t,2026-03-14 09:40:00,50.00,0.00,usd,Paid,,card,,,,,Test,cus_5,pi_t',
        ),
      ],
      [
        'ledger.csv',
        csv(
          LEDGER_HEADER,
          'le_1,cus_1,credit_purchased,10.00,usd,2026-03-14T09:00:30Z,pi_1',
          'le_1b,cus_1,credit_purchased,10.00,usd,2026-03-14T09:02:00Z,pi_1',
          'le_2,cus_2,credit_purchased,20.00,usd,2026-03-14T09:10:30Z,pi_2',
          'le_2r,cus_2,refund,-5.00,usd,2026-03-14T10:05:00Z,pi_2',
          'le_3,cus_3,credit_purchased,15.00,usd,2026-03-14T09:20:30Z,ch_3',
          'le_4,cus_4,credit_purchased,15.00,usd,2026-03-14T09:30:30Z,pi_4',
          'le_end,cus_9,usage,-1.00,usd,2026-03-15T12:00:00Z,',
        ),
      ],
    );
    const stripe = report.files.find((f: { format: string }) => f.format === 'payments.stripe');
    expect(stripe).toMatchObject({ rows: 5, inserted: 4, ignored: 1, testModeRows: 1 });
    const output = json('flags', '--db', db, 'mismatches');
    // ch_3 (lost dispute, +15.00) and ch_2 (refunded 20.00, 5.00 taken back: +15.00) tie at the top; ch_1 (+10.00) last
    const rows = output.mismatches.map(amounts);
    expect(rows.slice(0, 2).sort()).toEqual([
      ['refund_not_reversed:ch_2', 2000, 2000, 500, 2000, 1500, ['le_2', 'le_2r']],
      ['refund_not_reversed:ch_3', 1500, 1500, 0, 1500, 1500, ['le_3']],
    ]);
    expect(rows[2]).toEqual(['credited_twice:ch_1', 1000, 2000, 0, 0, 1000, ['le_1', 'le_1b']]);
    expect(output.mismatches).toHaveLength(3);
    expect(output.mismatches.find((m: { key: string }) => m.key === 'refund_not_reversed:ch_3').returnedAt).toBe('2026-03-14T11:00:00.000Z');
  });

  it('without a ledger export: an empty list and a note that one is needed', async () => {
    const db = await newDb(kind);
    importFiles(db, ['payments.csv', payments]);
    const output = json('flags', '--db', db, 'mismatches');
    expect(output.mismatches).toEqual([]);
    expect(output.notices.map((n: { code: string }) => n.code)).toContain('no-ledger');
    expect(paydesk('flags', '--db', db, 'mismatches').stdout).toMatch(/Note: No ledger export/);
  });

  it('the human table: kind, payment, account, amounts and the signed delta', async () => {
    const db = await newDb(kind);
    importFiles(db, ['payments.csv', payments], ['ledger.csv', ledger]);
    const result = paydesk('flags', '--db', db, 'mismatches');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Mismatches.*\(5\)$/m);
    expect(result.stdout).toMatch(/kind\s+payment\s+account\s+amount\s+credited\s+reversed\s+returned\s+delta/);
    expect(result.stdout).toMatch(/amount_differs\s+pay_short\s+=HYPERLINK\(1\)\s+30\.00 USD\s+5\.00 USD\s+0\.00 USD\s+0\.00 USD\s+-25\.00 USD/);
    expect(result.stdout).toMatch(/credited_twice\s+pay_twice\s+acct_1\s+10\.00 USD\s+20\.00 USD\s+0\.00 USD\s+0\.00 USD\s+\+10\.00 USD/);
  });

  it('decisions on mismatches: the kind is told by the key or the decision, they survive a re-import and go into the CSV', async () => {
    const dir = tempDir();
    const db = await newDb(kind);
    importFiles(db, ['payments.csv', payments], ['ledger.csv', ledger]);
    const fixed = paydesk('review', '--db', db, 'credited_twice:pay_twice', 'fixed', '--note', '=took back 10.00', '--reviewer', 'ana');
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toContain('mismatches credited_twice:pay_twice → fixed');
    // A `dismissed` on a mismatch key: the key says which list
    expect(paydesk('review', '--db', db, 'unknown_payment:le_ghost', 'dismissed').stdout).toContain('mismatches unknown_payment:le_ghost');
    // `expected` only exists for mismatches
    expect(paydesk('review', '--db', db, 'amount_differs:pay_short', 'expected').stdout).toContain('mismatches amount_differs:pay_short');
    expect(paydesk('review', '--db', db, 'credited_twice:pay_twice', 'escalated').code).toBe(1);

    // a newer snapshot of the same payments keeps the decisions
    importFiles(db, ['payments-2.csv', payments.replace('pay_twice,acct_1,10.00,usd,succeeded,2026-03-14T09:00:00Z,,', 'pay_twice,acct_1,10.00,usd,succeeded,2026-03-14T09:00:00Z,2026-03-14T12:00:00Z,')]);
    const out = path.join(dir, 'mismatches.csv');
    const written = paydesk('export', '--db', db, 'mismatches', '--out', out);
    expect(written.code).toBe(0);
    expect(written.stdout).toContain('wrote 5 rows');
    const lines = fs.readFileSync(out, 'utf8').trim().split('\r\n');
    expect(lines[0]).toBe(
      'key,kind,payment_id,account_id,email,currency,amount,amount_cents,credited_cents,reversed_cents,returned_cents,delta,delta_cents,entry_ids,status,created_at,returned_at,review_decision,review_note',
    );
    expect(lines[1]).toBe(`amount_differs:pay_short,amount_differs,pay_short,"'=HYPERLINK(1)",,usd,30.00,3000,500,0,0,-25.00,-2500,le_3,succeeded,2026-03-14T09:10:00.000Z,,expected,`);
    expect(lines[2]).toBe(`credited_twice:pay_twice,credited_twice,pay_twice,acct_1,one@example.com,usd,10.00,1000,2000,0,0,10.00,1000,le_1 le_2,succeeded,2026-03-14T09:00:00.000Z,,fixed,"'=took back 10.00"`);
    expect(lines[4]).toBe('refund_not_reversed:pay_refunded,refund_not_reversed,pay_refunded,acct_4,,usd,4.50,450,450,0,450,4.50,450,le_5,refunded,2026-03-14T09:30:00.000Z,2026-03-14T10:00:00.000Z,,');
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);
  });

  it('the account view shows its mismatches', async () => {
    const db = await newDb(kind);
    importFiles(db, ['payments.csv', payments], ['ledger.csv', ledger]);
    const view = json('account', '--db', db, 'acct_1');
    expect(view.flags.mismatches.map((m: { key: string }) => m.key)).toEqual(['credited_twice:pay_twice']);
    expect(paydesk('account', '--db', db, 'acct_1').stdout).toMatch(/1 mismatches[\s\S]*credited_twice: pay_twice/);
  });
});

describeStores('followups', (kind) => {
  const first = csv(
    HEADER,
    'pay_a,acct_1,10.00,usd,succeeded,2026-03-10T09:00:00Z,,card,,,,,,',
    'pay_b,acct_1,10.00,usd,succeeded,2026-03-10T09:05:00Z,,card,,,,,,',
    'pay_s,acct_2,10.00,usd,pending,2026-03-10T09:00:00Z,,card,,,,,,',
  );
  const firstLedger = csv(
    LEDGER_HEADER,
    'le_a,acct_1,credit_purchased,10.00,usd,2026-03-10T09:00:30Z,pay_a',
    'le_b,acct_1,credit_purchased,10.00,usd,2026-03-10T09:05:30Z,pay_b',
    'le_end1,acct_9,usage,-1.00,usd,2026-03-10T12:00:00Z,',
  );

  it('--json follows each decision as later snapshots arrive, oldest first, and drops it once done', async () => {
    const db = await newDb(kind);
    importFiles(db, ['payments.csv', first], ['ledger.csv', firstLedger]);
    expect(json('followups', '--db', db)).toEqual({ followups: [] });
    expect(paydesk('review', '--db', db, 'pay_a|pay_b', 'refund_needed', '--reviewer', 'ana').code).toBe(0);
    expect(paydesk('review', '--db', db, 'pay_s', 'escalated', '--reviewer', 'bo').code).toBe(0);

    const waiting = json('followups', '--db', db);
    expect(waiting.followups.map((f: Record<string, unknown>) => [f.key, f.list, f.decision, f.state, f.by])).toEqual([
      ['pay_a|pay_b', 'duplicates', 'refund_needed', 'waiting', 'ana'],
      ['pay_s', 'stuck', 'escalated', 'waiting', 'bo'],
    ]);
    expect(Date.parse(waiting.followups[0].decidedAt)).toBeLessThanOrEqual(Date.parse(waiting.followups[1].decidedAt));

    // pay_b refunded at the processor; pay_s went through
    importFiles(db, [
      'payments-2.csv',
      csv(
        HEADER,
        'pay_b,acct_1,10.00,usd,refunded,2026-03-10T09:05:00Z,2026-03-11T10:00:00Z,card,10.00,2026-03-11T10:00:00Z,,,,',
        'pay_s,acct_2,10.00,usd,succeeded,2026-03-10T09:00:00Z,2026-03-11T09:00:00Z,card,,,,,,',
      ),
    ]);
    expect(json('followups', '--db', db).followups.map((f: Record<string, unknown>) => [f.key, f.state])).toEqual([
      ['pay_a|pay_b', 'refunded_not_reversed'],
      ['pay_s', 'waiting'],
    ]);
    expect(json('flags', '--db', db, 'duplicates').duplicates).toEqual([]);

    // the credits of pay_b taken back; pay_s credited
    importFiles(db, [
      'ledger-2.csv',
      csv(LEDGER_HEADER, 'le_b_rev,acct_1,refund,-10.00,usd,2026-03-11T10:05:00Z,pay_b', 'le_s,acct_2,credit_purchased,10.00,usd,2026-03-11T09:00:30Z,pay_s'),
    ]);
    expect(json('followups', '--db', db)).toEqual({ followups: [] });
    const human = paydesk('followups', '--db', db);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('(0)');
  });

  it('a Stripe-shaped export: the refund and the reversal are linked by the PaymentIntent id', async () => {
    const db = await newDb(kind);
    const charge = (id: string, minute: string, refunded = '0.00', refundedAt = '') =>
      `${id},2026-03-10 09:${minute}:00,10.00,${refunded},usd,Paid,${refundedAt},card,,,,,Live,cus_1,${id.replace('ch_', 'pi_')}`;
    importFiles(
      db,
      ['a/unified_payments.csv', csv(STRIPE, charge('ch_a', '00'), charge('ch_b', '05'))],
      ['ledger.csv', csv(LEDGER_HEADER, 'le_a,cus_1,credit_purchased,10.00,usd,2026-03-10T09:00:30Z,pi_a', 'le_b,cus_1,credit_purchased,10.00,usd,2026-03-10T09:05:30Z,pi_b', 'le_end1,cus_9,usage,-1.00,usd,2026-03-10T12:00:00Z,')],
    );
    expect(json('flags', '--db', db, 'duplicates').duplicates.map((d: { key: string }) => d.key)).toEqual(['ch_a|ch_b']);
    expect(paydesk('review', '--db', db, 'ch_a|ch_b', 'refund_needed', '--reviewer', 'ana').code).toBe(0);
    const state = () => json('followups', '--db', db).followups.map((f: Record<string, unknown>) => [f.key, f.state]);
    expect(state()).toEqual([['ch_a|ch_b', 'waiting']]);

    importFiles(db, ['b/unified_payments.csv', csv(STRIPE, charge('ch_a', '00'), charge('ch_b', '05', '10.00', '2026-03-11 10:00:00'))]);
    expect(state()).toEqual([['ch_a|ch_b', 'refunded_not_reversed']]);
    // The ledger export ends before the refund: it cannot show the reversal yet, so no mismatch is judged.
    expect(json('flags', '--db', db, 'mismatches').mismatches).toEqual([]);

    importFiles(db, ['ledger-2.csv', csv(LEDGER_HEADER, 'le_b_rev,cus_1,refund,-10.00,usd,2026-03-11T10:05:00Z,pi_b')]);
    expect(state()).toEqual([]);
  });

  it('the readable table and the CSV export', async () => {
    const dir = tempDir();
    const db = await newDb(kind);
    importFiles(db, ['payments.csv', first], ['ledger.csv', firstLedger]);
    paydesk('review', '--db', db, 'pay_a|pay_b', 'refund_needed', '--reviewer', 'ana', '--note', '@refund the second');
    const human = paydesk('followups', '--db', db);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/list\s+key\s+decision\s+state\s+decided\s+by/);
    expect(human.stdout).toMatch(/duplicates\s+pay_a\|pay_b\s+refund_needed\s+waiting\s+\d+ s ago\s+ana/);

    const out = path.join(dir, 'followups.csv');
    expect(paydesk('export', '--db', db, 'followups', '--out', out).stdout).toContain('wrote 1 rows');
    const lines = fs.readFileSync(out, 'utf8').trim().split('\r\n');
    expect(lines[0]).toBe('list,key,account_id,decision,state,decided_at,by,note,detail');
    expect(lines[1]).toMatch(/^duplicates,pay_a\|pay_b,acct_1,refund_needed,waiting,\d{4}-\d\d-\d\dT[\d:.]+Z,ana,"'@refund the second",/);
  });

  it('the account view shows the account\'s follow-ups', async () => {
    const db = await newDb(kind);
    importFiles(db, ['payments.csv', first], ['ledger.csv', firstLedger]);
    paydesk('review', '--db', db, 'pay_s', 'escalated', '--reviewer', 'bo');
    const view = json('account', '--db', db, 'acct_2');
    expect(view.followups.map((f: Record<string, unknown>) => [f.key, f.state])).toEqual([['pay_s', 'waiting']]);
    expect(json('account', '--db', db, 'acct_1').followups).toEqual([]);
    expect(paydesk('account', '--db', db, 'acct_2').stdout).toMatch(/Follow-ups\n\s+stuck pay_s: escalated by bo, waiting/);
  });
});

describeStores('import', (kind) => {
  it('the import report says how many rows were test-mode', async () => {
    const db = await newDb(kind);
    const dir = tempDir();
    writeExport('unified_payments.csv', csv(STRIPE, 'ch_1,2026-03-14 09:00:00,10.00,0.00,usd,Paid,,card,,,,,Live,cus_1,pi_1', 'ch_t,2026-03-14 09:00:00,10.00,0.00,usd,Paid,,card,,,,,Test,cus_1,pi_t'), dir);
    const result = paydesk('import', '--db', db, dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('1 ignored (1 test-mode)');
  });
});

// Help opens no database.
describe('help', () => {
  it('help names the new list, options and command', () => {
    expect(paydesk('--help').stdout).toMatch(/followups/);
    const flagsHelp = paydesk('flags', '--help').stdout;
    expect(flagsHelp).toContain('mismatches');
    expect(flagsHelp).toContain('--bank-debit-stuck-after');
    expect(flagsHelp).toContain('--method-stuck-after');
    expect(paydesk('export', '--help').stdout).toMatch(/mismatches.*followups/s);
    expect(paydesk('review', '--help').stdout).toMatch(/fixed, expected, dismissed \(mismatches\)/);
  });
});
