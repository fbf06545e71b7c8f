// A mismatch's evidence: the payment with its refunds and disputes beside every linked ledger entry, and both
// sides' arithmetic (paid − returned = kept against credited − reversed = net), then the delta between them.
import type { Evidence, EvidenceLedgerEntry, EvidencePayment, Reconciliation } from '../../../../shared/api.js';
import { MISMATCH_KINDS, type MismatchKind } from '../../../../shared/domain.js';
import { StatusBadge } from '../../components/ui.js';
import { formatMoney, methodInWords, Money, Time, words } from '../../format.js';
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
      {r && <DeltaLine r={r} kind={MISMATCH_KINDS.find((k) => evidence.key.startsWith(`${k}:`))} />}
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

/** One side's sum as a column of figures: first − second = result. The sentence is its accessible name. */
function Sum({ testId, lines, currencies }: { testId: string; lines: [string, string, number][]; currencies: string }) {
  const sentence = lines.map(([op, label, cents], i) => `${i === 0 ? '' : ` ${op} `}${label} ${formatMoney(cents, currencies)}`).join('');
  return (
    <dl className="sum" data-testid={testId} aria-label={sentence}>
      {lines.map(([op, label, cents], i) => (
        <div key={label} className={i === lines.length - 1 ? 'total' : undefined}>
          <dt>
            {op && <span className="op">{op}</span>}
            {label}
          </dt>
          <dd data-testid={`recon-${label}`}>
            <Money cents={cents} currency={currencies} strong={i === lines.length - 1} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** Paid − returned = kept, in the payment's currency. */
const ProcessorSum = ({ r }: { r: Reconciliation }) => (
  <Sum testId="processor-sum" currencies={r.currency} lines={[['', 'paid', r.paidCents], ['−', 'returned', r.returnedCents], ['=', 'kept', r.keptCents]]} />
);

/** Credited − reversed = net, in the credits' own currency. */
const LedgerSum = ({ r }: { r: Reconciliation }) => (
  <Sum
    testId="ledger-sum"
    currencies={r.creditedCurrency ?? r.currency}
    lines={[['', 'credited', r.creditedCents], ['−', 'reversed', r.reversedCents], ['=', 'net', r.netCreditedCents]]}
  />
);

/** How rules.md §4 counts each kind's delta, in the card's own words. */
const DELTA_FORMULA: Record<MismatchKind, string> = {
  credited_twice: 'Credited − paid',
  amount_differs: 'Credited − paid',
  credited_not_paid: 'Everything credited (the charge took no money)',
  refund_not_reversed: 'Returned, up to what was credited, − reversed',
  unknown_payment: "The entry's amount (no payment pays for it)",
};

function DeltaLine({ r, kind }: { r: Reconciliation; kind: MismatchKind | undefined }) {
  if (r.deltaCents === null)
    return (
      <p className="delta-line other-currency" data-testid="recon-delta">
        No delta: the credits are in {(r.creditedCurrency ?? '?').toUpperCase()}, the payment in {r.currency.toUpperCase()}, and paydesk does not convert
        currencies. Compare the amounts by hand.
      </p>
    );
  // Where the two sides' results differ by exactly the delta, say so; otherwise name the kind's own formula.
  const formula = r.netCreditedCents - r.keptCents === r.deltaCents ? 'Net credited − kept' : kind ? DELTA_FORMULA[kind] : 'Delta';
  return (
    <p className={`delta-line delta-${deltaSense(r.deltaCents)}`}>
      <span data-testid="recon-delta-formula">{formula}</span> = <strong data-testid="recon-delta">{deltaInWords(r.deltaCents, r.currency)}</strong>
    </p>
  );
}
