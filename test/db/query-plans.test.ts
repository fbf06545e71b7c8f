// Every flag query and the account lookup must run on an index, not a scan of the big tables.
import { describe, expect, it } from 'vitest';
import { duplicateCandidatesSql } from '../../main/core/flags/duplicates.js';
import { limitedSql, unlockingPaymentSql } from '../../main/core/flags/limited.js';
import { stuckSql } from '../../main/core/flags/stuck.js';
import { memoryDb } from '../support/db.js';

const db = memoryDb();
// Realistic statistics, so the planner chooses as it would on a real database.
db.exec('ANALYZE');

function plan(sql: string, params: Record<string, unknown> | unknown[]): string {
  const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(Array.isArray(params) ? params : [params])) as { detail: string }[];
  return rows.map((r) => r.detail).join('\n');
}

const fullScan = (planText: string, table: string) => new RegExp(`SCAN ${table}(?! USING)`, 'm').test(planText);

describe('query plans', () => {
  it('stuck payments: a range on payments_by_created, credits looked up by payment', () => {
    const p = plan(stuckSql(false), { since: 0, processorBefore: 1, creditBefore: 1, skipWithoutIntent: 0 });
    expect(p).toMatch(/SEARCH p USING INDEX payments_by_created \(created_at>\? AND created_at<\?\)/);
    expect(p).toMatch(/SEARCH l USING (COVERING )?INDEX ledger_by_payment \(payment_id=\? AND type=\?\)/);
    expect(p).toMatch(/SEARCH q USING (COVERING )?INDEX payments_by_purchase \(account_id=\?\)/);
    expect(fullScan(p, 'p')).toBe(false);
  });

  it('stuck payments of one account use the account index', () => {
    const p = plan(stuckSql(true), { since: 0, processorBefore: 1, creditBefore: 1, skipWithoutIntent: 0, accountId: 'a' });
    expect(p).toMatch(/INDEX payments_by_(purchase|created)/);
  });

  it('duplicate candidates: an ordered scan of the covering purchase index, no sort of the payments', () => {
    const p = plan(duplicateCandidatesSql(false), { windowMs: 1 });
    expect(p).toMatch(/(SCAN|SEARCH) payments USING COVERING INDEX payments_by_purchase/);
    expect(p).toMatch(/SEARCH l USING (COVERING )?INDEX ledger_by_payment/);
    expect(p).toMatch(/SEARCH p USING INDEX sqlite_autoindex_payments_1 \(id=\?\)/);
  });

  it('duplicates of one account: a search of the purchase index', () => {
    expect(plan(duplicateCandidatesSql(true), { windowMs: 1, accountId: 'a' })).toMatch(/SEARCH payments USING COVERING INDEX payments_by_purchase \(account_id=\?\)/);
  });

  it('limited accounts read the per-account totals, and the unlock hint searches by account', () => {
    expect(plan(limitedSql(false), { threshold: 500 })).toMatch(/SCAN account_totals/);
    expect(plan(limitedSql(true), { threshold: 500, accountId: 'a' })).toMatch(/SEARCH account_totals USING PRIMARY KEY \(account_id=\?\)/);
    expect(plan(unlockingPaymentSql, { accountId: 'a', currency: 'usd', missing: 1 })).toMatch(/SEARCH p USING INDEX payments_by_purchase \(account_id=\? AND currency=\? AND amount_cents>\?\)/);
  });

  it('account lookup: payments and ledger by account, payments by email and alternate id', () => {
    expect(plan('SELECT * FROM payments WHERE account_id = ? ORDER BY created_at, id', ['a'])).toMatch(/SEARCH payments USING INDEX payments_by_purchase \(account_id=\?\)/);
    expect(plan('SELECT * FROM ledger_entries WHERE account_id = ? ORDER BY created_at, id', ['a'])).toMatch(/SEARCH ledger_entries USING INDEX ledger_by_account \(account_id=\?\)/);
    expect(plan('SELECT account_id FROM payments WHERE email = ? COLLATE NOCASE', ['a'])).toMatch(/SEARCH payments USING INDEX payments_by_email \(email=\?\)/);
    expect(plan('SELECT account_id FROM payments WHERE alt_id = ?', ['a'])).toMatch(/SEARCH payments USING INDEX payments_by_alt_id \(alt_id=\?\)/);
  });
});
