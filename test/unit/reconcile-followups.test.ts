// rules.md §5 "Follow-ups": a decision that asks for an action is followed on every later sync until the data shows
// it done; becoming done is recorded in the audit log once. Each step imports a later snapshot, as a sync does.
import { describe, expect, it } from 'vitest';
import { DEFAULT_FLAG_SETTINGS, type FlagKind } from '../../shared/domain.js';
import { refreshFlagListsAfter } from '../../main/core/flag-lists/refresh.js';
import { listFollowups } from '../../main/core/followups.js';
import { syncPaths } from '../../main/core/import/sync.js';
import { applyReviewDecision, reviewLog } from '../../main/core/reviews.js';
import type { Store } from '../../main/core/store/store.js';
import { csv, flags, LEDGER_HEADER, tempDir, writeExport } from '../support/db.js';
import { describeStores, emptyStores } from '../support/stores.js';

type Db = Store;

const emptyStore = emptyStores();

const HEADER = 'payment_id,account_id,amount,currency,status,created_at,updated_at,payment_method,amount_refunded,refunded_at';

/** One sync of one file: import it, then rebuild the lists (which is when follow-ups are seen done). */
async function sync(db: Db, name: string, content: string) {
  const reports = await syncPaths(db, [writeExport(name, content, tempDir())]);
  expect(reports[0].status).toBe('imported');
  await refreshFlagListsAfter(db, reports);
  return db.value<number>('SELECT max(id) FROM imports');
}

const decide = (db: Db, kind: FlagKind, key: string, decision: string, decidedAt: string, reviewer = 'ana') =>
  applyReviewDecision(db, { kind, key, decision: decision as never, note: `note on ${key}`, reviewer, decidedAt: Date.parse(decidedAt) }, 'user');

const followups = (db: Db, options: { accountId?: string; includeDone?: boolean } = {}) => listFollowups(db, DEFAULT_FLAG_SETTINGS, options);
const states = async (db: Db) => (await followups(db, { includeDone: true })).map((f) => [f.key, f.state]);
const doneLog = async (db: Db, kind: FlagKind, key: string) => (await reviewLog(db, { kind, key })).filter((entry) => entry.source !== 'user');

