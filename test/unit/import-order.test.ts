// A sync imports payments exports before the rest (sync.ts importOrder): a ledger before its payments parks every
// credit as unlinked and links it again later. The order changes how long a first sync takes, never its outcome.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { expect, it } from 'vitest';
import { importOrder, syncPaths } from '../../main/core/import/sync.js';
import { HeaderIndex } from '../../main/core/import/formats/columns.js';
import type { SavedMapping } from '../../main/core/import/formats/recognise.js';
import { csv, LEDGER_HEADER, PAYMENTS_HEADER, tempDir } from '../support/db.js';
import { describeStores, storesPerTest } from '../support/stores.js';

const STRIPE_HEADER = 'id,Created date (UTC),Amount,Currency,Status,PaymentIntent ID,account_id (metadata)';

function folder(files: Record<string, string | Buffer>): string {
  const dir = tempDir();
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

it('moves ledger exports after the payments exports that follow them, never past any other file', async () => {
  const mapped = 'Charge,Customer,Total,Cur,State,When';
  const mappings: SavedMapping[] = [
    {
      id: 1,
      kind: 'payments',
      headerSignature: new HeaderIndex(mapped.split(',')).signature(),
      fields: { payment_id: 'Charge', account_id: 'Customer', amount: 'Total', currency: 'Cur', status: 'State', created_at: 'When' },
    },
  ];
  const dir = folder({
    'a-ledger.csv': csv(LEDGER_HEADER),
    'b-payments.csv': csv(PAYMENTS_HEADER),
    'c-reviews.jsonl': '',
    'd-unreadable.csv': Buffer.from([0x1f, 0x8b, 0x00]),
    'e-stripe.csv.gz': zlib.gzipSync(csv(STRIPE_HEADER)),
    'f-ledger.csv': csv(LEDGER_HEADER),
    'g-mapped.csv': csv(mapped),
    'h-unknown.csv': 'what,is,this\n',
  });
  const names = (files: string[]) => files.map((f) => path.basename(f));
  const listed = fs.readdirSync(dir).sort().map((name) => path.join(dir, name));
  const ordered = await importOrder(listed, mappings);
  // Payments exports: canonical, Stripe (gzipped), through a saved mapping. Barriers: JSON Lines, unreadable, unknown.
  expect(names(ordered)).toEqual([
    'b-payments.csv',
    'a-ledger.csv',
    'c-reviews.jsonl',
    'd-unreadable.csv',
    'e-stripe.csv.gz',
    'g-mapped.csv',
    'f-ledger.csv',
    'h-unknown.csv',
  ]);
  expect(await importOrder(ordered, mappings)).toEqual(ordered);
});

describeStores('a sync of a folder whose ledger sorts before its payments', (kind) => {
  const fresh = storesPerTest(kind);

  it('imports the payments first, with the outcome of importing them in the order listed', async () => {
    const dir = folder({
      'ledger.csv': csv(
        LEDGER_HEADER,
        'le_1,acct_1,credit_purchased,10.00,usd,2026-03-15T10:00:30Z,pay_1',
        'le_2,acct_1,credit_purchased,10.00,usd,2026-03-15T10:01:30Z,pay_missing',
      ),
      'payments.csv': csv(PAYMENTS_HEADER, 'pay_1,acct_1,10.00,usd,succeeded,2026-03-15T10:00:00Z,,,,'),
    });
    const synced = await fresh();
    const reports = await syncPaths(synced, [dir]);
    expect(reports.map((r) => [path.basename(r.path), r.status])).toEqual([
      ['payments.csv', 'imported'],
      ['ledger.csv', 'imported'],
    ]);
    const oneByOne = await fresh();
    for (const name of ['ledger.csv', 'payments.csv']) await syncPaths(oneByOne, [path.join(dir, name)]);
    const state = (db: typeof synced) =>
      Promise.all([
        db.all('SELECT id, credited_at, credit_count, credited_cents FROM payments ORDER BY id'),
        db.all('SELECT entry_id, payment_id FROM unlinked_credits ORDER BY entry_id'),
        db.all('SELECT * FROM account_totals ORDER BY account_id, currency'),
      ]);
    const [payments, unlinked] = await state(synced);
    expect(payments).toEqual([{ id: 'pay_1', credited_at: Date.parse('2026-03-15T10:00:30Z'), credit_count: 1, credited_cents: 1000 }]);
    expect(unlinked).toEqual([{ entry_id: 'le_2', payment_id: 'pay_missing' }]);
    expect(await state(synced)).toEqual(await state(oneByOne));
  });
});
