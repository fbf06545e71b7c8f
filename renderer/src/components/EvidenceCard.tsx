// The evidence behind one flag: which rule fired with its inputs and threshold, the payments side by side,
// the linked ledger entries, and a ready reply for the ticket (for a mismatch: both sides' arithmetic and a
// note for finance).
import { useEffect, useState } from 'react';
import type { Evidence, EvidencePayment } from '../../../shared/api.js';
import type { FlagKind, Followup } from '../../../shared/domain.js';
import { api, ApiError } from '../api.js';
import { followupStateWords, followupTone } from '../features/followups/words.js';
import { ReconciliationView } from '../features/mismatches/Reconciliation.js';
import { methodInWords, Money, Time, utcText, words } from '../format.js';
import { DecisionBadge, DecisionForm } from './Decision.js';
import { Badge, CopyButton, EmptyState, ErrorState, LoadingState, StatusBadge } from './ui.js';

const EYEBROW: Record<FlagKind, string> = {
  stuck: 'Stuck payment',
  duplicates: 'Possible duplicate purchase',
  limited: 'Limited tier',
  mismatches: 'Processor and ledger disagree',
};

interface Props {
  kind: FlagKind;
  flagKey: string;
  /** The flag's account when the caller knows it: a way on when the flag is not in its list any more. */
  accountId?: string | null;
  /** Opened from the Follow-ups list: where the decision's action stands, above the evidence. */
  followup?: Followup | null;
  onClose: () => void;
  onOpenAccount: (id: string) => void;
}