describeStores('follow-ups', (kind) => {
  describe('duplicate refund_needed: waiting → refunded_not_reversed → done', () => {
    it('follows the refund at the processor, then the credits taken back, and records done once', async () => {
      const db = await emptyStore(kind);
      await sync(db, 'payments-1.csv', csv(HEADER, 'pay_a,acct_1,10.00,usd,succeeded,2026-03-10T09:00:00Z,,card,,', 'pay_b,acct_1,10.00,usd,succeeded,2026-03-10T09:05:00Z,,card,,'));
      await sync(
        db,
        'ledger-1.csv',
        csv(
          LEDGER_HEADER,
          'le_a,acct_1,credit_purchased,10.00,usd,2026-03-10T09:00:30Z,pay_a',
          'le_b,acct_1,credit_purchased,10.00,usd,2026-03-10T09:05:30Z,pay_b',
          'le_end1,acct_9,usage,-1.00,usd,2026-03-10T12:00:00Z,',
        ),
      );
      expect((await flags(db)).duplicates!.map((d) => d.key)).toEqual(['pay_a|pay_b']);
      await decide(db, 'duplicates', 'pay_a|pay_b', 'refund_needed', '2026-03-10T13:00:00Z');
      expect(await followups(db)).toEqual([
        expect.objectContaining({
          key: 'pay_a|pay_b', list: 'duplicates', decision: 'refund_needed', state: 'waiting', decidedAt: '2026-03-10T13:00:00.000Z', by: 'ana',
          note: 'note on pay_a|pay_b', accountId: 'acct_1',
        }),
      ]);

      // A partial refund is not the refund asked for: still waiting.
      await sync(db, 'payments-2.csv', csv(HEADER, 'pay_b,acct_1,10.00,usd,partially_refunded,2026-03-10T09:05:00Z,2026-03-11T10:00:00Z,card,5.00,2026-03-11T10:00:00Z'));
      expect(await states(db)).toEqual([['pay_a|pay_b', 'waiting']]);

      // Refunded in full at the processor, credits still there.
      await sync(db, 'payments-3.csv', csv(HEADER, 'pay_b,acct_1,10.00,usd,refunded,2026-03-10T09:05:00Z,2026-03-11T11:00:00Z,card,10.00,2026-03-11T11:00:00Z'));
      expect(await states(db)).toEqual([['pay_a|pay_b', 'refunded_not_reversed']]);
      // It left the Duplicates list (a refunded payment is no candidate) but stays in Follow-ups.
      expect((await flags(db)).duplicates).toEqual([]);
      expect((await followups(db)).map((f) => f.key)).toEqual(['pay_a|pay_b']);

      // Part of the credits taken back: not yet.
      await sync(db, 'ledger-2.csv', csv(LEDGER_HEADER, 'le_b_rev1,acct_1,refund,-4.00,usd,2026-03-11T11:05:00Z,pay_b', 'le_end2,acct_9,usage,-1.00,usd,2026-03-11T12:00:00Z,'));
      expect(await states(db)).toEqual([['pay_a|pay_b', 'refunded_not_reversed']]);
      expect(await doneLog(db, 'duplicates', 'pay_a|pay_b')).toEqual([]);

      // The rest taken back: done, out of the list, recorded once with the sync that showed it.
      const shownBy = await sync(db, 'ledger-3.csv', csv(LEDGER_HEADER, 'le_b_rev2,acct_1,refund,-6.00,usd,2026-03-11T12:05:00Z,pay_b'));
      expect(await states(db)).toEqual([['pay_a|pay_b', 'done']]);
      expect(await followups(db)).toEqual([]);
      const log = await doneLog(db, 'duplicates', 'pay_a|pay_b');
      expect(log).toHaveLength(1);
      expect(log[0]).toMatchObject({ kind: 'duplicates', key: 'pay_a|pay_b', decision: 'refund_needed' });
      expect(log[0].note).toContain(`#${shownBy}`);

      // Later syncs do not record it again.
      await sync(db, 'ledger-4.csv', csv(LEDGER_HEADER, 'le_end4,acct_9,usage,-1.00,usd,2026-03-12T12:00:00Z,'));
      await sync(db, 'payments-4.csv', csv(HEADER, 'pay_c,acct_2,10.00,usd,succeeded,2026-03-12T09:00:00Z,,card,,'));
      expect(await doneLog(db, 'duplicates', 'pay_a|pay_b')).toHaveLength(1);
      // The decision itself is still there, unchanged, in the user's log entry.
      expect((await reviewLog(db, { kind: 'duplicates', key: 'pay_a|pay_b' })).filter((e) => e.source === 'user')).toHaveLength(1);
    });

    it('a refunded payment whose credits were never given needs no reversal: done', async () => {
      const db = await emptyStore(kind);
      await sync(db, 'payments-1.csv', csv(HEADER, 'pay_a,acct_1,10.00,usd,succeeded,2026-03-10T09:00:00Z,,card,,', 'pay_b,acct_1,10.00,usd,pending,2026-03-10T09:05:00Z,,card,,'));
      await sync(db, 'ledger-1.csv', csv(LEDGER_HEADER, 'le_a,acct_1,credit_purchased,10.00,usd,2026-03-10T09:00:30Z,pay_a', 'le_end1,acct_9,usage,-1.00,usd,2026-03-10T12:00:00Z,'));
      await decide(db, 'duplicates', 'pay_a|pay_b', 'refund_needed', '2026-03-10T13:00:00Z');
      expect(await states(db)).toEqual([['pay_a|pay_b', 'waiting']]);
      await sync(db, 'payments-2.csv', csv(HEADER, 'pay_b,acct_1,10.00,usd,refunded,2026-03-10T09:05:00Z,2026-03-11T10:00:00Z,card,10.00,2026-03-11T10:00:00Z'));
      expect(await states(db)).toEqual([['pay_a|pay_b', 'done']]);
    });
  });

  describe('stuck escalated: done once the payment is no longer stuck', () => {
    const START = csv(HEADER, 'pay_s,acct_1,10.00,usd,pending,2026-03-10T09:00:00Z,,card,,');
    const LEDGER = csv(LEDGER_HEADER, 'le_end1,acct_9,usage,-1.00,usd,2026-03-10T12:00:00Z,');

    it.each([
      ['credited', [['payments-2.csv', csv(HEADER, 'pay_s,acct_1,10.00,usd,succeeded,2026-03-10T09:00:00Z,2026-03-10T13:00:00Z,card,,')], ['ledger-2.csv', csv(LEDGER_HEADER, 'le_s,acct_1,credit_purchased,10.00,usd,2026-03-10T13:01:00Z,pay_s')]], 'done'],
      ['paid but not credited', [['payments-2.csv', csv(HEADER, 'pay_s,acct_1,10.00,usd,succeeded,2026-03-10T09:00:00Z,2026-03-10T13:00:00Z,card,,')], ['ledger-2.csv', csv(LEDGER_HEADER, 'le_end2,acct_9,usage,-1.00,usd,2026-03-10T14:00:00Z,')]], 'waiting'],
      ['still pending', [['payments-2.csv', csv(HEADER, 'pay_s,acct_1,10.00,usd,pending,2026-03-10T09:00:00Z,2026-03-10T13:00:00Z,card,,')]], 'waiting'],
      ['failed', [['payments-2.csv', csv(HEADER, 'pay_s,acct_1,10.00,usd,failed,2026-03-10T09:00:00Z,2026-03-10T13:00:00Z,card,,')]], 'done'],
      ['canceled', [['payments-2.csv', csv(HEADER, 'pay_s,acct_1,10.00,usd,canceled,2026-03-10T09:00:00Z,2026-03-10T13:00:00Z,card,,')]], 'done'],
      ['refunded', [['payments-2.csv', csv(HEADER, 'pay_s,acct_1,10.00,usd,refunded,2026-03-10T09:00:00Z,2026-03-10T13:00:00Z,card,10.00,2026-03-10T13:00:00Z')]], 'done'],
    ] as const)('%s → %s', async (_case, later, expected) => {
      const db = await emptyStore(kind);
      await sync(db, 'payments-1.csv', START);
      await sync(db, 'ledger-1.csv', LEDGER);
      expect((await flags(db)).stuck!.map((s) => s.paymentId)).toEqual(['pay_s']);
      await decide(db, 'stuck', 'pay_s', 'escalated', '2026-03-10T12:30:00Z');
      expect(await states(db)).toEqual([['pay_s', 'waiting']]);
      for (const [name, content] of later) await sync(db, name, content);
      expect(await states(db)).toEqual([['pay_s', expected]]);
      expect((await followups(db)).map((f) => f.key)).toEqual(expected === 'done' ? [] : ['pay_s']);
      expect(await doneLog(db, 'stuck', 'pay_s')).toHaveLength(expected === 'done' ? 1 : 0);
      await sync(db, 'ledger-9.csv', csv(LEDGER_HEADER, 'le_end9,acct_9,usage,-1.00,usd,2026-03-11T12:00:00Z,'));
      expect(await doneLog(db, 'stuck', 'pay_s')).toHaveLength(expected === 'done' ? 1 : 0);
    });
  });

  describe('limited contacted: done once the account is no longer Limited', () => {
    it('waits while purchased spend is under the threshold', async () => {
      const db = await emptyStore(kind);
      await sync(db, 'ledger-1.csv', csv(LEDGER_HEADER, 'le_free,acct_l,credit_free,5.00,usd,2026-03-10T09:00:00Z,'));
      expect((await flags(db)).limited!.map((l) => l.accountId)).toEqual(['acct_l']);
      await decide(db, 'limited', 'acct_l', 'contacted', '2026-03-10T10:00:00Z');
      expect(await followups(db)).toEqual([expect.objectContaining({ key: 'acct_l', list: 'limited', decision: 'contacted', state: 'waiting', accountId: 'acct_l' })]);

      await sync(db, 'payments-1.csv', csv(HEADER, 'pay_1,acct_l,2.00,usd,succeeded,2026-03-10T11:00:00Z,,card,,'));
      await sync(db, 'ledger-2.csv', csv(LEDGER_HEADER, 'le_p1,acct_l,credit_purchased,2.00,usd,2026-03-10T11:00:30Z,pay_1'));
      expect(await states(db)).toEqual([['acct_l', 'waiting']]);

      await sync(db, 'payments-2.csv', csv(HEADER, 'pay_2,acct_l,3.00,usd,succeeded,2026-03-10T12:00:00Z,,card,,'));
      await sync(db, 'ledger-3.csv', csv(LEDGER_HEADER, 'le_p2,acct_l,credit_purchased,3.00,usd,2026-03-10T12:00:30Z,pay_2'));
      expect(await states(db)).toEqual([['acct_l', 'done']]);
      expect(await followups(db)).toEqual([]);
      expect(await doneLog(db, 'limited', 'acct_l')).toHaveLength(1);
    });
  });

  describe('the Follow-ups list', () => {
    it('shows the decisions that ask for an action and are not done, oldest decision first; by account on request', async () => {
      const db = await emptyStore(kind);
      await sync(
        db,
        'payments-1.csv',
        csv(
          HEADER,
          'pay_a,acct_1,10.00,usd,succeeded,2026-03-10T09:00:00Z,,card,,',
          'pay_b,acct_1,10.00,usd,succeeded,2026-03-10T09:05:00Z,,card,,',
          'pay_s,acct_2,10.00,usd,pending,2026-03-10T09:00:00Z,,card,,',
          'pay_gone,acct_3,10.00,usd,failed,2026-03-10T09:00:00Z,,card,,',
        ),
      );
      await sync(
        db,
        'ledger-1.csv',
        csv(
          LEDGER_HEADER,
          'le_a,acct_1,credit_purchased,10.00,usd,2026-03-10T09:00:30Z,pay_a',
          'le_b,acct_1,credit_purchased,10.00,usd,2026-03-10T09:05:30Z,pay_b',
          'le_free,acct_l,credit_free,5.00,usd,2026-03-10T09:00:00Z,',
          'le_end1,acct_9,usage,-1.00,usd,2026-03-10T12:00:00Z,',
        ),
      );
      await decide(db, 'limited', 'acct_l', 'contacted', '2026-03-10T15:00:00Z', 'cy');
      await decide(db, 'duplicates', 'pay_a|pay_b', 'refund_needed', '2026-03-10T13:00:00Z', 'ana');
      await decide(db, 'stuck', 'pay_s', 'escalated', '2026-03-10T14:00:00Z', 'bo');
      await decide(db, 'stuck', 'pay_gone', 'escalated', '2026-03-10T12:30:00Z');
      // decisions that ask for no action are never followed
      await decide(db, 'stuck', 'pay_b', 'resolved', '2026-03-10T12:00:00Z');
      await decide(db, 'limited', 'acct_9', 'dismissed', '2026-03-10T12:00:00Z');
      await decide(db, 'mismatches', 'credited_twice:pay_a', 'fixed', '2026-03-10T12:00:00Z');

      expect((await followups(db)).map((f) => [f.key, f.list, f.state, f.by])).toEqual([
        ['pay_a|pay_b', 'duplicates', 'waiting', 'ana'],
        ['pay_s', 'stuck', 'waiting', 'bo'],
        ['acct_l', 'limited', 'waiting', 'cy'],
      ]);
      expect((await followups(db, { includeDone: true })).map((f) => [f.key, f.state])).toEqual([
        ['pay_gone', 'done'],
        ['pay_a|pay_b', 'waiting'],
        ['pay_s', 'waiting'],
        ['acct_l', 'waiting'],
      ]);
      expect((await followups(db, { accountId: 'acct_2' })).map((f) => f.key)).toEqual(['pay_s']);
    });
  });
});
