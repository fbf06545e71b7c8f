// A mismatch's kind as a badge and its delta as an amount with its sense, for the list and the account.
import type { MismatchKind } from '../../../../shared/domain.js';
import { Badge } from '../../components/ui.js';
import { deltaNote, deltaSense, MISMATCH_KIND_HINTS, MISMATCH_KIND_WORDS, signedMoney } from './words.js';

const KIND_TONE: Record<MismatchKind, 'red' | 'amber' | 'blue' | 'grey'> = {
  credited_twice: 'red',
  amount_differs: 'amber',
  credited_not_paid: 'red',
  refund_not_reversed: 'red',
  unknown_payment: 'amber',
};

/** `wrap`: in a narrow column the words may take two lines. */
export function KindBadge({ kind, wrap }: { kind: MismatchKind; wrap?: boolean }) {
  return (
    <Badge tone={KIND_TONE[kind]} title={MISMATCH_KIND_HINTS[kind]} wrap={wrap}>
      {MISMATCH_KIND_WORDS[kind]}
    </Badge>
  );
}

/** "+10.00 USD" over "over-credited": the amount and its sense on two lines of one cell. */
export function Delta({ cents, currency }: { cents: number | null; currency: string }) {
  const sense = deltaSense(cents);
  if (cents === null) return <span className="stacked right-text"><span className="muted">—</span><small className="muted">other currency</small></span>;
  return (
    <span className={`stacked right-text delta-${sense}`}>
      <strong className="money">{signedMoney(cents, currency)}</strong>
      <small>{deltaNote[sense]}</small>
    </span>
  );
}
