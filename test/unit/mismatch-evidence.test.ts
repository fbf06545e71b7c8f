// A mismatch's evidence: both sides' arithmetic and the note for finance.
import { expect, it } from 'vitest';
import { DEFAULT_FLAG_SETTINGS } from '../../shared/domain.js';
import { computeFlags } from '../../main/core/flags/index.js';
import { buildEvidence } from '../../main/core/service/evidence.js';
import type { Store } from '../../main/core/store/store.js';
import { csv, importText, LEDGER_HEADER } from '../support/db.js';
import { storesPerTest } from '../support/stores.js';
import { describeStores } from '../support/stores.js';

const HEADER = 'id,Created date (UTC),Amount,Currency,Status,PaymentIntent ID,Customer ID';

async function stripeRetry(db: Store) {
  await importText(db, 'payments.csv', csv(HEADER,
    'ch_declined,2026-03-01 10:00:00,20.00,usd,Failed,pi_shared,cus_1',
    'ch_paid,2026-03-01 10:01:00,20.00,usd,Paid,pi_shared,cus_1',
    'ch_lone,2026-03-02 10:00:00,30.00,usd,Failed,pi_lone,cus_2',
  ));
  await importText(db, 'ledger.csv', csv(LEDGER_HEADER,
    'le_1,cus_1,credit_purchased,20.00,usd,2026-03-01 10:01:30,pi_shared',
    'le_2,cus_2,credit_purchased,30.00,usd,2026-03-02 10:00:30,pi_lone',
    'le_end,cus_9,usage,-1.00,usd,2026-03-03 00:00:00,',
  ));
  return { db, flags: await computeFlags(db, { settings: DEFAULT_FLAG_SETTINGS, only: 'mismatches' }) };
}

describeStores('mismatch evidence', (kind) => {
  const fresh = storesPerTest(kind);

  it('a declined charge whose PaymentIntent a retry paid is flagged as the rule says, and the note names the paid retry', async () => {
    const { db, flags } = await stripeRetry(await fresh());
    expect(flags.mismatches!.map((m) => [m.key, m.deltaCents])).toEqual([
      ['credited_not_paid:ch_lone', 3000],
      ['credited_not_paid:ch_declined', 2000],
    ]);
    const retry = await buildEvidence(db, flags, 'mismatches', 'credited_not_paid:ch_declined', null);
    expect(retry.reply).toContain('ch_paid of the same PaymentIntent was paid');
    expect(retry.reconciliation).toMatchObject({ paidCents: 0, returnedCents: 0, keptCents: 0, creditedCents: 2000, reversedCents: 0, netCreditedCents: 2000, deltaCents: 2000 });
    const lone = await buildEvidence(db, flags, 'mismatches', 'credited_not_paid:ch_lone', null);
    expect(lone.reply).not.toContain('same PaymentIntent');
    expect(lone.reply).toContain('Take back 30.00');
  });
});
