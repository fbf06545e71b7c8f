// The check that a ledger link names no payment tries the lookup that finds most links first (a Stripe ledger names
// PaymentIntents, payments' alt ids), and finds the same links either way.
import { describe, expect, it } from 'vitest';
import { openDb } from '../../main/core/db/open.js';
import { namesNoPayment } from '../../main/core/import/derived-columns.js';
import { csv, importText, testStore } from '../support/db.js';

const STRIPE_HEADER = 'id,Created date (UTC),Amount,Currency,Status,PaymentIntent ID,account_id (metadata)';

async function withPayments() {
  const raw = openDb(':memory:');
  await importText(
    testStore(raw),
    'p.csv',
    csv(STRIPE_HEADER, 'ch_1,2026-03-15 10:00:00,10.00,usd,Paid,pi_1,acct_1', 'ch_2,2026-03-15 10:01:00,20.00,usd,Paid,pi_2,acct_1'),
  );
  raw.exec('CREATE TEMP TABLE links (payment_id TEXT)');
  return raw;
}

const firstLookup = (sql: string) => (sql.indexOf('p.alt_id =') < sql.indexOf('p.id =') ? 'alt id' : 'id');

describe('which lookup the unknown-credit check tries first', () => {
  for (const [named, links, first] of [
    ['alt ids', ['pi_1', 'pi_2', 'pi_9'], 'alt id'],
    ['ids', ['ch_1', 'ch_2', 'pi_9'], 'id'],
  ] as const) {
    it(`the ${first} lookup first when the links name ${named}, finding the same unknown link`, async () => {
      const db = await withPayments();
      const add = db.prepare('INSERT INTO temp.links VALUES (?)');
      for (const link of links) add.run(link);
      const check = namesNoPayment(db, 'l.payment_id', 'temp.links');
      expect(firstLookup(check)).toBe(first);
      expect(db.prepare(`SELECT payment_id FROM temp.links l WHERE ${check}`).pluck().all()).toEqual(['pi_9']);
    });
  }
});
