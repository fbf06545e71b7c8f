// 0007 adds what reconciliation reads: the processor's method, refunds and disputes, the sums of each payment's
// linked ledger entries, the credits that name no payment, and decisions on mismatches. Existing data keeps
// every row and gets its sums computed.
import { describe, expect, it } from 'vitest';
import { migrate } from '../../main/core/db/migrate.js';
import { MIGRATIONS } from '../../main/core/db/migrations/index.js';
import { DEFAULT_FLAG_SETTINGS } from '../../shared/domain.js';
import { computeFlags } from '../../main/core/flags/index.js';
import { databaseWithRepeatPurchase } from '../support/migrations.js';

describe('migration 0007_reconciliation', () => {
  it('keeps every row, sums each payment\'s linked entries, finds unlinked credits and accepts decisions on mismatches', async () => {
    const db = databaseWithRepeatPurchase(6, 'succeeded');
    db.prepare(`UPDATE payments SET alt_id = 'pi_2' WHERE id = 'pay_2'`).run();
    const entry = db.prepare(`INSERT INTO ledger_entries (id, account_id, type, amount_cents, currency, created_at, payment_id, import_id)
      VALUES (?, 'acct_1', ?, ?, 'usd', ?, ?, 1)`);
    entry.run('le_1', 'credit_purchased', 1000, 1_010_000, 'pay_1');
    entry.run('le_2', 'credit_purchased', 1000, 1_011_000, 'pay_1'); // pay_1 credited twice
    entry.run('le_3', 'credit_purchased', 1000, 1_130_000, 'pi_2'); // pay_2, by its PaymentIntent id
    entry.run('le_4', 'refund', -400, 1_140_000, 'pi_2');
    entry.run('le_5', 'credit_purchased', 700, 1_150_000, 'pay_gone');
    db.prepare(`INSERT INTO reviews (kind, key, decision, note, reviewer, decided_at) VALUES ('duplicates', 'pay_1|pay_2', 'refund_needed', 'n', 'ana', 5)`).run();
    db.prepare(`INSERT INTO flag_lists (id, built_for, as_of, settings, notices) VALUES (1, 'x', '1970-01-01T00:00:00.000Z', '{}', '[]')`).run();

    migrate(db.db, MIGRATIONS, 7);

    expect(db.prepare('SELECT id, credit_count, credited_cents, credited_currency, reversed_cents, returned_cents, method FROM payments ORDER BY id').all()).toEqual([
      { id: 'pay_1', credit_count: 2, credited_cents: 2000, credited_currency: 'usd', reversed_cents: 0, returned_cents: 0, method: null },
      { id: 'pay_2', credit_count: 1, credited_cents: 1000, credited_currency: 'usd', reversed_cents: 400, returned_cents: 0, method: null },
    ]);
    expect(db.prepare('SELECT entry_id, payment_id FROM unlinked_credits').all()).toEqual([{ entry_id: 'le_5', payment_id: 'pay_gone' }]);
    expect(db.prepare('SELECT kind, key, decision, note, reviewer, decided_at, followup_done_at FROM reviews').all()).toEqual([
      { kind: 'duplicates', key: 'pay_1|pay_2', decision: 'refund_needed', note: 'n', reviewer: 'ana', decided_at: 5, followup_done_at: null },
    ]);
    expect(db.prepare('SELECT count(*) FROM flag_lists').pluck().get()).toBe(0);
    db.prepare(`INSERT INTO reviews (kind, key, decision, reviewer, decided_at) VALUES ('mismatches', 'credited_twice:pay_1', 'fixed', 'ana', 6)`).run();

    // The migrated sums are what the rules read.
    db.prepare(`INSERT INTO data_bounds (name, newest_at) VALUES ('ledger', 1_150_000)`).run();
    const result = await computeFlags(db, { settings: DEFAULT_FLAG_SETTINGS, only: 'mismatches' });
    expect(result.mismatches!.map((m) => [m.key, m.deltaCents])).toEqual([['credited_twice:pay_1', 1000]]);
  });
});
