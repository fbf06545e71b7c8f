// Every flag query and the account lookup must run on an index, not a scan of the big tables.
import { describe, expect, it } from 'vitest';
import { duplicateCandidatesSql } from '../../main/core/flags/duplicates.js';
import { limitedSql, unlockingPaymentSql } from '../../main/core/flags/limited.js';
import { stuckSql } from '../../main/core/flags/stuck.js';
import { RECONCILE_CANDIDATE_SQL } from '../../main/core/flags/mismatches.js';
import { listPageSql } from '../../main/core/flag-lists/pages.js';
import { DUPLICATE_SORTS, LIMITED_SORTS, MISMATCH_SORTS, STUCK_SORTS } from '../../shared/api.js';
import { memoryDb } from '../support/db.js';

const db = memoryDb();
// Realistic statistics, so the planner chooses as it would on a real database.
db.db.exec('ANALYZE');

function plan(sql: string, params: Record<string, unknown> | unknown[]): string {
  const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(Array.isArray(params) ? params : [params])) as { detail: string }[];
  return rows.map((r) => r.detail).join('\n');
}

const fullScan = (planText: string, table: string) => new RegExp(`SCAN ${table}(?! USING)`, 'm').test(planText);

describe('query plans', () => {
  it('stuck payments: a range of the index that holds only payments still on their way', () => {
    const params = { asOf: 2, since: 0, earliestBefore: 1, stuckMs: 1, bankDebitMs: 1, creditBefore: 1, skipWithoutIntent: 0 };
    const p = plan(stuckSql(false), params);
    expect(p).toMatch(/SEARCH p USING INDEX payments_awaiting \(created_at>\? AND created_at<\?\)/);
    expect(p).toMatch(/SEARCH q USING (COVERING )?INDEX payments_by_purchase \(account_id=\?\)/);
    expect(fullScan(p, 'p')).toBe(false);
    // A threshold of the user's own for a method keeps the same range.
    expect(plan(stuckSql(false, 1), { ...params, method0: 'card', methodMs0: 1 })).toMatch(/SEARCH p USING INDEX payments_awaiting \(created_at>\? AND created_at<\?\)/);
    expect(plan(stuckSql(true), { ...params, accountId: 'a' })).toMatch(/SEARCH p USING INDEX payments_(awaiting|by_purchase)/);
  });

  it('mismatches: only the payments of the partial index of disagreements, and the unlinked credits by time', () => {
    const p = plan(`SELECT * FROM payments p WHERE ${RECONCILE_CANDIDATE_SQL}`, {});
    expect(p).toMatch(/SCAN p USING INDEX payments_reconcile/);
    expect(plan('SELECT * FROM unlinked_credits u JOIN ledger_entries l ON l.id = u.entry_id WHERE u.created_at > ? AND u.created_at <= ?', [0, 1])).toMatch(
      /SEARCH u USING (COVERING )?INDEX unlinked_credits_by_created \(created_at>\? AND created_at<\?\)/,
    );
  });

  it('duplicates: groups from the index of short purchase gaps, then each group by the purchase index', () => {
    for (const accountScoped of [false, true]) {
      const p = plan(duplicateCandidatesSql(accountScoped), { windowMs: 1, ...(accountScoped ? { accountId: 'a' } : {}) });
      expect(p).toMatch(/SEARCH payments USING (COVERING )?INDEX payments_by_(purchase_gap \(purchase_gap_ms<\?\)|purchase \(account_id=\?\))/);
      expect(p).toMatch(/SEARCH p USING INDEX payments_by_purchase \(account_id=\? AND currency=\? AND amount_cents=\?\)/);
      expect(fullScan(p, 'payments')).toBe(false);
    }
  });

  it('limited accounts read the per-account totals, and the unlock hint searches by account', () => {
    expect(plan(limitedSql(false), { threshold: 500 })).toMatch(/SCAN account_totals/);
    expect(plan(limitedSql(true), { threshold: 500, accountId: 'a' })).toMatch(/SEARCH account_totals USING PRIMARY KEY \(account_id=\?\)/);
    expect(plan(unlockingPaymentSql('@accountId', '@currency', '@missing'), { accountId: 'a', currency: 'usd', missing: 1 })).toMatch(/SEARCH p USING INDEX payments_by_purchase \(account_id=\? AND currency=\? AND amount_cents>\?\)/);
  });

  it('account lookup: payments and ledger by account, payments by email and alternate id', () => {
    expect(plan('SELECT * FROM payments WHERE account_id = ? ORDER BY created_at, id', ['a'])).toMatch(/SEARCH payments USING INDEX payments_by_purchase \(account_id=\?\)/);
    expect(plan('SELECT * FROM ledger_entries WHERE account_id = ? ORDER BY created_at, id', ['a'])).toMatch(/SEARCH ledger_entries USING INDEX ledger_by_account \(account_id=\?\)/);
    expect(plan('SELECT account_id FROM payments WHERE email = ? COLLATE NOCASE', ['a'])).toMatch(/SEARCH payments USING INDEX payments_by_email \(email=\?\)/);
    expect(plan('SELECT account_id FROM payments WHERE alt_id = ?', ['a'])).toMatch(/SEARCH payments USING INDEX payments_by_alt_id \(alt_id=\?\)/);
  });

  it('flag list pages: every sort but the review decision walks its list in order, in either direction', () => {
    const lists = { stuck: STUCK_SORTS, duplicates: DUPLICATE_SORTS, limited: LIMITED_SORTS, mismatches: MISMATCH_SORTS } as const;
    for (const [kind, sorts] of Object.entries(lists) as [keyof typeof lists, readonly string[]][]) {
      for (const column of sorts.filter((c) => c !== 'review')) {
        for (const dir of ['asc', 'desc'] as const) {
          const sql = listPageSql(kind, { sort: { column, dir }, offset: 100, limit: 50 });
          const steps = db.prepare(`EXPLAIN QUERY PLAN ${sql.rows}`).all(sql.pageParams) as { id: number; parent: number; detail: string }[];
          // The page's rowids come from an ordered walk; only the page itself (`limit` rows) is sorted again.
          const pageKeys = steps.find((s) => s.detail === 'CO-ROUTINE page');
          expect(pageKeys, `${kind} by ${column} ${dir}`).toBeDefined();
          const inner = steps.filter((s) => s.parent === pageKeys!.id).map((s) => s.detail).join('\n');
          expect(inner, `${kind} by ${column} ${dir}`).not.toMatch(/TEMP B-TREE/);
          expect(inner, `${kind} by ${column} ${dir}`).toMatch(/^SCAN f/);
          const outer = steps.map((s) => s.detail).join('\n');
          expect(outer).toMatch(/SEARCH f USING INTEGER PRIMARY KEY \(rowid=\?\)/);
          expect(outer).toMatch(/SEARCH r USING PRIMARY KEY \(kind=\? AND key=\?\)/);
        }
      }
    }
  });
});