export function EvidenceCard({ kind, flagKey, accountId, followup, onClose, onOpenAccount }: Props) {
  const [evidence, setEvidence] = useState<Evidence | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [reload, setReload] = useState(0);
  useEffect(() => {
    let live = true;
    setError(null);
    api['flags:evidence']({ kind, key: flagKey }).then((e) => live && setEvidence(e), (e: unknown) => live && setError(e));
    return () => {
      live = false;
    };
  }, [kind, flagKey, reload]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  return (
    <div className="drawer" role="dialog" aria-label="Evidence">
      <div className="drawer-head">
        <div>
          <div className="eyebrow">{EYEBROW[kind]}</div>
          <h2>{evidence?.title ?? flagKey}</h2>
        </div>
        <button className="btn ghost" aria-label="Close" onClick={onClose}>
          ✕
        </button>
      </div>
      {error instanceof ApiError && error.code === 'not-found' ? (
        <div className="drawer-body">
          {followup && <FollowupSection f={followup} />}
          <EmptyState title="Not flagged any more">
            <p>{sentence(error.message)}. The data changed since the decision, which is kept; the account shows what happened.</p>
            {accountId && (
              <button className="link" onClick={() => onOpenAccount(accountId)}>
                Open account {accountId} →
              </button>
            )}
          </EmptyState>
          {followup && (
            <section className="card">
              <h3>Change the decision</h3>
              <DecisionForm kind={kind} keys={[flagKey]} current={{ kind, key: flagKey, decision: followup.decision, note: followup.note, reviewer: followup.by, decidedAt: followup.decidedAt }} />
            </section>
          )}
        </div>
      ) : error !== null ? (
        <ErrorState error={error} onRetry={() => setReload((n) => n + 1)} />
      ) : !evidence || evidence.key !== flagKey ? (
        <LoadingState />
      ) : (
        <div className="drawer-body">
          {followup && <FollowupSection f={followup} />}
          <section className="card rule">
            <h3>Why this was flagged</h3>
            <p>{evidence.rule}</p>
            <dl className="facts">
              {evidence.inputs.map((i) => (
                <div key={i.label}>
                  <dt>{i.label}</dt>
                  <dd>{i.value}</dd>
                </div>
              ))}
              <div className="threshold">
                <dt>{evidence.threshold.label}</dt>
                <dd>{evidence.threshold.value}</dd>
              </div>
            </dl>
            {evidence.accountId && (
              <button className="link" onClick={() => onOpenAccount(evidence.accountId as string)}>
                Open account {evidence.accountId} →
              </button>
            )}
          </section>

          {kind === 'mismatches' && <ReconciliationView evidence={evidence} />}

          <section className="card">
            <div className="card-head">
              <h3>{kind === 'mismatches' ? 'Note for finance' : 'Reply for the ticket'}</h3>
              <CopyButton text={evidence.reply} label={kind === 'mismatches' ? 'Copy note' : 'Copy reply'} />
            </div>
            <p className="reply" data-testid="reply">{evidence.reply}</p>
          </section>

          {kind !== 'mismatches' && <PaymentsAndLedger evidence={evidence} />}

          <section className="card">
            <div className="card-head">
              <h3>Decision</h3>
              <DecisionBadge review={evidence.review} />
            </div>
            {evidence.review && (
              <p className="muted small">
                {evidence.review.reviewer}, <Time iso={evidence.review.decidedAt} />
                {evidence.review.note && <> — “{evidence.review.note}”</>}
              </p>
            )}
            <DecisionForm key={evidence.review?.decidedAt ?? 'new'} kind={kind} keys={[evidence.key]} current={evidence.review} onSaved={() => setReload((n) => n + 1)} />
          </section>
        </div>
      )}
    </div>
  );
}

const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function FollowupSection({ f }: { f: Followup }) {
  return (
    <section className="card followup" aria-label="Follow-up">
      <div className="card-head">
        <h3>Follow-up</h3>
        <Badge tone={followupTone(f)}>{followupStateWords(f)}</Badge>
      </div>
      <p>{f.detail}</p>
      <p className="muted small">
        {words(f.decision)} by {f.by}, <Time iso={f.decidedAt} />
        {f.note && <> — “{f.note}”</>}
      </p>
    </section>
  );
}

function PaymentsAndLedger({ evidence }: { evidence: Evidence }) {
  return (
    <>
      <section className="card">
        <h3>Payments ({evidence.payments.length})</h3>
        <div className="side-by-side">
          {evidence.payments.map((p) => (
            <PaymentCard key={p.paymentId} p={p} focus={p.paymentId === evidence.key || evidence.key.split('|').includes(p.paymentId)} />
          ))}
        </div>
      </section>

      <section className="card">
        <h3>Linked ledger entries ({evidence.ledger.length})</h3>
        {evidence.ledger.length === 0 ? (
          <p className="muted">No ledger entry is linked to these payments: the credits were never added.</p>
        ) : (
          <table className="mini">
            <thead>
              <tr>
                <th>Entry</th>
                <th>Type</th>
                <th className="right">Amount</th>
                <th>When</th>
                <th>Payment</th>
              </tr>
            </thead>
            <tbody>
              {evidence.ledger.map((l) => (
                <tr key={l.entryId}>
                  <td>
                    <code>{l.entryId}</code>
                  </td>
                  <td>{words(l.type)}</td>
                  <td className="right">
                    <Money cents={l.amountCents} currency={l.currency} />
                  </td>
                  <td>
                    <Time iso={l.createdAt} />
                  </td>
                  <td>{l.paymentId ? <code>{l.paymentId}</code> : <span className="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

function PaymentCard({ p, focus }: { p: EvidencePayment; focus: boolean }) {
  return (
    <div className={`payment${focus ? ' focus' : ''}`}>
      <div className="payment-head">
        <code>{p.paymentId}</code>
        <StatusBadge status={p.status} />
      </div>
      <Money cents={p.amountCents} currency={p.currency} strong />
      <dl>
        <dt>Created</dt>
        <dd>
          <Time iso={p.createdAt} />
          <div className="utc">{utcText(p.createdAt)}</div>
        </dd>
        <dt>Credited</dt>
        <dd>{p.creditedAt ? <Time iso={p.creditedAt} /> : <span className="warn">not credited</span>}</dd>
        <dt>Method</dt>
        <dd>{methodInWords(p.method ?? null)}</dd>
        {p.amountRefundedCents !== null && p.amountRefundedCents > 0 && (
          <>
            <dt>Refunded</dt>
            <dd>
              <Money cents={p.amountRefundedCents} currency={p.currency} />
              {p.refundedAt && <div className="utc">{utcText(p.refundedAt)}</div>}
            </dd>
          </>
        )}
        {p.disputeStatus && (
          <>
            <dt>Dispute</dt>
            <dd>
              {words(p.disputeStatus)}
              {p.disputedAmountCents !== null && <>, <Money cents={p.disputedAmountCents} currency={p.currency} /></>}
            </dd>
          </>
        )}
        <dt>Invoice</dt>
        <dd>{p.invoiceId ?? <span className="muted">none</span>}</dd>
        <dt>Email</dt>
        <dd>{p.email ?? <span className="muted">—</span>}</dd>
        {p.altId && (
          <>
            <dt>Intent</dt>
            <dd>
              <code>{p.altId}</code>
            </dd>
          </>
        )}
      </dl>
    </div>
  );
}
