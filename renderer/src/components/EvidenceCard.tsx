// The evidence behind one flag: which rule fired with its inputs and threshold, the payments side by side,
// the linked ledger entries, and a ready reply for the ticket.
import { useEffect, useState } from 'react';
import type { Evidence } from '../../../shared/api.js';
import type { FlagKind } from '../../../shared/domain.js';
import { api } from '../api.js';
import { Money, Time, utcText, words } from '../format.js';
import { DecisionBadge, DecisionForm } from './Decision.js';
import { Badge, CopyButton, ErrorState, LoadingState } from './ui.js';

const STATUS_TONE: Record<string, 'red' | 'amber' | 'green' | 'blue' | 'grey'> = {
  pending: 'amber', processing: 'amber', succeeded: 'green', partially_refunded: 'blue', refunded: 'blue', failed: 'red', canceled: 'grey', incomplete: 'grey',
};
export const StatusBadge = ({ status }: { status: string }) => <Badge tone={STATUS_TONE[status] ?? 'grey'}>{words(status)}</Badge>;

export function EvidenceCard({ kind, flagKey, onClose, onOpenAccount }: { kind: FlagKind; flagKey: string; onClose: () => void; onOpenAccount: (id: string) => void }) {
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
    <aside className="drawer" role="dialog" aria-label="Evidence">
      <div className="drawer-head">
        <div>
          <div className="eyebrow">{kind === 'stuck' ? 'Stuck payment' : kind === 'duplicates' ? 'Possible duplicate purchase' : 'Limited tier'}</div>
          <h2>{evidence?.title ?? flagKey}</h2>
        </div>
        <button className="btn ghost" aria-label="Close" onClick={onClose}>
          ✕
        </button>
      </div>
      {error !== null ? (
        <ErrorState error={error} onRetry={() => setReload((n) => n + 1)} />
      ) : !evidence || evidence.key !== flagKey ? (
        <LoadingState />
      ) : (
        <div className="drawer-body">
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

          <section className="card">
            <div className="card-head">
              <h3>Reply for the ticket</h3>
              <CopyButton text={evidence.reply} label="Copy reply" />
            </div>
            <p className="reply" data-testid="reply">{evidence.reply}</p>
          </section>

          <section className="card">
            <h3>Payments ({evidence.payments.length})</h3>
            <div className="side-by-side">
              {evidence.payments.map((p) => (
                <div key={p.paymentId} className={`payment${p.paymentId === evidence.key || evidence.key.split('|').includes(p.paymentId) ? ' focus' : ''}`}>
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
    </aside>
  );
}
