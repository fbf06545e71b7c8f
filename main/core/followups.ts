// Rule 5: a decision that asks for an action is followed until the data shows the action done.
import { keptNoMoney, type FlagSettings, type Followup, type FollowupState, type ReviewDecision } from '../../shared/domain.js';
import { formatMoney } from '../../shared/money.js';
import type { Store } from './store/store.js';
import { RECONCILED_COLUMNS, unreversedCents, type ReconciledPayment } from './flags/mismatches.js';

/** The decisions that ask for an action, by list. */
const FOLLOWED = `(kind = 'duplicates' AND decision = 'refund_needed') OR (kind = 'stuck' AND decision = 'escalated')
  OR (kind = 'limited' AND decision = 'contacted')`;

interface DecisionRow {
  kind: 'duplicates' | 'stuck' | 'limited';
  key: string;
  decision: ReviewDecision;
  note: string;
  reviewer: string;
  decided_at: number;
  followup_done_at: number | null;
}

interface Standing {
  state: FollowupState;
  accountId: string | null;
  detail: string;
}

type StatedPayment = ReconciledPayment & { credited_at: number | null };

export interface FollowupOptions {
  accountId?: string;
  /** Also the decisions whose action the data already shows done. */
  includeDone?: boolean;
}

/** Every followed decision with its state from the current data, oldest decision first. */
export async function listFollowups(db: Store, settings: FlagSettings, options: FollowupOptions = {}): Promise<Followup[]> {
  const decisions = (await db.all(`SELECT * FROM reviews WHERE ${FOLLOWED} ORDER BY decided_at, key`)) as DecisionRow[];
  const standing = followupStanding(db, settings);
  const followups: Followup[] = [];
  for (const d of decisions) {
    const now = await standing(d);
    if (now.state === 'done' && !options.includeDone) continue;
    if (options.accountId !== undefined && now.accountId !== options.accountId) continue;
    followups.push({
      key: d.key, list: d.kind, decision: d.decision, state: now.state, decidedAt: new Date(d.decided_at).toISOString(), by: d.reviewer,
      note: d.note, accountId: now.accountId, detail: now.detail,
    });
  }
  return followups;
}

/**
 * Records, once per decision, that the data now shows its action done: on the decision (followup_done_at, with
 * the import that showed it) and in the audit log. Returns how many became done.
 */
export async function recordFollowupsDone(db: Store, settings: FlagSettings, importId: number | null, now = Date.now()): Promise<number> {
  const waiting = (await db.all(`SELECT * FROM reviews WHERE (${FOLLOWED}) AND followup_done_at IS NULL ORDER BY decided_at, key`)) as DecisionRow[];
  if (waiting.length === 0) return 0;
  const standing = followupStanding(db, settings);
  let done = 0;
  for (const d of waiting) {
    const current = await standing(d);
    if (current.state !== 'done') continue;
    await db.run('UPDATE reviews SET followup_done_at = ?, followup_import_id = ? WHERE kind = ? AND key = ? AND decided_at = ?', [
      now, importId, d.kind, d.key, d.decided_at,
    ]);
    const shownBy = importId === null ? '' : ` (shown by import #${importId})`;
    await db.run(
      `INSERT INTO review_log (kind, key, decision, note, reviewer, decided_at, recorded_at, source)
       VALUES (?, ?, ?, ?, 'paydesk', ?, ?, 'followup')`,
      [d.kind, d.key, d.decision, `Follow-up done: ${current.detail}${shownBy}`, now, now],
    );
    done++;
  }
  return done;
}

function followupStanding(db: Store, settings: FlagSettings): (d: DecisionRow) => Promise<Standing> {
  const payment = (id: string) => db.get<StatedPayment>(`SELECT ${RECONCILED_COLUMNS}, p.credited_at FROM payments p WHERE p.id = ?`, [id]);
  return async (d) => {
    if (d.kind === 'duplicates') {
      const payments = (await Promise.all(d.key.split('|').map(payment))).filter((p): p is StatedPayment => p !== undefined);
      return refundStanding(payments);
    }
    if (d.kind === 'stuck') return stuckStanding(await payment(d.key));
    const stillLimited =
      (await db.value('SELECT 1 FROM account_totals WHERE account_id = ? AND balance_cents > 0 AND purchased_cents < ? LIMIT 1', [
        d.key, settings.tierThresholdCents,
      ])) !== undefined;
    return {
      state: stillLimited ? 'waiting' : 'done',
      accountId: d.key,
      detail: stillLimited ? 'Still under the Build Tier 1 threshold of purchased spend.' : 'No longer on the Limited tier.',
    };
  };
}

/** refund_needed: waiting for a full refund of some payment, then for its credits to be taken back. */
function refundStanding(payments: StatedPayment[]): Standing {
  const accountId = payments[0]?.account_id ?? null;
  const returned = payments.filter((p) => p.amount_cents > 0 && p.returned_cents >= p.amount_cents);
  if (returned.length === 0) return { state: 'waiting', accountId, detail: 'No payment of the cluster has been refunded at the processor yet.' };
  const unreversed = returned.filter((p) => unreversedCents(p) > 0);
  if (unreversed.length > 0) {
    const owed = unreversed.map((p) => `${formatMoney(unreversedCents(p), p.currency)} of ${p.id}`).join(', ');
    return { state: 'refunded_not_reversed', accountId, detail: `Refunded at the processor; credits not yet taken back in the ledger: ${owed}.` };
  }
  return { state: 'done', accountId, detail: `Refunded (${returned.map((p) => p.id).join(', ')}) and the credits taken back.` };
}

/** escalated: done once the payment is no longer stuck (credited, or it failed, was canceled or refunded). */
function stuckStanding(p: StatedPayment | undefined): Standing {
  if (!p) return { state: 'waiting', accountId: null, detail: 'The payment is not in the imported data.' };
  if (keptNoMoney(p.status)) {
    return { state: 'done', accountId: p.account_id, detail: `The payment ${p.status === 'incomplete' ? 'never completed' : `is ${p.status}`}: no money to credit.` };
  }
  if (p.status === 'refunded') return { state: 'done', accountId: p.account_id, detail: 'The payment was refunded.' };
  if ((p.status === 'succeeded' || p.status === 'partially_refunded') && p.credited_at !== null) {
    return { state: 'done', accountId: p.account_id, detail: `Credited on ${new Date(p.credited_at).toISOString().slice(0, 16).replace('T', ' ')} UTC.` };
  }
  const where = p.status === 'pending' || p.status === 'processing' ? `still ${p.status} at the processor` : 'paid, but no credits added yet';
  return { state: 'waiting', accountId: p.account_id, detail: `The payment is ${where}.` };
}
