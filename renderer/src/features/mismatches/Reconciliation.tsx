// A mismatch's evidence: the payment with its refunds and disputes beside every linked ledger entry, and both
// sides' arithmetic (paid − returned = kept against credited − reversed = net), then the delta between them.
import type { Evidence, EvidenceLedgerEntry, EvidencePayment, Reconciliation } from '../../../../shared/api.js';
import { StatusBadge } from '../../components/ui.js';
import { methodInWords, Money, Time, words } from '../../format.js';
import { deltaInWords, deltaSense } from './words.js';

export function ReconciliationView({ evidence }: { evidence: Evidence }) {
  const r = evidence.reconciliation;
  const paymentId = evidence.key.slice(evidence.key.indexOf(':') + 1);
  const payment = evidence.payments.find((p) => p.paymentId === paymentId || p.altId === paymentId) ?? evidence.payments[0] ?? null;
  return (
    <section className="card recon" aria-label="Processor and ledger side by side">
      <div className="recon-sides">
        <div className="recon-side">
          <h3>At the processor</h3>
          {payment ? <PaymentFacts p={payment} /> : <p className="muted">No imported payment has this id: the credits name a payment the payments export does not hold.</p>}
          {r && <ProcessorSum r={r} />}
        </div>
        <div className="recon-side">
          <h3>In the ledger ({evidence.ledger.length})</h3>
          <LedgerEntries entries={evidence.ledger} />
          {r && <LedgerSum r={r} />}
        </div>
      </div>
      {r && <DeltaLine r={r} />}
    </section>
  );
}

function PaymentFacts({ p }: { p: EvidencePayment }) {
  const refunded = p.amountRefundedCents !== null && p.amountRefundedCents > 0;
  return (
    <div className="payment focus">
      <div className="payment-head">
        <code>{p.paymentId}</code>
        <StatusBadge status={p.status} />
      </div>
      <Money cents={p.amountCents} currency={p.currency} strong />
      <dl>
        <dt>Method</dt>
        <dd>{methodInWords(p.method)}</dd>
        <dt>Created</dt>
        <dd><Time iso={p.createdAt} /></dd>
        <dt>Refunded</dt>
        <dd>
          {refunded ? (
            <>
              <Money cents={p.amountRefundedCents as number} currency={p.currency} /> {p.refundedAt && <span className="muted">on <Time iso={p.refundedAt} /></span>}
            </>
          ) : p.amountRefundedCents === null ? (
            <span className="muted">the export does not say</span>
          ) : (
            <span className="muted">nothing</span>
          )}
        </dd>
        <dt>Dispute</dt>
        <dd>
          {p.disputeStatus ? (
            <>
              {words(p.disputeStatus)}
              {p.disputedAmountCents !== null && <>, <Money cents={p.disputedAmountCents} currency={p.currency} /></>}
              {p.disputedAt && <span className="muted"> on <Time iso={p.disputedAt} /></span>}
            </>
          ) : (
            <span className="muted">none</span>
          )}
        </dd>
        {p.altId && (
          <>
            <dt>Intent</dt>
            <dd><code>{p.altId}</code></dd>
          </>
        )}
      </dl>
    </div>
  );
}

function LedgerEntries({ entries }: { entries: EvidenceLedgerEntry[] }) {
  if (entries.length === 0) return <p className="muted">No ledger entry is linked to this payment.</p>;
  return (
    <ul className="recon-entries">
      {entries.map((l) => (
        <li key={l.entryId} className={l.type === 'credit_purchased' || l.type === 'refund' ? '' : 'muted'}>
          <span className={`dot ${l.type}`} />
          <span className="what">
            {words(l.type)} <code className="muted">{l.entryId}</code>
            <small className="muted"><Time iso={l.createdAt} /></small>
          </span>
          <Money cents={l.amountCents} currency={l.currency} />
        </li>
      ))}
    </ul>
  );
}

/** "Paid 10.00 USD − returned 5.00 USD = kept 5.00 USD". */
function ProcessorSum({ r }: { r: Reconciliation }) {
  return (
    <p className="sum" data-testid="processor-sum">
      Paid <span data-testid="recon-paid"><Money cents={r.paidCents} currency={r.currency} /></span> − returned{' '}
      <span data-testid="recon-returned"><Money cents={r.returnedCents} currency={r.currency} /></span> = kept{' '}
      <strong data-testid="recon-kept"><Money cents={r.keptCents} currency={r.currency} /></strong>
    </p>
  );
}

/** "Credited 20.00 USD − reversed 0.00 USD = net 20.00 USD", in the credits' own currency. */
function LedgerSum({ r }: { r: Reconciliation }) {
  const currency = r.creditedCurrency ?? r.currency;
  return (
    <p className="sum" data-testid="ledger-sum">
      Credited <span data-testid="recon-credited"><Money cents={r.creditedCents} currency={currency} /></span> − reversed{' '}
      <span data-testid="recon-reversed"><Money cents={r.reversedCents} currency={currency} /></span> = net{' '}
      <strong data-testid="recon-net"><Money cents={r.netCreditedCents} currency={currency} /></strong>
    </p>
  );
}

function DeltaLine({ r }: { r: Reconciliation }) {
  if (r.deltaCents === null)
    return (
      <p className="delta-line other-currency" data-testid="recon-delta">
        No delta: the credits are in {(r.creditedCurrency ?? '?').toUpperCase()}, the payment in {r.currency.toUpperCase()}, and paydesk does not convert
        currencies. Compare the amounts by hand.
      </p>
    );
  return (
    <p className={`delta-line delta-${deltaSense(r.deltaCents)}`}>
      Net credited − kept = <strong data-testid="recon-delta">{deltaInWords(r.deltaCents, r.currency)}</strong>
    </p>
  );
}
